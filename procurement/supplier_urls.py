"""Supplier-facing procurement pages, under /supplier/opportunities/."""

from django.urls import path

from .views import tenders

urlpatterns = [
    path("", tenders.opportunity_list, name="opportunity_list"),
    path("<int:pk>/", tenders.opportunity_detail, name="opportunity_detail"),
    path("<int:pk>/tender/", tenders.tender_edit, name="tender_edit"),
    path("<int:pk>/tender/calculate/", tenders.tender_calculate, name="tender_calculate"),
    path("<int:pk>/tender/check/", tenders.tender_check, name="tender_check"),
    path("<int:pk>/tender/submit/", tenders.tender_submit, name="tender_submit"),
]
