"""Forms for registration, organisation details, invitations, campaigns and the questionnaire."""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Layout, Size, Submit
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils.html import format_html

from socialvalue.forms import GovukForm
from socialvalue.models import Council

from . import sizing, validators
from .models import MAX_HEADCOUNT, Campaign, DiversitySettings, OrganisationType, Supplier, TargetGroup


def _helper(submit_label: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.add_input(Submit("submit", submit_label))
    return helper


class MoneyField(forms.DecimalField):
    """Accepts "£1,250,000" as well as "1250000" (GOV.UK: let people type money as they write it)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[£,\s]", "", value)
        return super().to_python(value)


def _money_widget():
    return forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10", "spellcheck": "false"})


ORGANISATION_FIELDS = [
    "name",
    "organisation_type",
    "companies_house_number",
    "charity_number",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "is_vcse",
    "is_social_enterprise",
]
SIZE_FIELDS = ["headcount", "turnover", "balance_sheet_total", "figures_year"]


class NormalisedCharField(forms.CharField):
    """Tidies what was typed ("sc 123456" → "SC123456") before length and format checks."""

    def __init__(self, *args, normalise, **kwargs):
        self.normalise = normalise
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return self.normalise(super().to_python(value))


def _normalised(field: forms.CharField, normalise, *, required=None) -> NormalisedCharField:
    return NormalisedCharField(
        normalise=normalise,
        label=field.label,
        required=field.required if required is None else required,
        max_length=field.max_length,
        widget=field.widget,
    )


class OrganisationFieldsMixin:
    """Normalising and labelling shared by registration and the details page."""

    def _setup_fields(self):
        f = self.fields
        if "name" in f:
            f["companies_house_number"] = _normalised(
                f["companies_house_number"], validators.normalise_companies_house_number
            )
            f["charity_number"] = _normalised(f["charity_number"], validators.normalise_charity_number)
            f["postcode"] = _normalised(f["postcode"], validators.normalise_postcode, required=True)
            f["name"].help_text = "As registered, if your organisation is registered"
            f["organisation_type"].widget = forms.RadioSelect(choices=OrganisationType.choices)
            f["companies_house_number"].help_text = "Every limited company has one. For example, 01234567 or SC123456"
            f["charity_number"].help_text = "If you are a registered charity. For example, 1234567 or SC012345"
            f["companies_house_number"].widget.attrs.update({"class": "govuk-input--width-10", "spellcheck": "false"})
            f["charity_number"].widget.attrs.update({"class": "govuk-input--width-10", "spellcheck": "false"})
            f["postcode"].required = True
            f["postcode"].help_text = "Where your organisation is based. We use it to see which councils it is local to"
            f["postcode"].widget.attrs.update({"class": "govuk-input--width-10", "autocomplete": "postal-code"})
            f["is_vcse"].label = "We are a voluntary, community or social enterprise (VCSE) organisation"
            f["is_social_enterprise"].label = "We are a social enterprise, such as a community interest company"
        if "headcount" in f:
            # Range checked in clean_headcount, with messages a person can act on.
            f["headcount"] = forms.IntegerField(
                label="Number of employees",
                help_text="Everyone on the payroll, full and part time, and owners who work in the business",
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input--width-5", "spellcheck": "false"}
                ),
                error_messages={
                    "required": "Enter the number of employees",
                    "invalid": "Enter the number of employees as a whole number, like 12",
                },
            )
            f["turnover"] = MoneyField(
                label="Annual turnover (£)",
                max_digits=15,
                decimal_places=2,
                help_text="From your latest accounts. For example, £1,250,000",
                widget=_money_widget(),
                error_messages={
                    "required": "Enter your annual turnover",
                    "invalid": "Enter turnover as an amount of money, like £1,250,000",
                },
            )
            f["balance_sheet_total"] = MoneyField(
                label="Balance sheet total (£) (optional)",
                required=False,
                max_digits=15,
                decimal_places=2,
                help_text="Total assets from your latest balance sheet. Leave blank if you do not have one",
                widget=_money_widget(),
                error_messages={"invalid": "Enter the balance sheet total as an amount of money, like £900,000"},
            )
            f["figures_year"] = forms.IntegerField(
                label="Year the figures are for",
                min_value=1990,
                max_value=2100,
                help_text="The year your latest financial year ended, like 2026",
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
                error_messages={
                    "required": "Enter the year the figures are for",
                    "invalid": "Enter the year as 4 digits, like 2026",
                    "min_value": "Enter a year from 1990 onwards",
                    "max_value": "Enter a year before 2100",
                },
            )

    def clean_headcount(self):
        value = self.cleaned_data["headcount"]
        if value is not None and value < 0:
            raise forms.ValidationError("The number of employees cannot be negative")
        if value is not None and value > MAX_HEADCOUNT:
            raise forms.ValidationError(f"Enter a number of employees of {MAX_HEADCOUNT:,} or fewer")
        return value

    def clean_turnover(self):
        return self._not_negative("turnover", "Turnover cannot be negative")

    def clean_balance_sheet_total(self):
        return self._not_negative("balance_sheet_total", "The balance sheet total cannot be negative")

    def _not_negative(self, name, message):
        value = self.cleaned_data[name]
        if value is not None and value < 0:
            raise forms.ValidationError(message)
        return value


class OrganisationForm(OrganisationFieldsMixin, GovukForm):
    """Registration step 1: who the organisation is."""

    submit_label = "Continue"
    council = forms.ModelChoiceField(
        queryset=Council.objects.all(),
        required=False,
        label="Which council are you registering with? (optional)",
        help_text="That council's officers will see your organisation. You can deal with others later.",
        empty_label="None yet",
    )

    class Meta:
        model = Supplier
        fields = ORGANISATION_FIELDS

    def __init__(self, *args, show_council=True, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_fields()
        if not show_council:
            del self.fields["council"]


class SizeForm(OrganisationFieldsMixin, GovukForm):
    """Registration step 2: the figures the size class comes from (Coventry note 3.2.3)."""

    submit_label = "Continue"

    class Meta:
        model = Supplier
        fields = SIZE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_fields()

    def _post_clean(self):
        """Check only these figures; the whole organisation is checked when it is registered."""
        instance = construct_instance(self, Supplier(), SIZE_FIELDS)
        try:
            instance.clean_fields(exclude=[f.name for f in Supplier._meta.fields if f.name not in SIZE_FIELDS])
        except ValidationError as exc:
            self._update_errors(exc)


class SupplierDetailsForm(OrganisationFieldsMixin, GovukForm):
    """A supplier admin changes the organisation's details and figures."""

    submit_label = "Save details"

    class Meta:
        model = Supplier
        fields = ORGANISATION_FIELDS + SIZE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_fields()


class PasswordFieldsMixin:
    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The passwords do not match")
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


def _password_fields(form):
    form.fields["password1"] = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 12 characters. Use three random words to make it easy to remember",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    form.fields["password2"] = forms.CharField(
        label="Confirm password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class AccountForm(PasswordFieldsMixin, forms.Form):
    """Registration step 3: the first person's account, who becomes the supplier admin."""

    full_name = forms.CharField(
        label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will send a link to this address to confirm it",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_fields(self)
        self.helper = _helper("Create account")


class JoinForm(PasswordFieldsMixin, forms.Form):
    """Accepting a colleague's invitation as a new user."""

    full_name = forms.CharField(
        label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_fields(self)
        self.helper = _helper("Create account and join")


class CouncilInvitationForm(forms.Form):
    organisation_name = forms.CharField(label="Organisation name", max_length=300)
    email = forms.EmailField(
        label="Email address of someone at the organisation",
        help_text="We will email them a link to register",
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Send invitation")


class ColleagueInvitationForm(forms.Form):
    email = forms.EmailField(
        label="Your colleague's email address",
        help_text="We will email them a link to join your organisation",
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Send invitation")


class SupplierFilterForm(forms.Form):
    """The side panel of filters on the council's supplier list (JOURNEYS.md: checkboxes)."""

    size = forms.MultipleChoiceField(
        label="Size", choices=sizing.SizeClass.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    local = forms.BooleanField(label="Local only", required=False)
    sme_or_vcse = forms.BooleanField(label="SMEs, social enterprises and VCSEs only", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.checkboxes("size", legend_size=Size.SMALL, small=True),
            Field.checkbox("local", small=True),
            Field.checkbox("sme_or_vcse", small=True),
        )
        self.helper.add_input(Submit("apply", "Apply filters", css_class="govuk-button--secondary"))

    def apply(self, suppliers, council):
        if not self.is_valid():
            return suppliers
        data = self.cleaned_data
        if data["size"]:
            suppliers = suppliers.filter(size_class__in=data["size"])
        if data["local"]:
            suppliers = suppliers.local_to(council)
        if data["sme_or_vcse"]:
            suppliers = suppliers.sme_or_vcse()
        return suppliers


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "opens_on", "closes_on", "target_group"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "target_group": forms.RadioSelect(choices=TargetGroup.choices),
        }
        labels = {"title": "Title", "target_group": "Who should it go to?"}
        help_texts = {
            "title": "For example, Supplier diversity questionnaire 2026",
            "opens_on": "For example, 1 May 2026. Invitations go out on this day",
            "target_group": "Local means a postcode in one of the council's local postcode areas",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Start questionnaire")

    def _post_clean(self):
        """Dates are checked by ``campaign_create`` with the rest; no model validation here."""


class DiversitySettingsForm(GovukForm):
    submit_label = "Save settings"

    class Meta:
        model = DiversitySettings
        fields = ["retention_months", "privacy_notice"]
        widgets = {
            "retention_months": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
            "privacy_notice": forms.Textarea(attrs={"rows": 8}),
        }


class DiversityAccessForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, label="Council member", empty_label="Choose someone")

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.email})"
        self.helper = _helper("Give access")


class QuestionnaireForm(forms.Form):
    """The questions of a campaign's question set, built from the schema stored on the campaign."""

    def __init__(self, *args, schema: dict, privacy_notice: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema
        answers = [(a["key"], a["label"]) for a in schema["answers"]]
        layout = [
            HTML(
                format_html(
                    '<h2 class="govuk-heading-m">Privacy notice</h2><div class="govuk-inset-text">{}</div>',
                    privacy_notice,
                )
            ),
        ]
        self.fields["consent"] = forms.BooleanField(
            label="I have read the privacy notice and agree to the council using these answers as it describes",
            error_messages={
                "required": "Confirm you have read the privacy notice and agree to the council using your answers"
            },
        )
        layout.append(Field.checkbox("consent"))
        layout.append(HTML('<h2 class="govuk-heading-m">Who owns and leads your business</h2>'))
        layout.append(
            HTML(
                '<p class="govuk-body">For each protected characteristic in the Equality Act 2010, say whether the '
                "people who own more than half of the business, and the people who lead it, share it. You can "
                "choose ‘Prefer not to say’ for any question.</p>"
            )
        )
        for characteristic in schema["characteristics"]:
            layout.append(HTML(format_html('<h3 class="govuk-heading-s">{}</h3>', characteristic["label"])))
            for dimension in schema["dimensions"]:
                name = f"{dimension['key']}__{characteristic['key']}"
                question = dimension["question"].format(group=characteristic["group"])
                self.fields[name] = forms.ChoiceField(
                    label=question,
                    choices=answers,
                    widget=forms.RadioSelect,
                    error_messages={"required": f"Answer ‘{question}’, or choose ‘Prefer not to say’"},
                )
                layout.append(Field.radios(name, inline=True))
        layout.append(HTML('<h2 class="govuk-heading-m">Tendering for council contracts</h2>'))
        self.fields["barriers"] = forms.MultipleChoiceField(
            label="What makes it hard for you to tender for council contracts?",
            help_text="Select all that apply",
            choices=[(b["key"], b["label"]) for b in schema["barriers"]],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        layout.append(Field.checkboxes("barriers", small=False))
        self.fields["barriers_other"] = forms.CharField(
            label="Anything else that makes tendering hard? (optional)",
            help_text="You can enter up to 2000 characters",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        layout.append(Field.textarea("barriers_other", max_characters=2000))
        self.fields["council_could_do"] = forms.CharField(
            label="What could the council do to help businesses like yours win contracts? (optional)",
            help_text="You can enter up to 2000 characters",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        layout.append(Field.textarea("council_could_do", max_characters=2000))
        self.fields["meet_the_buyer"] = forms.ChoiceField(
            label="Would you be interested in Meet the Buyer events?",
            help_text="Events where you meet the council's buyers and hear about coming opportunities",
            choices=[(o["key"], o["label"]) for o in schema["meet_the_buyer"]],
            widget=forms.RadioSelect,
            error_messages={"required": "Say whether you would be interested in Meet the Buyer events"},
        )
        layout.append(Field.radios("meet_the_buyer", legend_size=Size.MEDIUM))
        self.helper = FormHelper()
        self.helper.layout = Layout(*layout)
        self.helper.add_input(Submit("submit", "Save answers"))

    def answers(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "consent"}

    @staticmethod
    def initial_from(answers: dict) -> dict:
        return dict(answers)
