"""Forms for the measure library upload, calculators, and the live calculator."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django import forms

from socialvalue.formatting import financial_year
from socialvalue.forms import GovukForm
from socialvalue.models import Indicator, Outcome

from .models import Calculator, Measure

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class MeasureImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV or XLSX file, up to 20MB, with the columns described on this page.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={"required": "Select a CSV or XLSX file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # GOV.UK: the server's error messages, not the browser's
        self.helper.label_size = Size.MEDIUM
        self.helper.add_input(Submit("submit", "Import measures"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The selected file must be a CSV or XLSX")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20MB")
        return upload


class MeasureChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.name} ({obj.unit})"


class CalculatorForm(GovukForm):
    submit_label = "Save calculator"
    measures = MeasureChoiceField(
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Measures",
        help_text="Select the measures suppliers can commit to with this calculator.",
    )

    class Meta:
        model = Calculator
        fields = ["name", "category"]
        widgets = {"category": forms.RadioSelect}
        labels = {"name": "Calculator name", "category": "Contract category"}
        error_messages = {"name": {"required": "Enter a name for the calculator"}}

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.attrs = {"novalidate": ""}  # GOV.UK: the server's error messages, not the browser's
        self.council = council
        self.fields["category"].choices = Calculator.Category.choices
        self.fields["measures"].queryset = Measure.objects.filter(council=council).order_by("code")
        if self.instance.pk:
            self.fields["measures"].initial = [e.measure_id for e in self.instance.entries.all()]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Calculator.objects.filter(council=self.council, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This council already has a calculator with that name")
        return name


class CalculatorRunForm(forms.Form):
    """Quantities for each quantitative measure, the financial year and an optional contract value.

    Fields are ``q<measure id>``; the engine (``toms.calculation``) does the sums.
    """

    year = forms.TypedChoiceField(label="Financial year", coerce=int)
    contract_value = forms.DecimalField(
        label="Contract value (optional)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text="To show social value as a percentage of it.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-10"}),
        error_messages={
            "invalid": "Enter the contract value as a number, like 250000",
            "min_value": "The contract value must be more than £0",
            "max_decimal_places": "The contract value must be in pounds and pence, like 250000.00",
            "max_digits": "The contract value must be less than £1,000,000,000,000",
        },
    )

    def __init__(self, data=None, *, measures, years, default_year):
        super().__init__(data)
        self.measures = [m for m in measures if m.is_quantitative]
        self.fields["year"].choices = [(y, financial_year(y)) for y in years]
        self.fields["year"].initial = default_year
        for measure in self.measures:
            self.fields[self.field_name(measure)] = forms.DecimalField(
                label=f"{measure.code} {measure.name}",
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=4,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-5"}),
                error_messages={
                    "invalid": f"Enter the quantity of {measure.unit} as a number, like 12",
                    "min_value": f"The quantity of {measure.unit} must be 0 or more",
                    "max_decimal_places": "Use no more than 4 decimal places",
                    "max_digits": "Enter a smaller quantity",
                },
            )

    @staticmethod
    def field_name(measure) -> str:
        return f"q{measure.pk}"

    def quantities(self) -> dict[str, Decimal]:
        """Measure code → quantity typed (blank counts as 0); call after ``is_valid()``."""
        return {
            m.code: self.cleaned_data.get(self.field_name(m)) or Decimal("0")
            for m in self.measures
            if self.field_name(m) in self.cleaned_data
        }

    def rows(self):
        """(measure, bound field) pairs in the calculator's order, for the template."""
        return [(m, self[self.field_name(m)]) for m in self.measures]


class OutcomeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.theme.name}: {obj.name}"


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.text


class MeasureForm(GovukForm):
    """A measure's details and the policy outcomes and indicators it evidences (current policy only)."""

    submit_label = "Save measure"
    outcomes = OutcomeChoiceField(
        queryset=Outcome.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Outcomes it evidences",
        error_messages={"required": "Select at least one outcome this measure evidences"},
    )
    indicators = IndicatorChoiceField(
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Indicators it evidences",
        help_text="Optional.",
    )

    class Meta:
        model = Measure
        fields = ["name", "unit", "guidance", "kind", "local_only", "outcomes", "indicators"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 4}), "kind": forms.RadioSelect}
        error_messages = {"name": {"required": "Enter the measure's name"}, "unit": {"required": "Enter the unit"}}

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.attrs = {"novalidate": ""}
        self.fields["kind"].choices = Measure.Kind.choices
        policy = council.current_policy
        self.fields["outcomes"].queryset = (
            Outcome.objects.filter(theme__policy=policy).select_related("theme").order_by("theme__position", "position")
        )
        self.fields["indicators"].queryset = Indicator.objects.filter(outcome__theme__policy=policy).order_by(
            "outcome__theme__position", "outcome__position", "position"
        )


class ProxyValueForm(forms.Form):
    year = forms.IntegerField(
        label="Financial year",
        min_value=2000,
        max_value=2100,
        help_text="The year it starts: 2025 for 2025/26.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "required": "Enter the financial year, like 2025 for 2025/26",
            "invalid": "Enter the year the financial year starts, like 2025",
            "min_value": "Enter a year from 2000",
            "max_value": "Enter a year up to 2100",
        },
    )
    value = forms.DecimalField(
        label="Proxy value (£ per unit)",
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=4,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-10"}),
        error_messages={
            "required": "Enter the proxy value in £ per unit, like 12.50",
            "invalid": "Enter the proxy value as a number, like 12.50",
            "min_value": "The proxy value must be £0 or more",
            "max_decimal_places": "Use no more than 4 decimal places",
            "max_digits": "The proxy value must be less than £10,000,000,000",
        },
    )
    source = forms.CharField(
        label="Source", max_length=1000, required=False, help_text="Where the figure comes from, or 'Illustrative'."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.add_input(Submit("submit", "Save proxy value"))
