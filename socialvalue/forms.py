"""Forms for policy editing, council settings and signing in, rendered with the GOV.UK pack."""

import calendar

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.template import loader

from .models import Council, Indicator, Outcome, Policy, Theme


class GovukForm(forms.ModelForm):
    """A model form with a GOV.UK submit button and large labels."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # GOV.UK: the server's error messages, not the browser's
        self.helper.label_size = Size.SMALL
        self.helper.add_input(Submit("submit", self.submit_label))


class SignInForm(AuthenticationForm):
    username = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Sign in"))


class PolicyForm(GovukForm):
    class Meta:
        model = Policy
        fields = ["title", "effective_date", "source"]
        widgets = {"effective_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"effective_date": "For example, 1 April 2026"}


class ThemeForm(GovukForm):
    class Meta:
        model = Theme
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"name": "Theme name"}


class OutcomeForm(GovukForm):
    class Meta:
        model = Outcome
        fields = ["name", "description"]
        widgets = {"name": forms.Textarea(attrs={"rows": 2}), "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"name": "Outcome"}


class IndicatorForm(GovukForm):
    class Meta:
        model = Indicator
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": "Indicator"}


RAG_FIELDS = ("rag_ahead_from", "rag_on_track_from", "rag_at_risk_from")


class CouncilSettingsForm(GovukForm):
    class Meta:
        model = Council
        fields = [
            "min_social_value_weighting",
            "social_value_mandatory_above",
            "leadership_approval_above",
            "cabinet_approval_above",
            "sme_spend_target",
            "financial_year_start_month",
            "local_postcode_areas",
            "rag_ahead_from",
            "rag_on_track_from",
            "rag_at_risk_from",
        ]
        widgets = {"financial_year_start_month": forms.Select(choices=[])}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["financial_year_start_month"].widget.choices = [(i, calendar.month_name[i]) for i in range(1, 13)]
        # GOV.UK asks for text inputs with a decimal keyboard, not number inputs, for money.
        for name in ("social_value_mandatory_above", "leadership_approval_above", "cabinet_approval_above"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"})
        for name in ("min_social_value_weighting", "sme_spend_target", *RAG_FIELDS):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"})

    def clean_local_postcode_areas(self):
        areas = self.cleaned_data["local_postcode_areas"]
        return ", ".join(a.strip().upper() for a in areas.split(",") if a.strip())


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email goes through Celery, so a slow mail server never blocks sign-in."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        from .tasks import send_email

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        transaction.on_commit(lambda: send_email.delay(subject, body, [to_email]))
