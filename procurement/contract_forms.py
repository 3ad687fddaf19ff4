"""Forms for contract monitoring: the register's filters, contracts, KPIs, returns, verification,
ratings and remedies. Return and verification forms are rendered field by field in their
templates (a row per KPI; radios with a conditional reveal for the reason)."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from socialvalue.forms import GovukForm
from socialvalue.models import Membership, Role, User
from suppliers.models import Supplier

from .contract_models import PerformanceRating, Rating, RemedialAction, RemedyKind
from .models import Contract, ContractStatus, Kpi

DECIMAL = {"inputmode": "decimal", "class": "govuk-input--width-10"}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def contract_managers(council):
    """People who may manage a contract: the council's contract managers, officers and admins."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(
            council=council,
            role__in=[Role.CONTRACT_MANAGER, Role.PROCUREMENT_OFFICER, Role.COUNCIL_ADMIN],
        ).values("user")
    ).order_by("full_name", "email")


class ContractFilterForm(forms.Form):
    """The register's side panel of checkboxes (JOURNEYS: filters as a side panel)."""

    status = forms.MultipleChoiceField(
        choices=ContractStatus.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    manager = forms.ModelMultipleChoiceField(
        label="Contract manager", queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = contract_managers(council)
        self.fields["manager"].label_from_instance = lambda u: u.get_full_name()
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("apply", "Apply filters", css_class="govuk-button--secondary"))

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["status"]:
            queryset = queryset.filter(status__in=self.cleaned_data["status"])
        if self.cleaned_data["manager"]:
            queryset = queryset.filter(contract_manager__in=self.cleaned_data["manager"])
        return queryset


class ContractForm(GovukForm):
    """A contract that predates the system, entered by hand; also used to change one."""

    supplier = forms.ModelChoiceField(queryset=Supplier.objects.none(), required=False)
    new_supplier_name = forms.CharField(
        label="Or a supplier not listed",
        required=False,
        max_length=300,
        help_text="Its legal name; it is added to the supplier list",
    )
    field_order = ["reference", "title", "supplier", "new_supplier_name"]

    class Meta:
        model = Contract
        fields = [
            "reference",
            "title",
            "value",
            "start_date",
            "end_date",
            "contract_manager",
            "status",
            "reporting_period_months",
        ]
        widgets = {
            "value": forms.TextInput(attrs=DECIMAL),
            "start_date": DATE,
            "end_date": DATE,
            "reporting_period_months": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        }
        help_texts = {"start_date": "For example, 1 April 2026", "end_date": "For example, 31 March 2029"}

    def __init__(self, *args, council, **kwargs):
        instance = kwargs.get("instance")
        self.submit_label = "Save" if instance is not None and instance.pk else "Add contract"
        super().__init__(*args, **kwargs)
        self.council = council
        self.fields["supplier"].queryset = Supplier.objects.order_by("name")
        self.fields["contract_manager"].queryset = contract_managers(council)
        self.fields["contract_manager"].label_from_instance = lambda u: u.get_full_name()
        for name in ("start_date", "end_date"):
            self.fields[name].input_formats = DATE_FORMATS
        if self.instance.pk:
            self.fields["supplier"].initial = self.instance.supplier_id
            del self.fields["new_supplier_name"]

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        clash = Contract.objects.filter(council=self.council, reference__iexact=reference)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("Another contract already has this reference")
        return reference

    def clean(self):
        data = super().clean()
        new_name = (data.get("new_supplier_name") or "").strip()
        if not data.get("supplier") and not new_name:
            self.add_error("supplier", "Choose the supplier, or enter the name of one not listed")
        return data  # an end before the start is refused by the model's constraint, with its message

    def save(self, commit=True):
        contract = super().save(commit=False)
        contract.council = self.council
        supplier = self.cleaned_data.get("supplier")
        if supplier is None:
            supplier = Supplier.objects.create(name=self.cleaned_data["new_supplier_name"].strip())
        contract.supplier = supplier
        if commit:
            contract.save()
        return contract


class KpiForm(GovukForm):
    submit_label = "Add KPI"

    class Meta:
        model = Kpi
        fields = ["name", "unit", "target_quantity", "proxy_value"]
        labels = {
            "name": "What the supplier must deliver",
            "unit": "Unit",
            "target_quantity": "Target over the whole contract",
            "proxy_value": "£ per unit (optional)",
        }
        help_texts = {
            "unit": "For example, weeks, people, tonnes of CO2e",
            "proxy_value": "Give it to count this KPI in the contract's social value in £",
        }
        widgets = {
            "name": forms.TextInput(),
            "target_quantity": forms.TextInput(attrs=DECIMAL),
            "proxy_value": forms.TextInput(attrs=DECIMAL),
        }


class RatingForm(GovukForm):
    submit_label = "Record rating"

    class Meta:
        model = PerformanceRating
        fields = ["rating", "reason", "rated_on", "is_final"]
        widgets = {"rating": forms.RadioSelect, "reason": forms.Textarea(attrs={"rows": 4}), "rated_on": DATE}
        labels = {"rating": "Performance rating", "reason": "Reason"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = Rating.choices
        self.fields["rated_on"].input_formats = DATE_FORMATS


class RemedyForm(GovukForm):
    submit_label = "Record action"

    class Meta:
        model = RemedialAction
        fields = ["kind", "description", "amount", "date"]
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "amount": forms.TextInput(attrs=DECIMAL),
            "date": DATE,
        }
        labels = {"kind": "Type", "amount": "Amount (£, optional)"}
        help_texts = {"amount": "For a penalty, the sum deducted or charged"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = RemedyKind.choices
        self.fields["date"].input_formats = DATE_FORMATS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class OcdsUploadForm(forms.Form):
    files = MultipleFileField(
        label="Release package files (JSON)",
        help_text="One or more OCDS release packages, as downloaded from Contracts Finder",
        widget=MultipleFileInput(attrs={"accept": ".json,application/json"}),
    )
    MAX_BYTES = 20 * 1024 * 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Import contracts"))

    def clean_files(self):
        files = [f for f in self.cleaned_data["files"] if f]
        if not files:
            raise ValidationError("Choose at least one JSON file")
        if sum(f.size for f in files) > self.MAX_BYTES:
            raise ValidationError("The files must be smaller than 20 MB in all")
        return files


class ReturnForm(forms.Form):
    """A row per KPI the supplier may report now (quantity and comment), and an evidence file."""

    evidence = forms.FileField(
        label="Add evidence (optional)",
        required=False,
        help_text="A PDF, image (PNG, JPEG, GIF, WebP), spreadsheet or CSV file, smaller than 10 MB",
    )
    evidence_kpi = forms.TypedChoiceField(
        label="Which KPI does it evidence?", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, kpis, editable, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = kpis
        self.editable = editable
        self.rows = []
        for number, kpi in enumerate(kpis, start=1):
            line = lines.get(kpi.pk)
            row = {"number": number, "kpi": kpi, "line": line, "editable": kpi.pk in editable}
            if row["editable"]:
                q = f"quantity_{kpi.pk}"
                c = f"comment_{kpi.pk}"
                self.fields[q] = forms.DecimalField(
                    label=f"Quantity delivered ({kpi.unit})",
                    min_value=Decimal("0"),
                    max_digits=14,
                    decimal_places=4,
                    required=False,
                    initial=line.quantity.normalize() if line else None,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-5"}),
                    error_messages={"invalid": f"Enter a number for {kpi.name}"},
                )
                self.fields[c] = forms.CharField(
                    label="Comment (optional)",
                    required=False,
                    initial=line.comment if line else "",
                    widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
                )
                row["quantity"] = self[q]
                row["comment"] = self[c]
            self.rows.append(row)
        self.fields["evidence_kpi"].choices = [("", "The whole return")] + [
            (kpi.pk, f"{n}. {kpi.name}") for n, kpi in enumerate(kpis, start=1)
        ]

    def lines(self):
        return {
            kpi.pk: (self.cleaned_data[f"quantity_{kpi.pk}"], self.cleaned_data[f"comment_{kpi.pk}"])
            for kpi in self.kpis
            if kpi.pk in self.editable and self.cleaned_data.get(f"quantity_{kpi.pk}") is not None
        }


class ReturnCsvForm(forms.Form):
    file = forms.FileField(label="CSV file", widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Upload return"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise ValidationError("The CSV file must be smaller than 1 MB")
        return upload


class VerifyForm(forms.Form):
    """Accept or reject each line awaiting verification; a reason is needed to reject."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"decision_{line.pk}"] = forms.ChoiceField(
                label=f"Decision on {line.kpi.name}",
                choices=[("accept", "Accept"), ("reject", "Reject")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose whether to accept or reject {line.kpi.name}"},
            )
            self.fields[f"reason_{line.pk}"] = forms.CharField(
                label="Reason for rejecting", required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
            line.decision_field = self[f"decision_{line.pk}"]
            line.reason_field = self[f"reason_{line.pk}"]

    def clean(self):
        data = super().clean()
        for line in self.lines:
            if data.get(f"decision_{line.pk}") == "reject" and not data.get(f"reason_{line.pk}", "").strip():
                self.add_error(f"reason_{line.pk}", f"Give the reason for rejecting {line.kpi.name}")
        return data

    def decisions(self):
        return {
            line.pk: (
                self.cleaned_data[f"decision_{line.pk}"] == "accept",
                self.cleaned_data.get(f"reason_{line.pk}", ""),
            )
            for line in self.lines
        }
