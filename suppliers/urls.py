from django.urls import path

from . import views

urlpatterns = [
    path("", views.supplier_home, name="supplier_home"),
    path("register/", views.register_start, name="register_start"),
    path("register/organisation/", views.register_organisation, name="register_organisation"),
    path("register/size/", views.register_size, name="register_size"),
    path("register/size/result/", views.register_size_result, name="register_size_result"),
    path("register/account/", views.register_account, name="register_account"),
    path("register/check-email/", views.register_check_email, name="register_check_email"),
    path("register/verify/<uidb64>/<token>/", views.register_verify, name="register_verify"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("<int:supplier>/details/", views.supplier_details_edit, name="supplier_details_edit"),
    path("<int:supplier>/colleagues/invite/", views.colleague_invite, name="colleague_invite"),
    path("<int:supplier>/questionnaires/<int:campaign>/", views.questionnaire, name="questionnaire"),
    path(
        "<int:supplier>/questionnaires/<int:campaign>/answer/", views.questionnaire_answer, name="questionnaire_answer"
    ),
    path(
        "<int:supplier>/questionnaires/<int:campaign>/withdraw/",
        views.questionnaire_withdraw,
        name="questionnaire_withdraw",
    ),
]
