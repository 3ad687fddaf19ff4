"""What each API resource shows: what the pages show. The one write is a supplier's return
(``ReturnSubmissionSerializer``), which only checks the shape of the request: the rules are the
contract services' (``procurement/contract_services.py``), as on the pages.

The ``select_related``/``prefetch_related`` each serializer needs are in ``api/views.py`` beside
the viewset that uses it, so a list runs a fixed number of queries however long it is.
"""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procurement.contract_models import KpiReturn, ReturnLine
from procurement.models import Award, Commitment, Contract, Kpi, Procurement, Tender
from reporting.models import AnnualReport
from socialvalue.models import Council, Indicator, Outcome, Theme
from suppliers.models import Supplier
from toms.models import Calculator, Measure, ProxyValue

from .filters import MAX_ID

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class CouncilSerializer(serializers.ModelSerializer):
    class Meta:
        model = Council
        fields = [
            "id",
            "name",
            "short_name",
            "slug",
            "min_social_value_weighting",
            "social_value_mandatory_above",
            "leadership_approval_above",
            "cabinet_approval_above",
            "sme_spend_target",
            "financial_year_start_month",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(source="policy.council", slug_field="slug", read_only=True)

    class Meta:
        model = Theme
        fields = ["id", "council", "policy", "name", "description", "position"]


class OutcomeSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(source="theme.policy.council", slug_field="slug", read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "council", "theme", "name", "description", "position"]


class IndicatorSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(source="outcome.theme.policy.council", slug_field="slug", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "council", "outcome", "text", "position"]


class ProxyValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProxyValue
        fields = ["year", "value", "source"]


class MeasureSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    proxy_values = ProxyValueSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "council",
            "code",
            "name",
            "unit",
            "guidance",
            "kind",
            "local_only",
            "outcomes",
            "indicators",
            "proxy_values",
        ]


class CalculatorSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    measures = serializers.SerializerMethodField(help_text="The calculator's measures' ids, in its order")

    class Meta:
        model = Calculator
        fields = ["id", "council", "name", "category", "measures"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_measures(self, calculator) -> list[int]:
        return [entry.measure_id for entry in calculator.entries.all()]


class SupplierSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "name"]


class WeightsSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=5, decimal_places=2, source="price_weight")
    quality = serializers.DecimalField(max_digits=5, decimal_places=2, source="quality_weight")
    social_value_quantitative = serializers.DecimalField(
        max_digits=5, decimal_places=2, source="social_value_quantitative_weight"
    )
    social_value_qualitative = serializers.DecimalField(
        max_digits=5, decimal_places=2, source="social_value_qualitative_weight"
    )


class ProcurementSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    weights = WeightsSerializer(source="*", read_only=True, help_text="Evaluation weighting, % of the overall score")
    award = serializers.IntegerField(
        source="award_pk", read_only=True, allow_null=True, help_text="The award's id, once awarded"
    )

    class Meta:
        model = Procurement
        fields = [
            "id",
            "council",
            "reference",
            "title",
            "description",
            "category",
            "estimated_value",
            "procedure",
            "stage",
            "tender_deadline",
            "open_to_all",
            "calculator",
            "outcomes",
            "weights",
            "opted_out",
            "opt_out_justification",
            "award",
        ]


class CommitmentSerializer(serializers.ModelSerializer):
    measure_code = serializers.CharField(source="measure.code", read_only=True)
    measure_name = serializers.CharField(source="measure.name", read_only=True)
    unit = serializers.CharField(source="measure.unit", read_only=True)

    class Meta:
        model = Commitment
        fields = ["measure", "measure_code", "measure_name", "unit", "quantity", "year", "proxy_value", "value"]


class TenderSerializer(serializers.ModelSerializer):
    supplier = SupplierSummarySerializer(read_only=True)
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = Tender
        fields = ["id", "procurement", "supplier", "price", "social_value_response", "submitted_at", "commitments"]


class AwardSerializer(serializers.ModelSerializer):
    supplier = SupplierSummarySerializer(source="tender.supplier", read_only=True)
    value = serializers.DecimalField(source="tender.price", allow_null=True, **MONEY)
    contract = serializers.IntegerField(source="contract_pk", read_only=True, allow_null=True)
    commitments = serializers.SerializerMethodField(
        help_text="The winner's social value commitments; null when they are commercially sensitive"
    )
    committed_value = serializers.SerializerMethodField(
        help_text="£ of social value committed; null when the commitments are commercially sensitive"
    )

    class Meta:
        model = Award
        fields = [
            "id",
            "procurement",
            "contract",
            "supplier",
            "value",
            "reason",
            "awarded_at",
            "commitments_commercially_sensitive",
            "committed_value",
            "commitments",
        ]

    # NELC Social Value Policy, Delivery and Reporting 4: commitments are published at award
    # "subject to commercial sensitivity" — withheld here as on the award notice page.
    @extend_schema_field(CommitmentSerializer(many=True, allow_null=True))
    def get_commitments(self, award):
        if award.commitments_commercially_sensitive:
            return None
        return CommitmentSerializer(award.tender.commitments.all(), many=True).data

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_committed_value(self, award):
        if award.commitments_commercially_sensitive:
            return None
        total = sum((c.value for c in award.tender.commitments.all()), start=0)
        return serializers.DecimalField(max_digits=14, decimal_places=2).to_representation(total)


class ContractSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    supplier = SupplierSummarySerializer(read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "council",
            "procurement",
            "award",
            "supplier",
            "reference",
            "title",
            "value",
            "start_date",
            "end_date",
            "status",
            "reporting_period_months",
            "source",
            "ocid",
        ]


class KpiSerializer(serializers.ModelSerializer):
    measure_code = serializers.CharField(source="measure.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Kpi
        fields = [
            "id",
            "contract",
            "measure",
            "measure_code",
            "name",
            "unit",
            "target_quantity",
            "proxy_value",
            "target_value",
            "position",
        ]


class ReturnLineSerializer(serializers.ModelSerializer):
    kpi_name = serializers.CharField(source="kpi.name", read_only=True)
    unit = serializers.CharField(source="kpi.unit", read_only=True)

    class Meta:
        model = ReturnLine
        fields = ["id", "kpi", "kpi_name", "unit", "quantity", "comment", "status", "reason"]
        extra_kwargs = {
            "status": {"help_text": "The contract manager's decision on this line"},
            "reason": {"help_text": "Why the line was accepted or rejected; empty until decided"},
        }


class KpiReturnSerializer(serializers.ModelSerializer):
    lines = ReturnLineSerializer(many=True, read_only=True)

    class Meta:
        model = KpiReturn
        fields = [
            "id",
            "contract",
            "number",
            "period_start",
            "period_end",
            "status",
            "submitted_at",
            "verified_at",
            "lines",
        ]


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^\d{1,10}(?:\.\d{1,4})?$", "example": "3.5"})
class QuantityField(serializers.DecimalField):
    """0 or more, up to 4 decimal places (the generated pattern would allow a minus sign)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=4, min_value=Decimal("0"), **kwargs)


class ReturnLineInputSerializer(serializers.Serializer):
    kpi = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The KPI's id (one of the contract's)")
    quantity = QuantityField(help_text="The quantity delivered in the period, like `3` or `3.5`")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class ReturnSubmissionSerializer(serializers.Serializer):
    """A supplier's figures for one reporting period of its contract, and whether to submit them."""

    contract = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Your contract's id")
    number = serializers.IntegerField(
        min_value=1, max_value=32767, help_text="The reporting period's number, from 1 (see the contract's periods)"
    )
    lines = ReturnLineInputSerializer(
        many=True,
        required=False,
        default=list,
        max_length=1000,
        help_text="One figure per KPI; each replaces that KPI's figure in the return. KPIs left out keep theirs.",
    )
    submit = serializers.BooleanField(
        default=False, help_text="Send the return for verification; false saves it as a draft"
    )

    def validate_lines(self, lines):
        kpis = [line["kpi"] for line in lines]
        if len(kpis) != len(set(kpis)):
            raise serializers.ValidationError("Give each KPI once")
        return lines


class AnnualReportSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    financial_year = serializers.SerializerMethodField(
        help_text='The financial year as councils write it, like "2025/26"'
    )
    figures = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text="The figures frozen when this version was built (null until it has been): headline "
        "sections, breakdowns by theme, outcome and measure, the year before. Diversity figures are "
        "suppressed aggregates only, as on the report page.",
    )

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "council",
            "year",
            "financial_year",
            "version",
            "status",
            "finished_at",
            "published_at",
            "figures",
        ]

    def get_financial_year(self, report) -> str:
        return f"{report.year}/{(report.year + 1) % 100:02d}"
