"""The whole life of a procurement in a real browser (procurement issue, "Done means").

An officer creates a £250,000 services procurement at 10% social value; two suppliers commit
social value in the live calculator and submit; the deadline passes; the officer opens, scores
and awards; the award shows both suppliers' scores and the winner's commitments. axe-core checks
each main page for WCAG 2.2 A/AA.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from procurement.models import Contract, Procurement
from procurement.tests.factories import calculator_for
from suppliers.tests.factories import SupplierMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_money(page, label, value):
    page.get_by_label(label, exact=True).fill(value)


def _tender(page, sign_in, user, procurement, price, quantities):
    sign_in(user)
    page.get_by_role("link", name="Opportunities", exact=True).click()
    axe_ok = page.get_by_role("link", name=procurement.title)
    expect(axe_ok).to_be_visible()
    axe_ok.click()
    page.get_by_role("link", name="Start your tender").click()
    page.get_by_label("Tendered price (£)").fill(price)
    page.get_by_label("Social value method statement").fill("We will recruit locally and mentor apprentices.")
    for label, quantity in quantities.items():
        page.get_by_label(re.compile(label)).fill(quantity)
    return page


def test_a_procurement_from_creation_to_award(page, sign_in, axe, council, officer, contract_manager):
    calculator = calculator_for(council, "100", "2500")
    calculator.name = "Services calculator"
    calculator.save()
    codes = [m.code for m in calculator.ordered_measures()]
    acme = SupplierMemberFactory(supplier__name="Acme Services Ltd", user__email="ann@acme.example").user
    bolt = SupplierMemberFactory(supplier__name="Bolt Community CIC", user__email="ben@bolt.example").user

    # The officer creates the procurement.
    sign_in(officer)
    page.get_by_role("link", name="Procurements").click()
    axe("procurement register")
    page.get_by_role("link", name="Start a procurement").click()
    page.get_by_label("Reference").fill("SV-2026-001")
    page.get_by_label("Title").fill("Community meals service")
    page.get_by_label("Services").check()
    page.get_by_label("Estimated value (£)").fill("250000")
    deadline = (timezone.localtime() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Tender deadline").fill(deadline)
    axe("start a procurement")
    page.get_by_role("button", name="Save and continue").click()

    # Social value plan: first below the minimum (refused), then 10%.
    expect(page.locator(".govuk-inset-text").first).to_contain_text("at least 10.0% of the evaluation")
    page.get_by_label("Calculator", exact=True).select_option(label="Services calculator")
    page.get_by_label("Price (%)").fill("65")
    page.get_by_label("Quality (%)").fill("30")
    page.get_by_label(re.compile("quantitative")).fill("3")
    page.get_by_label(re.compile("qualitative")).fill("2")
    page.get_by_role("button", name="Save social value plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("social value must be at least 10%")
    axe("social value plan with errors")
    page.get_by_label("Price (%)").fill("60")
    page.get_by_label(re.compile("quantitative")).fill("5")
    page.get_by_label(re.compile("qualitative")).fill("5")
    page.get_by_role("button", name="Save social value plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Social value plan saved")
    axe("procurement task list")

    # Leadership Team approval (over £100,000), then publish.
    page.get_by_role("link", name="Approval: Leadership Team").click()
    page.get_by_label("Decision record").fill("Leadership Team, 3 March 2026, item 7")
    page.get_by_label(re.compile("I confirm")).check()
    page.get_by_role("button", name="Record approval").click()
    page.get_by_role("button", name="Publish for tenders").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Published")
    page.get_by_role("button", name="Sign out").click()
    procurement = Procurement.objects.get(reference="SV-2026-001")

    # Two suppliers tender, committing in the live calculator.
    _tender(page, sign_in, acme, procurement, "240000", {codes[0]: "20", codes[1]: "2"})
    expect(page.locator("#calculation-total")).to_have_text("£7,000.00")  # 20×£100 + 2×£2,500, as typed
    axe("tender form with live calculator")
    page.get_by_role("button", name="Save and check your tender").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your tender")
    axe("check your tender")
    page.get_by_role("button", name="Submit tender").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Tender submitted")
    page.get_by_role("button", name="Sign out").click()

    _tender(page, sign_in, bolt, procurement, "200000", {codes[0]: "10"})
    page.get_by_role("button", name="Save and check your tender").click()
    page.get_by_role("button", name="Submit tender").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Tender submitted")
    page.get_by_role("button", name="Sign out").click()

    # Before the deadline the officer sees a count, not the contents.
    sign_in(officer)
    page.goto(procurement.get_absolute_url())
    expect(page.locator(".govuk-warning-text")).to_contain_text("Tenders are sealed until the deadline")
    expect(page.locator("main")).to_contain_text("2 tenders submitted so far")
    expect(page.locator("main")).not_to_contain_text("Acme")

    # The deadline passes.
    Procurement.objects.filter(pk=procurement.pk).update(tender_deadline=timezone.now() - datetime.timedelta(1))
    page.reload()
    page.get_by_role("button", name="Open tenders").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Tenders opened")
    page.get_by_role("link", name="Tenders, scores and ranking").click()
    axe("tender ranking")
    for supplier, quality, sv in (("Acme Services Ltd", "80", "90"), ("Bolt Community CIC", "70", "60")):
        page.get_by_role("link", name=supplier).click()
        page.get_by_label("Quality score (0 to 100)", exact=True).fill(quality)
        page.get_by_label("Social value method statement score (0 to 100)", exact=True).fill(sv)
        page.get_by_role("button", name="Save your scores").click()
        axe("evaluate a tender")
        page.get_by_label("Agreed quality score (0 to 100)").fill(quality)
        page.get_by_label("Agreed social value method statement score (0 to 100)").fill(sv)
        page.get_by_role("button", name="Save agreed scores").click()
    # Acme: price 200000/240000×60 = 50.00, quality 24.00, SV calc 5.00, SV method 4.50: 83.50
    # Bolt: price 60.00, quality 21.00, SV calc 1000/7000×5 = 0.71, SV method 3.00: 84.71
    rows = page.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Bolt Community CIC")
    expect(rows.nth(0)).to_contain_text("84.71")
    expect(rows.nth(1)).to_contain_text("83.50")
    expect(page.locator("main")).to_contain_text("lowest price ÷ this price × price weight")

    page.get_by_role("link", name="Award the contract").click()
    page.get_by_label("Acme Services Ltd").check()
    page.get_by_label("Reason for the award").fill("Best social value for residents; moderated scores close.")
    page.get_by_label("Contract start date").fill("2027-04-01")
    page.get_by_label("Contract end date").fill("2029-03-31")
    axe("award form")
    page.get_by_role("button", name="Award the contract").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Contract awarded")
    page.get_by_role("link", name="Read the award notice").click()
    notice = page.locator("main")
    expect(notice).to_contain_text("Acme Services Ltd")
    expect(notice).to_contain_text("Bolt Community CIC")
    expect(notice).to_contain_text("83.50")
    expect(notice).to_contain_text("84.71")
    expect(notice).to_contain_text("£5,000.00")  # the winner's commitment of 2 × £2,500
    axe("award notice")
    contract = Contract.objects.get()
    assert contract.kpis.count() == 2
