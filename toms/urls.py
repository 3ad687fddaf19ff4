"""Council pages for the TOMs measure library and calculators (under councils/<slug:council>/)."""

from django.urls import path, register_converter

from . import views


class ExportFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormatConverter, "exportformat")

urlpatterns = [
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/proxy-value/", views.proxy_value_edit, name="proxy_value_edit"),
    path("measures/export.<exportformat:fmt>", views.measure_export, name="measure_export"),
    path("measures/import/", views.measure_import, name="measure_import"),
    path("measures/import/<int:pk>/", views.import_job_detail, name="import_job_detail"),
    path("measures/import/<int:pk>/status/", views.import_job_status, name="import_job_status"),
    path("calculators/", views.calculator_list, name="calculator_list"),
    path("calculators/add/", views.calculator_add, name="calculator_add"),
    path("calculators/<int:pk>/", views.calculator_detail, name="calculator_detail"),
    path("calculators/<int:pk>/edit/", views.calculator_edit, name="calculator_edit"),
    path("calculators/<int:pk>/result/", views.calculator_result, name="calculator_result"),
]
