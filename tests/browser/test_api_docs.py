"""The API documentation (Swagger UI) works in a real browser under our CSP, with nothing external."""

import pytest
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from api.tests.factories import awarded_procurement, supplier_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def strict_page(browser, live_server, settings):
    """A page that enforces the CSP (the shared ``page`` fixture bypasses it to inject axe)."""
    settings.DEBUG = False
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_swagger_ui_renders_and_calls_the_api_under_csp_with_no_outside_request(
    strict_page, live_server, council, officer, supplier_user
):
    award = awarded_procurement(council=council, officer=officer, supplier=supplier_of(supplier_user))
    key = Token.objects.create(user=officer).key
    page = strict_page
    problems, outside = [], []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: r.url.startswith((live_server.url, "data:")) or outside.append(r.url))

    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name="Social value API")).to_be_visible()
    expect(page.locator("#operations-Contracts-contracts_list")).to_be_visible()

    # Authorise with a token and try an operation, as an integrator would.
    page.get_by_role("button", name="Authorize").click()
    token_auth = page.locator(".dialog-ux .auth-container", has_text="tokenAuth")
    token_auth.locator("input").fill(f"Token {key}")
    token_auth.locator("button.authorize").click()
    expect(token_auth.locator("button.authorize")).to_have_count(0)  # now shows "Logout": authorised
    page.locator(".dialog-ux button.btn-done").first.click()
    page.locator("#operations-Awards-awards_list").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(page.locator(".live-responses-table")).to_contain_text(f'"id": {award.pk}')

    assert not outside, f"requests outside our origin: {outside}"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
