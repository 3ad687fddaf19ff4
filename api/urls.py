from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("councils", views.CouncilViewSet, basename="council")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("outcomes", views.OutcomeViewSet, basename="outcome")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("calculators", views.CalculatorViewSet, basename="calculator")
router.register("procurements", views.ProcurementViewSet, basename="procurement")
router.register("tenders", views.TenderViewSet, basename="tender")
router.register("awards", views.AwardViewSet, basename="award")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("kpis", views.KpiViewSet, basename="kpi")
router.register("annual-reports", views.AnnualReportViewSet, basename="annual-report")
router.register("returns", views.ReturnViewSet, basename="return")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL, so the page needs no inline script (CSP 'self').
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
