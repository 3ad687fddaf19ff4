"""A later year can change the questions without breaking earlier answers (issue 4, item 3)."""

import copy
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from suppliers import questions, services
from suppliers.tests.factories import CampaignFactory, CampaignRecipientFactory, CampaignResponseFactory, answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def version_2(monkeypatch):
    """Next year's questions: one barrier reworded into a new one, and a new barrier added."""
    v2 = copy.deepcopy(questions.QUESTION_SETS[1])
    v2["version"] = 2
    v2["barriers"] = [b for b in v2["barriers"] if b["key"] != "technology"]
    v2["barriers"].append({"key": "social_value_questions", "label": "Answering social value questions"})
    monkeypatch.setitem(questions.QUESTION_SETS, 2, v2)
    monkeypatch.setattr(questions, "CURRENT_VERSION", 2)
    return v2


def test_last_years_answers_keep_last_years_questions_when_the_questions_change(
    client, version_2, council, council_admin, diversity_viewer
):
    today = timezone.localdate()
    last_year = CampaignFactory(
        council=council,
        opens_on=today - datetime.timedelta(days=420),
        closes_on=today - datetime.timedelta(days=390),
        question_set_version=1,
    )
    for _ in range(6):
        CampaignResponseFactory(campaign=last_year, answers=answers(barriers=["technology"]))
    this_year = services.campaign_create(
        council=council,
        title="This year",
        opens_on=today - datetime.timedelta(days=40),
        closes_on=today - datetime.timedelta(days=1),
        target_group="local_smes",
        by=council_admin,
        today=today - datetime.timedelta(days=40),
    )
    assert this_year.question_set_version == 2
    assert last_year.questions["version"] == 1, "the campaign kept the questions it was issued with"
    recipient = CampaignRecipientFactory(campaign=this_year)
    for i in range(6):
        CampaignResponseFactory(
            campaign=this_year,
            supplier=recipient.supplier if i == 0 else CampaignRecipientFactory(campaign=this_year).supplier,
            question_set_version=2,
            answers=answers(barriers=["social_value_questions"]),
        )

    client.force_login(council_admin)
    page = client.get(reverse("campaign_dashboard", kwargs={"council": council.slug, "pk": this_year.pk})).text
    assert "Answering social value questions" in page
    assert "Not asked" in page, "a barrier new this year has no figure for last year"

    old_answer = last_year.responses.first()
    client.force_login(diversity_viewer)
    detail = client.get(
        reverse(
            "campaign_response_detail", kwargs={"council": council.slug, "pk": last_year.pk, "response": old_answer.pk}
        )
    ).text
    assert "Using the e-tendering portal" in detail, "last year's answers read with last year's questions"
