"""Council pages for suppliers and diversity questionnaires, under councils/<slug:council>/."""

from django.urls import path

from . import council_views as views

urlpatterns = [
    path("suppliers/", views.supplier_list, name="supplier_list"),
    path("suppliers/invite/", views.supplier_invite, name="supplier_invite"),
    path("suppliers/<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("diversity/", views.campaign_list, name="campaign_list"),
    path("diversity/new/", views.campaign_create, name="campaign_create"),
    path("diversity/settings/", views.diversity_settings, name="diversity_settings"),
    path("diversity/access/", views.diversity_access, name="diversity_access"),
    path("diversity/access/<int:pk>/revoke/", views.diversity_access_revoke, name="diversity_access_revoke"),
    path("diversity/access/log/", views.diversity_access_log, name="diversity_access_log"),
    path("diversity/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("diversity/<int:pk>/baseline/", views.campaign_dashboard, name="campaign_dashboard"),
    path("diversity/<int:pk>/baseline.csv", views.campaign_export, name="campaign_export"),
    path("diversity/<int:pk>/responses/", views.campaign_responses, name="campaign_responses"),
    path(
        "diversity/<int:pk>/responses/<int:response>/",
        views.campaign_response_detail,
        name="campaign_response_detail",
    ),
]
