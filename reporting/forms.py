from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.utils import timezone

from socialvalue.formatting import financial_year
from suppliers.models import Supplier


class BuildReportForm(forms.Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        current = council.financial_year_of(timezone.localdate())
        self.fields["year"].choices = [(y, financial_year(y)) for y in range(current, current - 6, -1)]
        self.fields["year"].initial = current - 1
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("build", "Build the report"))


class SpendUploadForm(forms.Form):
    file = forms.FileField(label="Spend file (CSV)", help_text="Your published spending over £500, saved as CSV")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.form_tag = True
        self.helper.add_input(Submit("upload", "Import spend"))


class PayeeMatchForm(forms.Form):
    payee_key = forms.CharField(widget=forms.HiddenInput)
    supplier = forms.ModelChoiceField(label="Supplier", queryset=Supplier.objects.order_by("name"))
