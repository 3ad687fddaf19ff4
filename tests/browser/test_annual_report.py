"""A cabinet member opens the published report, reads a chart and its table, and downloads the PDF."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from reporting.models import AnnualReport
from reporting.tests.test_reports import year_data  # noqa: F401 — the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_builds_and_publishes_and_a_cabinet_member_reads_it(
    page,
    sign_in,
    axe,
    council,
    officer,
    cabinet_member,
    year_data,  # noqa: F811
):
    sign_in(officer)
    page.get_by_role("link", name="Annual reports").click()
    axe("annual reports list")
    page.get_by_label("Financial year").select_option(label="2025/26")
    page.get_by_role("button", name="Build the report").click()
    # Eager in the embedded default: the build has finished by the time the page loads; with a
    # worker the progress page polls until it has.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social value annual report 2025/26")
    axe("report (officer)")
    page.get_by_role("button", name="Publish for cabinet members").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Published")
    page.get_by_role("button", name="Sign out").click()

    sign_in(cabinet_member)
    page.get_by_role("link", name="Annual reports").click()
    page.get_by_role("link", name=re.compile("Read the latest published report")).click()
    expect(page.locator(".app-headline").first).to_contain_text("£15,000.00")
    chart = page.get_by_role("img", name="Social value committed by theme")
    expect(chart).to_be_visible()
    table = page.locator("table", has=page.locator("caption", has_text="Social value committed by theme: the figures"))
    expect(table).to_contain_text("Economic")
    expect(table).to_contain_text("£12,000.00")
    axe("published report (cabinet member)")
    page.get_by_role("link", name="Economic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Economic")
    axe("theme drill-down")
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    report = AnnualReport.objects.get()
    assert "£15,000.00" in text and "£12,000.00" in text and "36.4%" in text
    assert report.published_at is not None
