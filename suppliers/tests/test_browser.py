"""A new supplier, as a person would: register, verify, answer, come back and change an answer.

Runs in Chromium with axe-core checking each page for WCAG 2.2 A/AA violations.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from socialvalue.models import Role
from socialvalue.tests.factories import member
from suppliers import questions, services, tasks
from suppliers.models import CampaignResponse
from suppliers.tests.factories import (
    CampaignFactory,
    CampaignRecipientFactory,
    CampaignResponseFactory,
    SupplierFactory,
    answers,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "three random words here"


def _question(page, text):
    return page.get_by_role("group", name=text)


def _answer_every_question(page, prefer_not_to_say=()):
    schema = questions.question_set(1)
    for characteristic in schema["characteristics"]:
        for dimension in schema["dimensions"]:
            text = dimension["question"].format(group=characteristic["group"])
            key = questions.answer_key(dimension["key"], characteristic["key"])
            choice = "Prefer not to say" if key in prefer_not_to_say else "No"
            _question(page, text).get_by_label(choice, exact=True).check()


def test_a_supplier_registers_verifies_answers_and_changes_an_answer(page, axe, council, sign_in):
    today = timezone.localdate()
    campaign = CampaignFactory(
        council=council,
        title="Supplier diversity questionnaire 2026",
        privacy_notice=services.DEFAULT_PRIVACY_NOTICE.format(council=council.name, months=24),
    )

    # Registration (JOURNEYS.md): start → organisation → size with the reason → account → email.
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Register your organisation").click()
    axe("start page")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Legal name").fill("Spon End Joinery Ltd")
    page.get_by_label("Limited company").check()
    page.get_by_label("Companies House number").fill("01234567")
    page.get_by_label("Address line 1").fill("4 Spon End")
    page.get_by_label("Town or city").fill("Coventry")
    page.get_by_label("Postcode").fill("cv1 3hq")
    page.get_by_label("Which council are you registering with? (optional)").select_option(label=council.name)
    axe("organisation details")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Number of employees").fill("-4")
    page.get_by_label("Annual turnover (£)").fill("£850,000")
    page.get_by_label("Year the figures are for").fill("2026")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    axe("size, with an error")
    page.get_by_label("Number of employees").fill("7")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Your organisation is micro").is_visible()
    assert "7 people, which is fewer than 10" in page.text_content("main")
    axe("size result")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Email address").fill("priya@sponend.example")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    axe("account")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    axe("check your email")

    # Verification: follow the emailed link.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    page.goto(link)
    assert page.get_by_role("heading", name="Your organisation").is_visible()
    axe("your organisation")

    # The daily Celery beat run adds the new local micro business to the campaign and invites it.
    tasks.send_campaign_emails(campaign.pk)
    assert any("Supplier diversity questionnaire 2026" in m.subject for m in mail.outbox)

    page.reload()
    page.get_by_role("link", name="Answer the questionnaire").click()
    axe("questionnaire start")
    page.get_by_role("button", name="Read the privacy notice and answer").click()
    assert "special category personal data" in page.text_content("main")
    axe("questionnaire")
    page.get_by_label("I have read the privacy notice").check()
    _answer_every_question(page, prefer_not_to_say={"owned__race", "led__race", "owned__sexual_orientation"})
    page.get_by_label("Too much paperwork or a complicated process").check()
    page.get_by_label("What could the council do to help businesses like yours win contracts? (optional)").fill(
        "Split large contracts into lots."
    )
    _question(page, "Would you be interested in Meet the Buyer events?").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save answers").click()
    assert page.get_by_text("Your answers are saved").is_visible()
    axe("answers saved")
    stored = CampaignResponse.objects.get()
    assert stored.answers["owned__race"] == "prefer_not_to_say"
    assert stored.answers["owned__age"] == "no"

    # Coming back later to change an answer.
    page.goto("/supplier/")
    page.get_by_role("link", name="See or change your answers").click()
    page.get_by_role("button", name="Change your answers").click()
    assert (
        _question(
            page,
            "Is your business majority owned by people from an ethnic minority, including colour, "
            "nationality, ethnic or national origin?",
        )
        .get_by_label("Prefer not to say")
        .is_checked()
    )
    _question(page, "Is your business majority owned by women?").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save answers").click()
    stored.refresh_from_db()
    assert stored.answers["owned__sex"] == "yes"
    assert stored.answers["owned__race"] == "prefer_not_to_say"
    assert CampaignResponse.objects.count() == 1

    # An officer reads last year's closed baseline: aggregates only, small numbers hidden.
    last_year = CampaignFactory(
        council=council,
        title="Supplier diversity questionnaire 2025",
        opens_on=today - datetime.timedelta(days=420),
        closes_on=today - datetime.timedelta(days=390),
    )
    for i in range(8):
        supplier = SupplierFactory(name=f"Last year {i}")
        CampaignRecipientFactory(campaign=last_year, supplier=supplier)
        CampaignResponseFactory(
            campaign=last_year, supplier=supplier, answers=answers(owned__sex="yes" if i < 6 else "no")
        )
    officer = member(council, Role.PROCUREMENT_OFFICER, "bob.officer@coventry.example")
    page.context.clear_cookies()
    sign_in(officer)
    page.goto(f"/councils/{council.slug}/diversity/")
    axe("campaign list")
    page.get_by_role("link", name="Supplier diversity questionnaire 2025").click()
    axe("campaign page")
    page.get_by_role("link", name="Diversity baseline").click()
    assert "fewer than 5 or withheld" in page.text_content("main")
    axe("baseline dashboard")
    page.goto(f"/councils/{council.slug}/diversity/{campaign.pk}/")
    assert page.get_by_text("Spon End Joinery Ltd").is_visible()
    axe("campaign tracking")
    page.goto(f"/councils/{council.slug}/suppliers/")
    axe("supplier list")


def test_council_pages_for_individual_answers_and_access_pass_axe(page, axe, council, sign_in, diversity_viewer):
    today = timezone.localdate()
    campaign = CampaignFactory(
        council=council, opens_on=today - datetime.timedelta(days=40), closes_on=today - datetime.timedelta(days=10)
    )
    response = CampaignResponseFactory(campaign=campaign, supplier=SupplierFactory(name="Canal Basin Bakery"))
    CampaignRecipientFactory(campaign=campaign, supplier=response.supplier)
    admin = member(council, Role.COUNCIL_ADMIN, "alice.admin@coventry.example")

    sign_in(diversity_viewer)
    page.goto(f"/councils/{council.slug}/diversity/{campaign.pk}/responses/")
    axe("individual answers list")
    page.get_by_role("link", name="Canal Basin Bakery").click()
    assert page.get_by_text("Your view of these answers has been recorded").is_visible()
    axe("one supplier's answers")

    page.context.clear_cookies()
    sign_in(admin)
    for path in (
        "diversity/access/",
        "diversity/access/log/",
        "diversity/settings/",
        "diversity/new/",
        "suppliers/invite/",
    ):
        page.goto(f"/councils/{council.slug}/{path}")
        axe(path)
    assert "Canal Basin Bakery" in page.goto(f"/councils/{council.slug}/diversity/access/log/").text()
