"""Council admins edit their policy in the application; bad input changes nothing."""

import pytest
from django.urls import reverse

from socialvalue.models import Indicator, Outcome, Theme
from socialvalue.tests.factories import IndicatorFactory, OutcomeFactory, ThemeFactory

pytestmark = pytest.mark.django_db

# Contract monitoring RAG tolerances (issue 6), required on the settings form.
RAG_DEFAULTS = {"rag_ahead_from": "110", "rag_on_track_from": "90", "rag_at_risk_from": "70"}


def _url(name, council, **kwargs):
    return reverse(name, kwargs={"council": council.slug, **kwargs})


def test_everyone_in_the_council_reads_the_whole_framework(client, council, cabinet_member):
    client.force_login(cabinet_member)
    response = client.get(_url("policy_detail", council))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Economic", "Social", "More local people in work", "No. of apprentices"):
        assert text in html
    assert "Add a theme" not in html  # readers get no edit controls


def test_admin_renames_a_theme(client, council, council_admin):
    theme = council.current_policy.themes.get(name="Economic")
    client.force_login(council_admin)
    response = client.post(
        _url("policy_item_edit", council, kind="theme", pk=theme.pk),
        {"name": "Economy", "description": "Jobs and skills"},
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.description) == ("Economy", "Jobs and skills")
    assert theme.history.first().history_user == council_admin


def test_a_blank_name_shows_an_error_summary_and_changes_nothing(client, council, council_admin):
    theme = council.current_policy.themes.get(name="Economic")
    client.force_login(council_admin)
    response = client.post(_url("policy_item_edit", council, kind="theme", pk=theme.pk), {"name": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert 'href="#id_name"' in html  # the summary links to the field
    assert "govuk-form-group--error" in html
    assert response.context["form"].errors["name"] == ["This field is required."]
    theme.refresh_from_db()
    assert theme.name == "Economic"


def test_an_invalid_effective_date_is_refused(client, council, council_admin):
    policy = council.current_policy
    client.force_login(council_admin)
    response = client.post(_url("policy_edit", council), {"title": "New title", "effective_date": "31/02/2024"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    policy.refresh_from_db()
    assert policy.title == "Social Value and Sustainability Policy"


def test_admin_adds_an_outcome_and_an_indicator_in_order(client, council, council_admin):
    theme = council.current_policy.themes.get(name="Economic")
    client.force_login(council_admin)
    client.post(_url("policy_item_add", council, kind="outcome", parent=theme.pk), {"name": "Thriving local firms"})
    outcome = theme.outcomes.get(name="Thriving local firms")
    assert list(theme.outcomes.values_list("name", flat=True)) == ["More local people in work", "Thriving local firms"]
    client.post(
        _url("policy_item_add", council, kind="indicator", parent=outcome.pk), {"text": "Spend with local SMEs"}
    )
    assert list(outcome.indicators.values_list("text", flat=True)) == ["Spend with local SMEs"]


def test_moving_a_theme_up_swaps_it_with_the_one_above(client, council, council_admin):
    social = council.current_policy.themes.get(name="Social")
    client.force_login(council_admin)
    client.post(_url("policy_item_move", council, kind="theme", pk=social.pk), {"direction": "up"})
    assert list(council.current_policy.themes.values_list("name", flat=True)) == ["Social", "Economic"]
    # Already first: moving up again changes nothing.
    client.post(_url("policy_item_move", council, kind="theme", pk=social.pk), {"direction": "up"})
    assert list(council.current_policy.themes.values_list("name", flat=True)) == ["Social", "Economic"]


def test_deleting_an_outcome_asks_first_then_removes_its_indicators(client, council, council_admin):
    outcome = Outcome.objects.get(name="More local people in work")
    client.force_login(council_admin)
    confirm = client.get(_url("policy_item_delete", council, kind="outcome", pk=outcome.pk))
    assert "This also deletes 2 indicators." in " ".join(confirm.content.decode().split())
    assert Outcome.objects.filter(pk=outcome.pk).exists()
    client.post(_url("policy_item_delete", council, kind="outcome", pk=outcome.pk))
    assert not Outcome.objects.filter(pk=outcome.pk).exists()
    assert not Indicator.objects.filter(outcome_id=outcome.pk).exists()


def test_the_history_page_shows_who_changed_what(client, council, council_admin):
    theme = council.current_policy.themes.get(name="Economic")
    client.force_login(council_admin)
    client.post(_url("policy_item_edit", council, kind="theme", pk=theme.pk), {"name": "Economy"})
    client.post(_url("policy_item_delete", council, kind="theme", pk=theme.pk))
    html = client.get(_url("policy_history", council)).content.decode()
    assert "alice.admin@coventry.example" in html
    assert "Deleted" in html and "Theme: Economy" in html


def test_council_settings_are_validated_and_unchanged_on_error(client, council, council_admin):
    client.force_login(council_admin)
    data = {
        "min_social_value_weighting": "120",
        "social_value_mandatory_above": "-5",
        "leadership_approval_above": "100000",
        "cabinet_approval_above": "50000",
        "sme_spend_target": "25",
        "financial_year_start_month": "4",
        **RAG_DEFAULTS,
        "local_postcode_areas": "CV, 12",
    }
    response = client.post(_url("council_settings_edit", council), data)
    errors = response.context["form"].errors
    assert set(errors) == {
        "min_social_value_weighting",
        "social_value_mandatory_above",
        "cabinet_approval_above",
        "local_postcode_areas",
    }
    council.refresh_from_db()
    assert council.min_social_value_weighting == 10


def test_council_settings_save_and_show_with_their_sources(client, council, council_admin):
    council.setting_sources = {"sme_spend_target": "NELC policy, Objective 4"}
    council.save()
    client.force_login(council_admin)
    data = {
        "min_social_value_weighting": "12.5",
        "social_value_mandatory_above": "150000",
        "leadership_approval_above": "100000",
        "cabinet_approval_above": "350000",
        "sme_spend_target": "30",
        "financial_year_start_month": "4",
        **RAG_DEFAULTS,
        "local_postcode_areas": "cv, b",
    }
    assert client.post(_url("council_settings_edit", council), data).status_code == 302
    council.refresh_from_db()
    assert council.local_postcode_areas == "CV, B"
    html = client.get(_url("council_settings", council)).content.decode()
    assert "12.5%" in html and "£150,000.00" in html and "Source: NELC policy, Objective 4" in html


@pytest.mark.parametrize("size", [2, 20])
def test_the_policy_page_runs_a_fixed_number_of_queries(client, council, officer, size, django_assert_num_queries):
    policy = council.current_policy
    for _ in range(size):
        outcome = OutcomeFactory(theme=ThemeFactory(policy=policy))
        IndicatorFactory.create_batch(3, outcome=outcome)
    client.force_login(officer)
    # savepoint, session, user, council, policy, themes, outcomes, indicators, roles,
    # supplier membership (navigation), release savepoint: eleven, at any size.
    with django_assert_num_queries(11):
        response = client.get(_url("policy_detail", council))
    assert response.status_code == 200
    assert Theme.objects.filter(policy=policy).count() == size + 2


@pytest.mark.parametrize(
    ("role", "page"),
    [("officer", "council_dashboard"), ("contract_manager", "contract_dashboard"), ("cabinet_member", "report_list")],
)
def test_each_role_starts_where_its_work_is(client, council, role, page, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/")["Location"] == reverse(page, kwargs={"council": council.slug})
