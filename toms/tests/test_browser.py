"""A council admin, as a new user would: imports a spreadsheet, reads the error, fixes the bad
row, imports again, builds a calculator and uses it, in real Chromium, with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADING = "code,name,unit,year,proxy_value,outcome,guidance,type,local_only,source"
GOOD_ROW = "EC1,Local people employed,FTE years,2025,23809.50,More local people in work,,,yes,NLW × 37.5 × 52"
BAD_ROW = "EC2,Apprenticeship weeks,weeks,2025,-283.13,More local people in work,,,no,Apprentice rate × 37.5"


def test_a_council_admin_imports_fixes_a_bad_row_and_builds_a_calculator(
    page, sign_in, axe, council, council_admin, tmp_path
):
    sign_in(council_admin)
    page.get_by_role("link", name="Measures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measure library")
    axe("measure library (empty)")

    page.get_by_role("link", name="Import measures").click()
    bad = tmp_path / "library.csv"
    bad.write_text(f"{HEADING}\n{GOOD_ROW}\n{BAD_ROW}\n", encoding="utf-8")
    page.get_by_label("Upload a file").set_input_files(bad)
    page.get_by_role("button", name="Import measures").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Row 3, column proxy_value: the proxy value must be £0 or more, not -283.13")
    expect(page).to_have_title(re.compile(r"^Error: Import measures"))
    axe("import page with errors")

    fixed = tmp_path / "library-fixed.csv"
    fixed.write_text(f"{HEADING}\n{GOOD_ROW}\n{BAD_ROW.replace('-283.13', '283.13')}\n", encoding="utf-8")
    page.get_by_label("Upload a file").set_input_files(fixed)
    page.get_by_role("button", name="Import measures").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Measures: 2 added, 0 changed. Proxy values: 2 added, 0 changed."
    )
    expect(page.get_by_role("table")).to_contain_text("Apprenticeship weeks")
    axe("measure library")

    page.get_by_role("link", name="Calculators").click()
    page.get_by_role("link", name="Create a calculator").click()
    page.get_by_label("Calculator name").fill("Works contracts")
    page.get_by_label("Works").check()
    page.get_by_label("EC1 – Local people employed (FTE years)").check()
    page.get_by_label("EC2 – Apprenticeship weeks (weeks)").check()
    axe("calculator edit")
    page.get_by_role("button", name="Save calculator").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Works contracts")
    page.get_by_label("EC1 Local people employed").fill("2")
    page.get_by_label("EC2 Apprenticeship weeks").fill("3")
    page.get_by_label("Contract value (optional)").fill("1000000")
    # Updated as you type, by the server's engine: 47,619.00 + 849.39 = 48,468.39.
    expect(page.locator("#calculation-total")).to_have_text("£48,468.39")
    expect(page.locator("#calculation-percent")).to_contain_text("4.8% of the contract value")
    axe("live calculator")

    # The same result without the script, by submitting the form.
    page.get_by_role("button", name="Calculate").click()
    expect(page.locator("#calculation-total")).to_have_text("£48,468.39")


def test_the_calculator_edit_page_shows_errors_accessibly(page, sign_in, axe, council, council_admin):
    sign_in(council_admin)
    page.goto(f"/councils/{council.slug}/calculators/add/")
    page.get_by_role("button", name="Save calculator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the calculator")
    axe("calculator edit with errors")


def test_the_measure_page_calculator_list_and_a_failed_import_job_are_accessible(
    page, sign_in, axe, council, council_admin
):
    from toms.models import ImportJob
    from toms.tests.factories import CalculatorFactory, MeasureFactory

    measure = MeasureFactory(council=council, code="EC1", values={2024: "11.44", 2025: "12.21"})
    CalculatorFactory(council=council, name="Goods", measures=[measure])
    job = ImportJob.objects.create(
        council=council,
        filename="big.csv",
        status=ImportJob.Status.FAILED,
        problems=["Row 7501, column proxy_value: the proxy value must be £0 or more, not -1"],
    )
    sign_in(council_admin)
    page.goto(f"/councils/{council.slug}/measures/{measure.pk}/")
    expect(page.get_by_role("table")).to_contain_text("2024/25")
    axe("measure page")
    page.get_by_role("link", name="Change this measure").click()
    page.get_by_label("More local people in work").check()
    axe("measure edit")
    page.get_by_role("button", name="Save measure").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Measure EC1 saved.")
    page.get_by_role("link", name="Add a proxy value for a year").click()
    page.get_by_label("Financial year").fill("2026")
    page.get_by_label("Proxy value (£ per unit)").fill("abc")
    page.get_by_role("button", name="Save proxy value").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the proxy value as a number")
    axe("proxy value form with errors")
    page.goto(f"/councils/{council.slug}/calculators/")
    axe("calculator list")
    page.goto(f"/councils/{council.slug}/measures/import/{job.pk}/")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Row 7501, column proxy_value")
    axe("failed import job")


def test_a_running_import_shows_its_progress_accessibly(page, sign_in, axe, council, council_admin):
    from toms.models import ImportJob

    job = ImportJob.objects.create(
        council=council, filename="big.csv", status=ImportJob.Status.RUNNING, total_rows=10_000, rows_checked=2_500
    )
    sign_in(council_admin)
    page.goto(f"/councils/{council.slug}/measures/import/{job.pk}/")
    expect(page.get_by_label("Progress")).to_have_attribute("value", "22")
    axe("running import job")
    # The page polls the job's status and reloads when it finishes.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SUCCEEDED, summary="Measures: 1 added.")
    expect(page.get_by_text("Import complete")).to_be_visible()
