"""Read-only API viewsets. Each one starts from its model's ``visible_to(request.user)`` — the one
place that decides who sees what (docs/decisions/0001) — and adds only the joins its serializer
needs, so every list runs a fixed number of queries.

To add an endpoint (the KPI returns of contract monitoring, say): a serializer, a filter set, a
``VisibleViewSet`` subclass naming the model, one ``router.register`` line in ``api/urls.py``, and a
row in ``tests/test_api_access_matrix.py`` (the matrix fails until it has one).
"""

from django.db.models import F, Prefetch
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import viewsets

from procurement.models import Award, Commitment, Contract, Kpi, Procurement, Tender
from socialvalue.models import Council, Indicator, Outcome, Theme
from toms.models import Calculator, CalculatorMeasure, Measure, ProxyValue

from . import examples, filters, serializers


class VisibleViewSet(viewsets.ReadOnlyModelViewSet):
    """List and read one; the queryset is always ``model.objects.visible_to(user)``."""

    model = None

    def get_queryset(self):
        return self.shape(self.model.objects.visible_to(self.request.user))

    def shape(self, queryset):
        """The joins and prefetches the serializer needs (no filtering: access is visible_to's job)."""
        return queryset


def documented(tag, noun, plural, example=None, extra=""):
    """Describe list and retrieve for the OpenAPI document, with an example when given."""
    ex = [OpenApiExample(f"A {noun}", value=example, response_only=True)] if example else []
    return extend_schema_view(
        list=extend_schema(
            tags=[tag], summary=f"List {plural}", description=f"The {plural} you may see. {extra}".strip(), examples=ex
        ),
        retrieve=extend_schema(tags=[tag], summary=f"Read one {noun}", description=extra, examples=ex),
    )


@documented(
    "Councils", "council", "councils", examples.COUNCIL, "Councils you are a member of, with their policy settings."
)
class CouncilViewSet(VisibleViewSet):
    model = Council
    serializer_class = serializers.CouncilSerializer
    filterset_class = filters.CouncilFilter


@documented("Policy", "theme", "policy themes")
class ThemeViewSet(VisibleViewSet):
    model = Theme
    serializer_class = serializers.ThemeSerializer
    filterset_class = filters.ThemeFilter

    def shape(self, queryset):
        return queryset.select_related("policy__council").order_by("policy__council__name", "policy", "position", "pk")


@documented("Policy", "outcome", "policy outcomes")
class OutcomeViewSet(VisibleViewSet):
    model = Outcome
    serializer_class = serializers.OutcomeSerializer
    filterset_class = filters.OutcomeFilter

    def shape(self, queryset):
        return queryset.select_related("theme__policy__council").order_by(
            "theme__policy__council__name", "theme__position", "position", "pk"
        )


@documented("Policy", "indicator", "policy indicators")
class IndicatorViewSet(VisibleViewSet):
    model = Indicator
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter

    def shape(self, queryset):
        return queryset.select_related("outcome__theme__policy__council").order_by(
            "outcome__theme__policy__council__name", "outcome__theme__position", "outcome__position", "position", "pk"
        )


@documented(
    "TOMs",
    "measure",
    "TOMs measures",
    examples.MEASURE,
    "Each measure with its proxy values, £ per unit by financial year (2025 means 2025/26).",
)
class MeasureViewSet(VisibleViewSet):
    model = Measure
    serializer_class = serializers.MeasureSerializer
    filterset_class = filters.MeasureFilter

    def shape(self, queryset):
        return (
            queryset.select_related("council")
            .prefetch_related("outcomes", "indicators", Prefetch("proxy_values", ProxyValue.objects.order_by("year")))
            .order_by("council__name", "code")
        )


@documented("TOMs", "calculator", "TOMs calculators", extra="A calculator is a council's ordered set of measures.")
class CalculatorViewSet(VisibleViewSet):
    model = Calculator
    serializer_class = serializers.CalculatorSerializer
    filterset_class = filters.CalculatorFilter

    def shape(self, queryset):
        return (
            queryset.select_related("council")
            .prefetch_related(Prefetch("entries", CalculatorMeasure.objects.order_by("position", "pk")))
            .order_by("council__name", "category", "name")
        )


@documented(
    "Procurements",
    "procurement",
    "procurements",
    examples.PROCUREMENT,
    "Council members see their council's register; a supplier sees procurements open to it "
    "(open to all, or it was invited) once they are published.",
)
class ProcurementViewSet(VisibleViewSet):
    model = Procurement
    serializer_class = serializers.ProcurementSerializer
    filterset_class = filters.ProcurementFilter

    def shape(self, queryset):
        return (
            queryset.select_related("council")
            .annotate(award_pk=F("award__id"))
            .prefetch_related("outcomes")
            .order_by("-created_at", "-pk")
        )


@documented(
    "Procurements",
    "tender",
    "tenders",
    examples.TENDER,
    "A supplier sees its own tenders; council members see a tender only once the procurement's tenders are "
    "opened after the deadline (sealed until then).",
)
class TenderViewSet(VisibleViewSet):
    model = Tender
    serializer_class = serializers.TenderSerializer
    filterset_class = filters.TenderFilter

    def shape(self, queryset):
        return (
            queryset.select_related("supplier")
            .prefetch_related(Prefetch("commitments", Commitment.objects.select_related("measure")))
            .order_by("procurement", "supplier__name", "pk")
        )


@documented(
    "Awards",
    "award",
    "awards",
    examples.AWARD,
    "Council members see their council's awards; a supplier the awards it won. When the commitments are "
    "commercially sensitive, `commitments` and `committed_value` are null.",
)
class AwardViewSet(VisibleViewSet):
    model = Award
    serializer_class = serializers.AwardSerializer
    filterset_class = filters.AwardFilter

    def shape(self, queryset):
        return (
            queryset.select_related("tender__supplier")
            .annotate(contract_pk=F("contract__id"))
            .prefetch_related(Prefetch("tender__commitments", Commitment.objects.select_related("measure")))
            .order_by("-awarded_at", "-pk")
        )


@documented(
    "Contracts",
    "contract",
    "contracts",
    examples.CONTRACT,
    "Council members see their council's contracts; a supplier only its own.",
)
class ContractViewSet(VisibleViewSet):
    model = Contract
    serializer_class = serializers.ContractSerializer
    filterset_class = filters.ContractFilter

    def shape(self, queryset):
        return queryset.select_related("council", "supplier").order_by("end_date", "reference", "pk")


@documented(
    "Contracts",
    "KPI",
    "contract KPIs",
    examples.KPI,
    "What the supplier must deliver on a contract: the commitments made at tender, and KPIs officers add.",
)
class KpiViewSet(VisibleViewSet):
    model = Kpi
    serializer_class = serializers.KpiSerializer
    filterset_class = filters.KpiFilter

    def shape(self, queryset):
        return queryset.select_related("measure").order_by("contract", "position", "pk")
