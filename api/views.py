"""API viewsets, read-only but for a supplier's KPI return (``ReturnViewSet.create``). Each one
starts from its model's ``visible_to(request.user)`` — the one place that decides who sees what
(docs/decisions/0001) — and adds only the joins its serializer needs, so every list runs a fixed
number of queries.

To add an endpoint: a serializer, a filter set, a
``VisibleViewSet`` subclass naming the model, one ``router.register`` line in ``api/urls.py``, and a
row in ``tests/test_api_access_matrix.py`` (the matrix fails until it has one).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from procurement import contract_services
from procurement.contract_models import KpiReturn, ReturnLine
from procurement.models import Award, Commitment, Contract, Kpi, Procurement, Tender
from reporting.models import AnnualReport
from socialvalue.models import Council, Indicator, Outcome, Theme
from suppliers.models import Supplier
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


@documented(
    "Annual reports",
    "annual report",
    "annual report versions",
    examples.ANNUAL_REPORT,
    "Each build of a council's annual social value report, with the figures frozen in it. Officers, "
    "admins and contract managers see every version; cabinet members only the published one.",
)
class AnnualReportViewSet(VisibleViewSet):
    model = AnnualReport
    serializer_class = serializers.AnnualReportSerializer
    filterset_class = filters.AnnualReportFilter

    def shape(self, queryset):
        return queryset.select_related("council").order_by("council__slug", "-year", "-version", "pk")


def _keyed(exc: DjangoValidationError, field: str):
    """A service's refusal as a 400: its own field names if it gave them, else under ``field``."""
    if hasattr(exc, "error_dict"):
        return exc
    return exceptions.ValidationError({field: exc.messages})


DETAIL = inline_serializer("ErrorDetail", {"detail": drf_serializers.CharField()})
RETURN_DESCRIPTION = (
    "Council members see the returns of their council's contracts; a supplier the returns of its own. "
    "Each line is one KPI's quantity with the contract manager's decision (`pending` until verified)."
)


@documented("Returns", "KPI return", "KPI returns", examples.RETURN, RETURN_DESCRIPTION)
@extend_schema_view(
    create=extend_schema(
        tags=["Returns"],
        summary="Save or submit a return (suppliers)",
        description=(
            "A supplier saves its figures for one reporting period of its own contract and, with "
            "`submit: true`, sends the return to the council's contract manager to verify. The same rules "
            "as the supplier's return page apply, all or nothing: the period must have started; once "
            "submitted a return cannot be changed until the manager rejects a line, and then only the "
            "rejected lines; every KPI needs a figure before the return can be submitted. Each line given "
            "replaces that KPI's figure; KPIs left out keep the figure already saved.\n\n"
            "Answers 201 when this request opened the return, 200 when it changed an existing one. "
            "A refusal is a 400 naming the field (`lines` keyed by the line's index from 0, `number` for the "
            "period, `submit` for why it cannot be submitted yet). Only a supplier's members may submit "
            "(403 for anyone else); a contract that is not yours is 404.\n\n"
            "Evidence files cannot be uploaded through the API: attach them on the return's page. The "
            "contract manager's verification is on the pages too."
        ),
        request=serializers.ReturnSubmissionSerializer,
        responses={
            201: serializers.KpiReturnSerializer,
            200: serializers.KpiReturnSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The fields in error, each with its messages; `lines` by index, like `lines.1.quantity`",
            ),
            403: OpenApiResponse(DETAIL, description="You do not act for a supplier"),
            404: OpenApiResponse(DETAIL, description="No contract of yours has that id"),
        },
        examples=[
            OpenApiExample("Submit a quarter's figures", value=examples.RETURN_SUBMISSION, request_only=True),
            OpenApiExample("The submitted return", value=examples.RETURN, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "A quantity out of range",
                value={"lines": {"1": {"quantity": ["Ensure this value is greater than or equal to 0."]}}},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
)
class ReturnViewSet(mixins.CreateModelMixin, VisibleViewSet):
    model = KpiReturn
    serializer_class = serializers.KpiReturnSerializer
    filterset_class = filters.ReturnFilter
    parser_classes = [JSONParser]  # lines are a list of objects: JSON only

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.ReturnSubmissionSerializer
        return serializers.KpiReturnSerializer

    def shape(self, queryset):
        lines = ReturnLine.objects.visible_to(self.request.user).select_related("kpi").order_by("kpi__position", "kpi")
        return queryset.prefetch_related(Prefetch("lines", lines)).order_by("contract", "period_start", "pk")

    def create(self, request, *args, **kwargs):
        """The supplier pages' steps (``supplier_return``), through the same services, all or nothing."""
        suppliers = Supplier.objects.acting_for(request.user)
        if not suppliers.exists():
            raise exceptions.PermissionDenied("Only a supplier's members can save or submit returns.")
        submission = self.get_serializer(data=request.data)
        submission.is_valid(raise_exception=True)
        data = submission.validated_data
        contract = get_object_or_404(
            Contract.objects.visible_to(request.user).filter(supplier__in=suppliers), pk=data["contract"]
        )
        existed = KpiReturn.objects.filter(contract=contract, number=data["number"]).exists()
        with transaction.atomic():
            try:
                kpi_return = contract_services.return_open(
                    contract=contract, number=data["number"], today=timezone.localdate()
                )
            except DjangoValidationError as exc:
                raise _keyed(exc, "number") from exc
            lines = {line["kpi"]: (line["quantity"], line["comment"]) for line in data["lines"]}
            try:
                contract_services.return_save(kpi_return=kpi_return, by=request.user, lines=lines)
            except DjangoValidationError as exc:
                raise _keyed(exc, "lines") from exc
            if data["submit"]:
                try:
                    contract_services.return_submit(kpi_return=kpi_return, by=request.user)
                except DjangoValidationError as exc:
                    raise _keyed(exc, "submit") from exc
        saved = self.get_queryset().get(pk=kpi_return.pk)
        return Response(
            serializers.KpiReturnSerializer(saved, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )
