from django.urls import path, re_path

from .views import evaluation
from .views import register as views

urlpatterns = [
    path("", views.procurement_list, name="procurement_list"),
    path("new/", views.procurement_create, name="procurement_create"),
    path("<int:pk>/", views.procurement_detail, name="procurement_detail"),
    path("<int:pk>/details/", views.procurement_edit, name="procurement_edit"),
    path("<int:pk>/social-value-plan/", views.procurement_plan, name="procurement_plan"),
    path("<int:pk>/approval/", views.procurement_approval, name="procurement_approval"),
    path("<int:pk>/suppliers/", views.procurement_invite, name="procurement_invite"),
    path("<int:pk>/tenders/", evaluation.tender_list, name="tender_list"),
    path("<int:pk>/tenders/<int:tender_pk>/", evaluation.tender_evaluate, name="tender_evaluate"),
    path("<int:pk>/award/", evaluation.procurement_award, name="procurement_award"),
    path("<int:pk>/history/", evaluation.procurement_history, name="procurement_history"),
    path("<int:pk>/award/notice/", evaluation.award_notice, name="award_notice"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<action>market_engagement|publish|cancel|open)/$",
        views.procurement_action,
        name="procurement_action",
    ),
]
