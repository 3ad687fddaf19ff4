"""Answering the diversity questionnaire: consent, prefer not to say, change, withdraw, deadlines."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from suppliers import services
from suppliers.models import CampaignResponse
from suppliers.tests.factories import CampaignFactory, CampaignRecipientFactory, answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(supplier_user):
    return supplier_user.supplier_memberships.get().supplier


@pytest.fixture
def campaign(council, acme):
    campaign = CampaignFactory(council=council)
    CampaignRecipientFactory(campaign=campaign, supplier=acme)
    return campaign


def url(name, acme, campaign):
    return reverse(name, kwargs={"supplier": acme.pk, "campaign": campaign.pk})


def form_data(**overrides):
    data = answers(default="no", **overrides)
    data["consent"] = "on"
    return data


def test_a_supplier_answers_with_prefer_not_to_say_and_sees_its_answers(client, supplier_user, acme, campaign):
    client.force_login(supplier_user)
    data = form_data(owned__race="prefer_not_to_say", led__sexual_orientation="prefer_not_to_say", owned__sex="yes")
    response = client.post(url("questionnaire_answer", acme, campaign), data)
    assert response.status_code == 302
    stored = CampaignResponse.objects.get(campaign=campaign, supplier=acme)
    assert stored.answers["owned__race"] == "prefer_not_to_say"
    assert stored.answers["owned__sex"] == "yes"
    assert stored.question_set_version == 1
    assert stored.size_class == "small" and stored.is_local
    page = client.get(url("questionnaire", acme, campaign)).text
    assert "Prefer not to say" in page and "Change your answers" in page


def test_a_supplier_changes_an_answer_while_the_campaign_is_open(client, supplier_user, acme, campaign):
    client.force_login(supplier_user)
    client.post(url("questionnaire_answer", acme, campaign), form_data(owned__age="prefer_not_to_say"))
    first = CampaignResponse.objects.get()
    client.post(url("questionnaire_answer", acme, campaign), form_data(owned__age="yes"))
    changed = CampaignResponse.objects.get()
    assert changed.pk == first.pk and changed.answers["owned__age"] == "yes"
    assert changed.consent_given_at == first.consent_given_at


def test_answers_need_explicit_consent_to_the_privacy_notice(client, supplier_user, acme, campaign):
    client.force_login(supplier_user)
    data = form_data()
    del data["consent"]
    response = client.post(url("questionnaire_answer", acme, campaign), data)
    assert response.status_code == 200
    assert "Confirm you have read the privacy notice" in response.text
    assert not CampaignResponse.objects.exists()


def test_every_characteristic_needs_an_answer_even_if_prefer_not_to_say(client, supplier_user, acme, campaign):
    client.force_login(supplier_user)
    data = form_data()
    del data["led__disability"]
    response = client.post(url("questionnaire_answer", acme, campaign), data)
    assert "Answer ‘Is your business led by disabled people?’, or choose ‘Prefer not to say’" in response.text
    assert not CampaignResponse.objects.exists()


def test_a_supplier_withdraws_its_answers_and_they_are_deleted(client, supplier_user, acme, campaign):
    client.force_login(supplier_user)
    client.post(url("questionnaire_answer", acme, campaign), form_data())
    assert client.get(url("questionnaire_withdraw", acme, campaign)).status_code == 200
    client.post(url("questionnaire_withdraw", acme, campaign))
    assert not CampaignResponse.objects.exists()


def test_a_survey_answered_after_it_closed_is_refused_and_nothing_is_stored(supplier_user, acme, campaign):
    after = campaign.closes_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="This questionnaire closed on"):
        services.response_submit(
            campaign=campaign, supplier=acme, answers=answers(), consent=True, by=supplier_user, today=after
        )
    assert not CampaignResponse.objects.exists()


def test_posting_answers_to_a_closed_questionnaire_changes_nothing(client, supplier_user, acme, council):
    closed = CampaignFactory(
        council=council,
        opens_on=timezone.localdate() - datetime.timedelta(days=60),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    CampaignRecipientFactory(campaign=closed, supplier=acme)
    client.force_login(supplier_user)
    response = client.post(url("questionnaire_answer", acme, closed), form_data(), follow=True)
    assert "answers cannot be given or changed" in response.text
    assert not CampaignResponse.objects.exists()
    client.post(url("questionnaire_withdraw", acme, closed))


def test_a_supplier_the_campaign_was_not_sent_to_cannot_answer(client, supplier_user, acme, council):
    not_sent = CampaignFactory(council=council)
    client.force_login(supplier_user)
    assert client.get(url("questionnaire_answer", acme, not_sent)).status_code == 404
    with pytest.raises(ValidationError, match="was not sent to"):
        services.response_submit(campaign=not_sent, supplier=acme, answers=answers(), consent=True, by=supplier_user)


def test_another_suppliers_user_cannot_see_or_answer_for_it(client, other_supplier_user, acme, campaign):
    client.force_login(other_supplier_user)
    assert client.get(url("questionnaire", acme, campaign)).status_code == 404
    assert client.post(url("questionnaire_answer", acme, campaign), form_data()).status_code == 404
    assert not CampaignResponse.objects.exists()


def test_answers_outside_the_question_set_are_refused(supplier_user, acme, campaign):
    with pytest.raises(ValidationError, match="Choose barriers from the list"):
        services.response_submit(
            campaign=campaign, supplier=acme, answers=answers(barriers=["bribery"]), consent=True, by=supplier_user
        )
    assert not CampaignResponse.objects.exists()


def test_the_supplier_home_page_shows_an_open_questionnaire_banner(client, supplier_user, campaign):
    client.force_login(supplier_user)
    page = client.get(reverse("supplier_home")).text
    assert "govuk-notification-banner" in page and "Answer the questionnaire" in page
