"""Contract monitoring pages for council members, under /councils/<council>/contracts/."""

from django.urls import path

from .views import contracts as views

urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("dashboard/", views.contract_dashboard, name="contract_dashboard"),
    path("new/", views.contract_create, name="contract_create"),
    path("import/", views.contract_import, name="contract_import"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
    path("<int:pk>/details/", views.contract_edit, name="contract_edit"),
    path("<int:pk>/kpis/add/", views.kpi_add, name="kpi_add"),
    path("<int:pk>/returns/<int:return_pk>/", views.return_verify, name="return_verify"),
    path("<int:pk>/ratings/add/", views.rating_add, name="rating_add"),
    path("<int:pk>/actions/add/", views.remedy_add, name="remedy_add"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
]
