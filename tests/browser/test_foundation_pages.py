"""A newcomer signs in and reads their council's policy; an admin edits it; axe finds nothing.

Real Chromium (Debian's) through Playwright, against the live server; each main page is scanned
with axe-core for WCAG 2.2 A and AA, and no violation is allowed.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from socialvalue.models import Council, Role, Theme
from socialvalue.tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coventry(db):
    call_command("seed_policies", verbosity=0)
    return Council.objects.get(slug="coventry")


def test_sign_in_page_is_accessible(page, axe):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    axe("sign in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe("sign in with errors")


def test_officer_signs_in_and_reads_the_coventry_policy(page, sign_in, axe, coventry):
    officer = member(coventry, Role.PROCUREMENT_OFFICER, "officer@coventry.example")
    sign_in(officer)
    expect(page).to_have_title(re.compile("Dashboard – Social value – Coventry City Council"))
    axe("dashboard")
    page.get_by_role("link", name="Policy", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Economic")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Social")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Environmental")).to_be_visible()
    assert page.locator(".app-policy-outcome").count() == 15
    assert page.locator(".app-policy-outcome li").count() == 57
    axe("policy")
    page.get_by_role("link", name="Council settings").click()
    axe("council settings")


def test_admin_fixes_a_bad_edit_after_reading_the_error(page, sign_in, axe, coventry):
    admin = member(coventry, Role.COUNCIL_ADMIN, "admin@coventry.example")
    sign_in(admin)
    page.goto(f"/councils/{coventry.slug}/policy/")
    axe("policy with edit controls")
    page.get_by_role("link", name="Change theme Economic").click()
    page.get_by_label("Theme name").fill("")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("This field is required.")
    expect(summary).to_be_focused()
    axe("edit form with errors")
    assert Theme.objects.filter(policy__council=coventry, name="Economic").exists()
    page.get_by_label("Theme name").fill("Economy")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Theme saved.")
    expect(page.get_by_role("heading", level=2, name="Economy")).to_be_visible()

    page.get_by_role("link", name="Council settings").click()
    page.get_by_role("link", name="Change settings").click()
    axe("council settings form")
    page.get_by_label("Minimum social value weighting (%)").fill("lots")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number.")
    axe("council settings form with errors")

    page.get_by_role("link", name="Change history").click()
    expect(page.locator("table")).to_contain_text("admin@coventry.example")
    axe("change history")


def test_supplier_is_refused_council_pages(page, sign_in, coventry, supplier_user):
    sign_in(supplier_user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation")
    page.goto(f"/councils/{coventry.slug}/policy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_the_axe_check_fails_on_an_inaccessible_page(page, axe):
    """The accessibility check itself can fail: an image without alt text and an unlabelled input."""
    page.goto("/accounts/login/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<img src="/static/images/favicon.svg"><input type="text">\')'
    )
    with pytest.raises(AssertionError, match="image-alt"):
        axe("broken page")
