"""Who sees diversity data: aggregates for the council, individual answers only with the grant."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from socialvalue.models import Membership
from suppliers import diversity, services
from suppliers.models import CampaignResponse, CampaignSnapshot, DiversityAccess, DiversityAccessLog
from suppliers.tests.factories import (
    CampaignFactory,
    CampaignRecipientFactory,
    CampaignResponseFactory,
    DiversitySettingsFactory,
    SupplierFactory,
    answers,
)

pytestmark = pytest.mark.django_db


def closed_campaign(council, *, responses, days_ago=30, yes=0, title=None, **kwargs):
    """A closed campaign with ``responses`` answers, the first ``yes`` of them majority owned by women."""
    today = timezone.localdate()
    campaign = CampaignFactory(
        council=council,
        title=title or f"Closed {days_ago}",
        opens_on=today - datetime.timedelta(days=days_ago + 30),
        closes_on=today - datetime.timedelta(days=days_ago),
        **kwargs,
    )
    for i in range(responses):
        supplier = SupplierFactory(name=f"Responder {days_ago}-{i:02d}")
        CampaignRecipientFactory(campaign=campaign, supplier=supplier)
        CampaignResponseFactory(
            campaign=campaign, supplier=supplier, answers=answers(owned__sex="yes" if i < yes else "no")
        )
    return campaign


def dashboard(client, council, campaign):
    return client.get(reverse("campaign_dashboard", kwargs={"council": council.slug, "pk": campaign.pk}))


def test_officers_see_the_baseline_with_small_numbers_hidden(client, officer, council):
    campaign = closed_campaign(council, responses=12, yes=6)
    client.force_login(officer)
    page = dashboard(client, council, campaign).text
    assert diversity.SUPPRESSED_LABEL in page
    assert "Majority owned: Sex" in page
    published = diversity.published_figures(campaign.baseline())
    assert published["responses"] == 12
    assert published["owned__sex.yes"] == 6
    assert published["owned__sex.prefer_not_to_say"] is None, "0 is below 5"
    assert published["owned__sex.no"] is None, "12 − 6 − 0 would give the 0 away"
    assert published["owned__age.yes"] is None, "nobody: below 5"


def test_a_small_share_hides_the_whole_question(council):
    campaign = closed_campaign(council, responses=12, yes=3)
    published = diversity.published_figures(campaign.baseline())
    assert [published[f"owned__sex.{a}"] for a in ("yes", "no", "prefer_not_to_say")] == [None, None, None]


def test_no_figures_show_while_the_campaign_is_open(client, officer, council):
    campaign = CampaignFactory(council=council)
    for _ in range(6):
        CampaignResponseFactory(campaign=campaign)
    client.force_login(officer)
    page = dashboard(client, council, campaign).text
    assert "The figures appear when the questionnaire closes" in page
    assert "Majority owned" not in page
    export = client.get(reverse("campaign_export", kwargs={"council": council.slug, "pk": campaign.pk}))
    assert export.status_code == 302


def test_the_baseline_shows_last_years_figures_beside_this_years(client, cabinet_member, council):
    closed_campaign(council, responses=6, days_ago=400, title="Last year")
    this_year = closed_campaign(council, responses=8, days_ago=5, title="This year")
    client.force_login(cabinet_member)
    page = dashboard(client, council, this_year).text
    assert "6 responses from 6" in page
    assert page.count("govuk-table__header--numeric") >= 4


def test_the_csv_export_holds_suppressed_aggregates_and_no_one_s_answers(client, officer, council):
    campaign = closed_campaign(council, responses=7, yes=2)
    client.force_login(officer)
    response = client.get(reverse("campaign_export", kwargs={"council": council.slug, "pk": campaign.pk}))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    text = response.content.decode()
    assert "Responder" not in text, "no supplier names"
    sex_yes = next(r for r in rows if r[:2] == ["Majority owned: Sex", "Yes"])
    assert sex_yes[2] == diversity.SUPPRESSED_LABEL
    for row in rows[5:]:
        if row[2].isdigit():
            assert int(row[2]) >= 5


def test_only_holders_of_the_grant_see_individual_answers_and_every_view_is_logged(
    client, officer, diversity_viewer, council
):
    campaign = closed_campaign(council, responses=1)
    answer = CampaignResponse.objects.get()
    url = reverse(
        "campaign_response_detail", kwargs={"council": council.slug, "pk": campaign.pk, "response": answer.pk}
    )

    client.force_login(officer)
    assert client.get(url).status_code == 403
    assert not DiversityAccessLog.objects.exists()

    client.force_login(diversity_viewer)
    page = client.get(url)
    assert page.status_code == 200
    assert "Is your business majority owned by women?" in page.text
    client.get(url)
    log = DiversityAccessLog.objects.filter(user=diversity_viewer, response=answer)
    assert log.count() == 2, "each view is logged"
    assert log.first().supplier == answer.supplier


def test_a_grant_lapses_when_the_person_leaves_the_council(client, diversity_viewer, council):
    campaign = closed_campaign(council, responses=1)
    Membership.objects.filter(user=diversity_viewer).delete()
    client.force_login(diversity_viewer)
    url = reverse("campaign_responses", kwargs={"council": council.slug, "pk": campaign.pk})
    assert client.get(url).status_code == 404
    assert not CampaignResponse.objects.visible_to(diversity_viewer).exists()


def test_a_council_admin_gives_and_removes_the_grant(client, council_admin, officer, council):
    client.force_login(council_admin)
    client.post(reverse("diversity_access", kwargs={"council": council.slug}), {"user": officer.pk})
    grant = DiversityAccess.objects.get(user=officer, council=council)
    assert grant.granted_by == council_admin
    client.post(reverse("diversity_access_revoke", kwargs={"council": council.slug, "pk": grant.pk}))
    assert not DiversityAccess.objects.filter(user=officer).exists()


def test_a_grant_in_one_council_shows_nothing_of_another(client, diversity_viewer, other_council):
    campaign = closed_campaign(other_council, responses=1)
    assert not CampaignResponse.objects.visible_to(diversity_viewer).filter(campaign=campaign).exists()


# --------------------------------------------------------------------------- erasure and retention


def test_erasing_a_suppliers_answers_keeps_the_published_figures_unchanged(council):
    campaign = closed_campaign(council, responses=10, yes=6)
    before = campaign.baseline()
    leaving = CampaignResponse.objects.first().supplier
    out = io.StringIO()
    call_command("erase_diversity_answers", "--supplier", str(leaving.pk), "--council", council.slug, stdout=out)
    assert "Erased 1 set of answers" in out.getvalue()
    assert not CampaignResponse.objects.filter(supplier=leaving).exists()
    assert CampaignSnapshot.objects.filter(campaign=campaign).exists()
    after = campaign.baseline()
    assert after["sections"] == before["sections"] and after["responses"] == 10
    assert after["frozen"]


def test_erasing_answers_to_an_open_campaign_simply_deletes_them(council):
    campaign = CampaignFactory(council=council)
    response = CampaignResponseFactory(campaign=campaign)
    assert services.diversity_answers_erase(supplier=response.supplier) == 1
    assert not CampaignSnapshot.objects.exists()
    assert not CampaignResponse.objects.exists()


def test_the_admin_action_erases_the_selected_suppliers_answers(admin_client, council):
    campaign = closed_campaign(council, responses=2)
    supplier = CampaignResponse.objects.first().supplier
    admin_client.post(
        reverse("admin:suppliers_supplier_changelist"),
        {"action": "erase_diversity_answers", "_selected_action": [supplier.pk]},
    )
    assert not CampaignResponse.objects.filter(supplier=supplier).exists()
    assert CampaignResponse.objects.filter(campaign=campaign).count() == 1


def test_retention_erases_answers_past_the_councils_period_and_keeps_totals(council):
    DiversitySettingsFactory(council=council, retention_months=12)
    old = closed_campaign(council, responses=5, days_ago=400, title="Old")
    recent = closed_campaign(council, responses=5, days_ago=30, title="Recent")
    call_command("apply_diversity_retention", stdout=io.StringIO())
    assert not CampaignResponse.objects.filter(campaign=old).exists()
    assert CampaignResponse.objects.filter(campaign=recent).count() == 5
    assert old.baseline()["responses"] == 5, "the frozen totals remain"
    assert services.diversity_retention_apply() == 0, "running again erases nothing more"
