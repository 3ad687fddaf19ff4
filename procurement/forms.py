"""Forms for the procurement register, the social value plan and approval."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from socialvalue.forms import GovukForm
from socialvalue.models import Membership, Outcome, Role, User
from toms.models import Calculator

from . import rules
from .models import Category, Procurement, Stage, Tender, ValueBand


class ProcurementFilterForm(forms.Form):
    """The register's side panel of checkboxes (JOURNEYS: filters as a side panel)."""

    stage = forms.MultipleChoiceField(choices=Stage.choices, required=False, widget=forms.CheckboxSelectMultiple)
    category = forms.MultipleChoiceField(choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple)
    value_band = forms.MultipleChoiceField(
        label="Estimated value", choices=ValueBand.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    officer = forms.ModelMultipleChoiceField(
        label="Lead officer", queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(
            memberships__council=council, memberships__role__in=[Role.PROCUREMENT_OFFICER, Role.COUNCIL_ADMIN]
        ).distinct()
        self.fields["officer"].label_from_instance = lambda u: u.get_full_name()
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("apply", "Apply filters", css_class="govuk-button--secondary"))

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["stage"]:
            queryset = queryset.filter(stage__in=data["stage"])
        if data["category"]:
            queryset = queryset.filter(category__in=data["category"])
        if data["value_band"]:
            from django.db.models import Q

            from .models import VALUE_BANDS

            band_q = Q()
            for band in data["value_band"]:
                band_q |= VALUE_BANDS[band]
            queryset = queryset.filter(band_q)
        if data["officer"]:
            queryset = queryset.filter(lead_officer__in=data["officer"])
        return queryset


def _officers(council):
    return User.objects.filter(
        pk__in=Membership.objects.filter(
            council=council, role__in=[Role.PROCUREMENT_OFFICER, Role.COUNCIL_ADMIN]
        ).values("user")
    )


class ProcurementDetailsForm(GovukForm):
    submit_label = "Save and continue"

    class Meta:
        model = Procurement
        fields = [
            "reference",
            "title",
            "description",
            "category",
            "estimated_value",
            "procedure",
            "lead_officer",
            "tender_deadline",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "category": forms.RadioSelect,
            "estimated_value": forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
            "tender_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        help_texts = {"tender_deadline": "Tenders are sealed until this moment. For example, 27 March 2026 12:00"}

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council
        self.fields["lead_officer"].queryset = _officers(council)
        self.fields["lead_officer"].label_from_instance = lambda u: u.get_full_name()
        self.fields["tender_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        self.fields["category"].choices = Category.choices

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        clash = Procurement.objects.filter(council=self.council, reference__iexact=reference)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("Another procurement already has this reference")
        return reference


class SocialValuePlanForm(GovukForm):
    """Outcomes, weighting and opt-out, checked against the council's rules (procurement/rules.py)."""

    submit_label = "Save social value plan"

    class Meta:
        model = Procurement
        fields = [
            "outcomes",
            "calculator",
            "price_weight",
            "quality_weight",
            "social_value_quantitative_weight",
            "social_value_qualitative_weight",
            "opted_out",
            "opt_out_justification",
            "opt_out_evidence",
        ]
        widgets = {
            "outcomes": forms.CheckboxSelectMultiple,
            "opt_out_justification": forms.Textarea(attrs={"rows": 4}),
            "opt_out_evidence": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"outcomes": "The council's policy outcomes this procurement will contribute to"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        council = self.instance.council
        policy = council.current_policy
        self.fields["outcomes"].queryset = (
            Outcome.objects.filter(theme__policy=policy).select_related("theme").order_by("theme__position", "position")
            if policy
            else Outcome.objects.none()
        )
        self.fields["outcomes"].label_from_instance = lambda o: f"{o.theme.name}: {o.name}"
        self.fields["calculator"].queryset = Calculator.objects.filter(council=council)
        self.fields["calculator"].empty_label = "No calculator"
        for name in (
            "price_weight",
            "quality_weight",
            "social_value_quantitative_weight",
            "social_value_qualitative_weight",
        ):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"})

    def clean(self):
        data = super().clean()
        names = (
            "price_weight",
            "quality_weight",
            "social_value_quantitative_weight",
            "social_value_qualitative_weight",
        )
        if any(data.get(n) is None for n in names):
            return data
        council = self.instance.council
        problems = rules.weighting_problems(
            rules.Weights(*(data[n] for n in names)),
            value=self.instance.estimated_value,
            mandatory_above=council.social_value_mandatory_above,
            minimum_weighting=council.min_social_value_weighting,
            opted_out=data.get("opted_out", False),
            opt_out_justification=data.get("opt_out_justification", ""),
            opt_out_evidence=data.get("opt_out_evidence", ""),
        )
        for field, message in problems.items():
            self.add_error(None if field == "__all__" else field, message)
        if data.get("social_value_quantitative_weight") and not data.get("calculator"):
            self.add_error("calculator", "Choose the calculator suppliers commit social value in")
        return data


class ApprovalForm(forms.Form):
    approval_reference = forms.CharField(
        label="Decision record",
        max_length=200,
        help_text="Where the decision is recorded, like 'Leadership Team, 3 March 2026, item 7'",
    )
    confirm = forms.BooleanField(label="I confirm the approval was given by the body named above", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Record approval"))


class InviteSuppliersForm(GovukForm):
    submit_label = "Save suppliers"

    class Meta:
        model = Procurement
        fields = ["open_to_all", "invited_suppliers"]
        widgets = {"invited_suppliers": forms.CheckboxSelectMultiple}
        help_texts = {"invited_suppliers": "Invited suppliers can see and tender even when it is not open to all"}


class TenderForm(GovukForm):
    """Price, the social value method statement, and a quantity for each of the calculator's measures.

    Quantity fields are ``q<measure id>``, as on the live calculator, so the same script updates the
    social value panel as the supplier types.
    """

    submit_label = "Save and check your tender"

    class Meta:
        model = Tender
        fields = ["price", "social_value_response"]
        widgets = {
            "price": forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
            "social_value_response": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {"price": "The whole-life price you tender, including VAT, in pounds"}

    def __init__(self, *args, procurement, measures, commitments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.procurement = procurement
        self.measures = [m for m in measures if m.is_quantitative]
        self.fields["price"].required = True
        self.fields["social_value_response"].required = bool(procurement.social_value_qualitative_weight)
        commitments = commitments or {}
        for measure in self.measures:
            self.fields[f"q{measure.pk}"] = forms.DecimalField(
                label=f"{measure.code} {measure.name} ({measure.unit})",
                help_text=measure.guidance or None,
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=4,
                initial=commitments.get(measure.pk),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
                error_messages={
                    "invalid": f"Enter the number of {measure.unit} as a number, like 12",
                    "min_value": f"The number of {measure.unit} must be 0 or more",
                },
            )

    def quantities(self) -> dict:
        """Measure → committed quantity, for the measures given a quantity above 0."""
        return {m: self.cleaned_data[f"q{m.pk}"] for m in self.measures if self.cleaned_data.get(f"q{m.pk}")}


SCORE_FIELD = {
    "max_digits": 5,
    "decimal_places": 2,
    "min_value": Decimal("0"),
    "max_value": Decimal("100"),
    "widget": forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
    "error_messages": {
        "invalid": "Enter a score as a number from 0 to 100",
        "min_value": "Enter a score from 0 to 100",
        "max_value": "Enter a score from 0 to 100",
    },
}


class ScoreForm(forms.Form):
    """One evaluator's scores of a tender (0–100 each)."""

    quality = forms.DecimalField(label="Quality score (0 to 100)", **SCORE_FIELD)
    social_value_qualitative = forms.DecimalField(label="Social value method statement score (0 to 100)", **SCORE_FIELD)
    comment = forms.CharField(label="Comments", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("score", "Save your scores"))


class AgreedScoreForm(forms.Form):
    """Moderation: the scores the evaluators agreed, which the ranking uses."""

    agreed_quality = forms.DecimalField(label="Agreed quality score (0 to 100)", **SCORE_FIELD)
    agreed_social_value_qualitative = forms.DecimalField(
        label="Agreed social value method statement score (0 to 100)", **SCORE_FIELD
    )
    note = forms.CharField(label="Moderation note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("moderate", "Save agreed scores"))


class AwardForm(forms.Form):
    tender = forms.ModelChoiceField(
        label="Award to", queryset=Tender.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    reason = forms.CharField(
        label="Reason for the award",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the highest-ranked tender on price, quality and social value",
    )
    start_date = forms.DateField(label="Contract start date", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="Contract end date", widget=forms.DateInput(attrs={"type": "date"}))
    contract_manager = forms.ModelChoiceField(label="Contract manager", queryset=User.objects.none(), required=False)
    commercially_sensitive = forms.BooleanField(
        label="The social value commitments are commercially sensitive: do not list them in the award notice",
        required=False,
    )

    def __init__(self, *args, procurement, tenders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tender"].queryset = Tender.objects.filter(pk__in=[t.pk for t in tenders]).select_related(
            "supplier"
        )
        self.fields["tender"].label_from_instance = lambda t: t.supplier.name
        self.fields["contract_manager"].queryset = User.objects.filter(
            memberships__council=procurement.council, memberships__role=Role.CONTRACT_MANAGER
        ).distinct()
        self.fields["contract_manager"].label_from_instance = lambda u: u.get_full_name()
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("award", "Award the contract"))

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "The end date must be on or after the start date")
        return data
