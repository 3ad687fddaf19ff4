"""Query-string filters for each list. They narrow what ``visible_to`` already allows; they never widen it.

A bad value is a 400 naming the parameter, e.g. ``{"stage": ["Select a valid choice. …"]}``.
"""

import django_filters as filters
from django import forms

from procurement.contract_models import KpiReturn, ReturnStatus
from procurement.models import Award, Category, Contract, ContractStatus, Kpi, Procedure, Procurement, Stage, Tender
from reporting.models import AnnualReport
from socialvalue.models import Council, Indicator, Outcome, Theme
from toms.models import Calculator, Measure

# Ids are 64-bit: a larger number is a 400 naming the parameter, not a database overflow (found by
# schemathesis: SQLite cannot bind an integer past 2**63 - 1).
MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


def id_filter(field, what):
    # A plain number, not a ModelChoiceFilter: "no such id" must not differ from "not yours" (no oracle).
    return IdFilter(field_name=field, min_value=1, max_value=MAX_ID, help_text=f"The {what}'s id")


def council_filter(path):
    return filters.CharFilter(field_name=f"{path}slug", help_text="The council's slug, like `coventry`")


class CouncilFilter(filters.FilterSet):
    class Meta:
        model = Council
        fields = ["slug"]


class ThemeFilter(filters.FilterSet):
    policy = id_filter("policy", "policy version")
    council = council_filter("policy__council__")

    class Meta:
        model = Theme
        fields = ["council", "policy"]


class OutcomeFilter(filters.FilterSet):
    theme = id_filter("theme", "theme")
    council = council_filter("theme__policy__council__")

    class Meta:
        model = Outcome
        fields = ["council", "theme"]


class IndicatorFilter(filters.FilterSet):
    outcome = id_filter("outcome", "outcome")
    council = council_filter("outcome__theme__policy__council__")

    class Meta:
        model = Indicator
        fields = ["council", "outcome"]


class MeasureFilter(filters.FilterSet):
    council = council_filter("council__")

    class Meta:
        model = Measure
        fields = ["council", "code", "kind"]


class CalculatorFilter(filters.FilterSet):
    council = council_filter("council__")

    class Meta:
        model = Calculator
        fields = ["council", "category"]


class ProcurementFilter(filters.FilterSet):
    council = council_filter("council__")
    stage = filters.ChoiceFilter(choices=Stage.choices)
    category = filters.ChoiceFilter(choices=Category.choices)
    procedure = filters.ChoiceFilter(choices=Procedure.choices)

    class Meta:
        model = Procurement
        fields = ["council", "reference", "stage", "category", "procedure"]


class TenderFilter(filters.FilterSet):
    procurement = id_filter("procurement", "procurement")
    submitted = filters.BooleanFilter(field_name="submitted_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Tender
        fields = ["procurement", "submitted"]


class AwardFilter(filters.FilterSet):
    procurement = id_filter("procurement", "procurement")
    council = council_filter("procurement__council__")

    class Meta:
        model = Award
        fields = ["council", "procurement"]


class ContractFilter(filters.FilterSet):
    procurement = id_filter("procurement", "procurement")
    council = council_filter("council__")
    status = filters.ChoiceFilter(choices=ContractStatus.choices)

    class Meta:
        model = Contract
        fields = ["council", "status", "procurement", "reference"]


class KpiFilter(filters.FilterSet):
    contract = id_filter("contract", "contract")
    council = council_filter("contract__council__")

    class Meta:
        model = Kpi
        fields = ["council", "contract"]


class ReturnFilter(filters.FilterSet):
    contract = id_filter("contract", "contract")
    council = council_filter("contract__council__")
    number = IdFilter(field_name="number", min_value=1, max_value=32767, help_text="The reporting period's number")
    status = filters.ChoiceFilter(choices=ReturnStatus.choices)

    class Meta:
        model = KpiReturn
        fields = ["council", "contract", "number", "status"]


class AnnualReportFilter(filters.FilterSet):
    council = council_filter("council__")
    year = filters.NumberFilter(
        field_name="year", min_value=2000, max_value=2100, help_text="Starting year: 2025 is 2025/26"
    )
    published = filters.BooleanFilter(
        field_name="published_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="Only the version published for cabinet",
    )

    class Meta:
        model = AnnualReport
        fields = ["council", "year", "published", "status"]
