from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/status/", views.report_status, name="report_status"),
    path("<int:pk>/themes/<int:index>/", views.report_theme, name="report_theme"),
    re_path(r"^(?P<pk>[0-9]+)/download/(?P<fmt>pdf|xlsx|csv)/$", views.report_download, name="report_download"),
    re_path(r"^(?P<pk>[0-9]+)/(?P<action>publish|retry)/$", views.report_action, name="report_action"),
    path("spend/", views.spend_list, name="spend_list"),
    path("spend/unmatched/", views.spend_unmatched, name="spend_unmatched"),
]
