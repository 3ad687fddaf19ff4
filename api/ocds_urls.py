from django.urls import path

from . import ocds_views

urlpatterns = [
    path("<slug:council>/releases.json", ocds_views.council_releases, name="ocds_releases"),
    path("<slug:council>/<int:pk>/releases.json", ocds_views.procurement_releases, name="ocds_procurement_releases"),
]
