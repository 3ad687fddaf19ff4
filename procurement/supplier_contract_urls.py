"""Suppliers' contract pages, under /supplier/contracts/ (included before the supplier/ include)."""

from django.urls import path

from .views import supplier_contracts as views

urlpatterns = [
    path("", views.supplier_contract_list, name="supplier_contract_list"),
    path("<int:pk>/", views.supplier_contract_detail, name="supplier_contract_detail"),
    path("<int:pk>/returns/<int:number>/", views.supplier_return, name="supplier_return"),
    path("<int:pk>/returns/<int:number>/upload/", views.supplier_return_upload, name="supplier_return_upload"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.supplier_evidence, name="supplier_evidence"),
]
