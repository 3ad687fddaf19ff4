"""Questionnaire campaigns: dates, target groups, invitations and reminders (Coventry note 3.2.2, 3.2.10)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from suppliers import schedule, services, tasks
from suppliers.models import Campaign, CampaignEmail, CampaignRecipient, SupplierCouncil
from suppliers.tests.factories import (
    CampaignFactory,
    CampaignRecipientFactory,
    CampaignResponseFactory,
    SupplierCouncilFactory,
    SupplierFactory,
    SupplierMemberFactory,
    answers,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def today():
    return timezone.localdate()


def test_a_closing_date_before_the_opening_date_is_refused_and_nothing_is_stored(client, officer, council):
    client.force_login(officer)
    response = client.post(
        reverse("campaign_create", kwargs={"council": council.slug}),
        {
            "title": "Diversity 2026",
            "opens_on": today() + datetime.timedelta(days=10),
            "closes_on": today() + datetime.timedelta(days=5),
            "target_group": "local_smes",
        },
    )
    assert response.status_code == 200
    assert "The closing date must be the same as or after the opening date" in response.text
    assert not Campaign.objects.exists()


def test_a_council_runs_one_campaign_a_financial_year(council, officer):
    services.campaign_create(
        council=council,
        title="First",
        opens_on=D(2026, 5, 1),
        closes_on=D(2026, 6, 30),
        target_group="local_smes",
        by=officer,
        today=D(2026, 4, 1),
    )
    with pytest.raises(ValidationError, match="already a diversity questionnaire for 2026/27"):
        services.campaign_create(
            council=council,
            title="Second",
            opens_on=D(2027, 3, 1),
            closes_on=D(2027, 3, 30),
            target_group="local_smes",
            by=officer,
            today=D(2026, 4, 1),
        )
    assert Campaign.objects.count() == 1


def test_a_campaign_keeps_the_questions_and_privacy_notice_it_was_issued_with(council, officer):
    campaign = services.campaign_create(
        council=council,
        title="2026",
        opens_on=D(2026, 5, 1),
        closes_on=D(2026, 6, 30),
        target_group="local_smes",
        by=officer,
        today=D(2026, 4, 1),
    )
    assert campaign.question_set_version == 1
    assert len(campaign.questions["characteristics"]) == 9, "the nine protected characteristics (Coventry 3.2.6)"
    assert "Coventry City Council" in campaign.privacy_notice
    assert campaign.year == 2026


def test_local_smes_are_targeted_even_if_they_registered_elsewhere_and_become_visible(council, officer, client):
    """Coventry note 3.2.2: the questionnaire goes to all SMEs within the city."""
    local_small = SupplierFactory(name="Local Small", postcode="CV2 1AA")
    local_large = SupplierFactory(name="Local Large", postcode="CV2 1AB", headcount=400)
    far_small = SupplierFactory(name="Far Small", postcode="DN31 1HU")
    campaign = CampaignFactory(council=council)
    assert services.campaign_target(campaign=campaign) == 1
    assert list(campaign.recipients.values_list("supplier__name", flat=True)) == ["Local Small"]
    assert SupplierCouncil.objects.filter(supplier=local_small, council=council, relationship="campaign").exists()
    assert services.campaign_target(campaign=campaign) == 0, "targeting again adds no one twice"
    client.force_login(officer)
    page = client.get(reverse("supplier_list", kwargs={"council": council.slug})).text
    assert "Local Small" in page and local_large.name not in page and far_small.name not in page


def test_all_suppliers_group_reaches_only_those_dealing_with_the_council(council):
    dealing = SupplierCouncilFactory(council=council, supplier__postcode="DN31 1HU").supplier
    SupplierFactory(name="Stranger")
    campaign = CampaignFactory(council=council, target_group="all")
    services.campaign_target(campaign=campaign)
    assert list(campaign.recipients.values_list("supplier", flat=True)) == [dealing.pk]


def test_opening_a_campaign_invites_each_supplier_once(council, officer):
    member = SupplierMemberFactory(supplier__postcode="CV3 1AA", user__email="owner@local.example")
    campaign = services.campaign_create(
        council=council,
        title="2026",
        opens_on=today(),
        closes_on=today() + datetime.timedelta(days=30),
        target_group="local_smes",
        by=officer,
    )
    assert [m.to for m in mail.outbox] == [[member.user.email]]
    assert "/questionnaires/" in mail.outbox[0].body
    tasks.send_campaign_emails(campaign.pk)
    tasks.send_campaign_email(campaign.recipients.get().pk, "invitation")
    assert len(mail.outbox) == 1, "no supplier is emailed twice for the same email"
    assert CampaignEmail.objects.get().sent_at is not None


def test_reminders_go_a_week_and_a_day_before_closing_but_not_to_suppliers_who_answered(council):
    campaign = CampaignFactory(council=council, opens_on=D(2026, 5, 1), closes_on=D(2026, 5, 31))
    waiting = CampaignRecipientFactory(campaign=campaign)
    answered = CampaignRecipientFactory(campaign=campaign)
    CampaignResponseFactory(campaign=campaign, supplier=answered.supplier)

    def due(day):
        found = services.campaign_emails_due(campaign=campaign, today=day)
        for recipient_id, kind in found:
            CampaignEmail.objects.create(
                recipient_id=recipient_id,
                kind=kind,
                sent_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
            )
        return found

    assert due(D(2026, 5, 1)) == [(waiting.pk, "invitation")]
    assert due(D(2026, 5, 2)) == []
    assert due(D(2026, 5, 24)) == [(waiting.pk, "reminder")]
    assert due(D(2026, 5, 25)) == []
    assert due(D(2026, 5, 30)) == [(waiting.pk, "final_reminder")]
    assert due(D(2026, 5, 31)) == []
    assert due(D(2026, 6, 1)) == [], "nothing after closing"


def test_the_schedule_sends_at_most_one_email_a_day():
    sent = {schedule.INVITATION: D(2026, 5, 30)}
    assert (
        schedule.next_email(opens_on=D(2026, 5, 29), closes_on=D(2026, 5, 31), today=D(2026, 5, 30), sent=sent) is None
    )
    assert (
        schedule.next_email(opens_on=D(2026, 5, 29), closes_on=D(2026, 5, 31), today=D(2026, 5, 31), sent=sent)
        == schedule.FINAL_REMINDER
    )


def test_the_daily_beat_task_handles_every_open_campaign(council):
    campaign = CampaignFactory(council=council)
    SupplierMemberFactory(supplier__postcode="CV5 1AA")
    CampaignFactory(
        council=council,
        opens_on=today() - datetime.timedelta(days=400),
        closes_on=today() - datetime.timedelta(days=380),
    )
    tasks.send_due_campaign_emails()
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 1
    assert len(mail.outbox) == 1


def test_campaign_page_tracks_who_has_answered_without_showing_answers(client, officer, council):
    campaign = CampaignFactory(council=council)
    answered = CampaignRecipientFactory(campaign=campaign, supplier__name="Answered Ltd")
    CampaignRecipientFactory(campaign=campaign, supplier__name="Silent Ltd")
    CampaignResponseFactory(campaign=campaign, supplier=answered.supplier, answers=answers(barriers_other="SECRET"))
    client.force_login(officer)
    page = client.get(reverse("campaign_detail", kwargs={"council": council.slug, "pk": campaign.pk})).text
    assert "Answered Ltd" in page and "Silent Ltd" in page
    assert "1 (50.0%)" in page
    assert "SECRET" not in page
    assert "Individual answers" not in page, "an officer without the grant is not offered individual answers"


def test_the_supplier_list_filters_by_size_locality_and_sme_or_vcse(client, officer, council):
    """NELC's 25% target counts micro, small and medium businesses, social enterprises and VCSEs."""
    for name, postcode, headcount, vcse in [
        ("Local Micro", "CV1 1AA", 3, False),
        ("Far Large", "DN31 1HU", 900, False),
        ("Far Large Charity", "DN31 1HU", 900, True),
    ]:
        SupplierCouncilFactory(
            council=council,
            supplier__name=name,
            supplier__postcode=postcode,
            supplier__headcount=headcount,
            supplier__is_vcse=vcse,
        )
    client.force_login(officer)
    url = reverse("supplier_list", kwargs={"council": council.slug})

    def names(query):
        return [row["supplier"].name for row in client.get(url, query).context["rows"]]

    assert names({}) == ["Far Large", "Far Large Charity", "Local Micro"]
    assert names({"size": ["micro"]}) == ["Local Micro"]
    assert names({"local": "on"}) == ["Local Micro"]
    assert names({"sme_or_vcse": "on"}) == ["Far Large Charity", "Local Micro"]
