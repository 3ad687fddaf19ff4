"""A supplier reports a quarter with a PDF; the manager rejects a line; the supplier corrects it; the
figures and RAG move on the dashboard and the contract page. Real Chromium, axe on every page."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from procurement.models import ContractSource
from procurement.tests.factories import ContractFactory, KpiFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def contract(council, contract_manager, supplier_user):
    """Three years, one in: a third of each target is expected by now (£2,000 of £6,000)."""
    start = timezone.localdate() - datetime.timedelta(days=365)
    contract = ContractFactory(
        council=council,
        supplier=supplier_user.supplier_memberships.get().supplier,
        contract_manager=contract_manager,
        reference="CCC-HW-001",
        title="Highways maintenance",
        start_date=start,
        end_date=start + datetime.timedelta(days=3 * 365),
        source=ContractSource.AWARD,
    )
    KpiFactory(contract=contract, name="Apprenticeship weeks", target_quantity=Decimal("300"), proxy_value=10)
    KpiFactory(contract=contract, name="Local people employed", unit="people", target_quantity=30, proxy_value=100)
    return contract


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_quarterly_return_is_submitted_rejected_corrected_and_counted(
    page, sign_in, axe, tmp_path, contract, contract_manager, supplier_user
):
    evidence = tmp_path / "payroll-q1.pdf"
    evidence.write_bytes(PDF)

    # The supplier's home says what is due; "Your contracts" lists it too; they report the quarter,
    # with a PDF as evidence.
    sign_in(supplier_user)
    page.get_by_role("link", name="Your organisation", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="What needs doing")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Return 1:"))).to_be_visible()
    axe("supplier home with a return due")
    page.get_by_role("link", name="Your contracts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your contracts")
    page.get_by_role("link", name=re.compile("^Return 1:")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Return 1:")
    axe("supplier return")
    page.get_by_label("Quantity delivered for Apprenticeship weeks").fill("100")
    page.get_by_label("Quantity delivered for Local people employed").fill("1")
    page.get_by_label("Add evidence (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Return submitted")
    _sign_out(page)

    # The manager sees it waiting, accepts one line and rejects the other with a reason.
    sign_in(contract_manager)
    page.get_by_role("link", name="Needing attention").click()
    expect(page.get_by_role("heading", level=2, name="Returns to verify (1)")).to_be_visible()
    axe("dashboard with a return to verify")
    page.get_by_role("link", name="CCC-HW-001: Highways maintenance").first.click()
    axe("contract page before verification")
    page.get_by_role("link", name="Verify return 1").click()
    expect(page.get_by_role("link", name="payroll-q1.pdf")).to_be_visible()
    axe("verification page")
    page.get_by_role("group", name=re.compile("for Apprenticeship weeks")).get_by_label("Accept", exact=True).check()
    jobs = page.get_by_role("group", name=re.compile("for Local people employed"))
    reason = jobs.get_by_label("Reason for rejecting")
    expect(reason).to_be_hidden()  # revealed only when Reject is chosen
    jobs.get_by_label("Reject", exact=True).check()
    expect(reason).to_be_visible()
    axe("verification page with the reason revealed")
    reason.fill("The payroll extract shows 10 people, not 1")
    page.get_by_role("button", name="Save decisions").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("correct the rejected lines")
    expect(page.locator("#delivered-value")).to_contain_text("£1,000.00")
    expect(page.locator("#contract-rag")).to_contain_text("Failing")  # £1,000 of £2,000 expected
    page.get_by_role("link", name="Needing attention").click()
    expect(page.get_by_role("heading", level=2, name="At risk or failing (1)")).to_be_visible()
    _sign_out(page)

    # The supplier reads the reason and corrects the line.
    sign_in(supplier_user)
    page.get_by_role("link", name="Your contracts", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("correct 1 return")
    page.get_by_role("link", name="CCC-HW-001: return 1").click()
    expect(page.get_by_text("The payroll extract shows 10 people, not 1")).to_be_visible()
    expect(page.get_by_label("Quantity delivered for Apprenticeship weeks")).to_have_count(0)  # accepted: locked
    axe("return to correct")
    page.get_by_label("Quantity delivered for Local people employed").fill("10")
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Return submitted")
    _sign_out(page)

    # The manager accepts the correction; the figures and RAG move.
    sign_in(contract_manager)
    page.goto(contract.get_absolute_url())
    page.get_by_role("link", name="Verify return 1").click()
    page.get_by_role("group", name=re.compile("for Local people employed")).get_by_label("Accept", exact=True).check()
    page.get_by_role("button", name="Save decisions").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Return verified")
    expect(page.locator("#delivered-value")).to_contain_text("£2,000.00 (33.3% of committed)")
    expect(page.locator("#contract-rag")).to_contain_text("On track")
    expect(page.locator(".app-kpi").nth(1)).to_contain_text("10 people (£1,000.00)")
    axe("contract page after verification")
    page.get_by_role("link", name="Needing attention").click()
    expect(page.get_by_role("heading", level=2, name="At risk or failing (0)")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Returns to verify (0)")).to_be_visible()
    axe("dashboard after verification")


SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "ocds" / "contracts-finder-samples"


def test_officer_enters_and_imports_contracts_and_supplier_uploads_a_csv(
    page, sign_in, axe, tmp_path, council, officer, contract_manager, supplier_user
):
    sign_in(officer)
    page.get_by_role("link", name="Contracts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")
    axe("contract register")

    page.get_by_role("link", name="Enter an existing contract").click()
    page.get_by_role("button", name="Add contract").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe("contract form with errors")
    page.get_by_label("Reference").fill("CCC-2022-007")
    page.get_by_label("Title").fill("Parks grounds maintenance")
    page.get_by_label("Supplier", exact=True).select_option(label="Acme Builders Ltd")
    page.get_by_label("Contract value (£)").fill("5500000")
    start = timezone.localdate() - datetime.timedelta(days=200)
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill((start + datetime.timedelta(days=1000)).isoformat())
    page.get_by_label("Contract manager").select_option(label=contract_manager.get_full_name())
    page.get_by_role("button", name="Add contract").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parks grounds maintenance")
    expect(page.locator("#kpi-warning")).to_contain_text("Add 3 more")
    axe("entered contract with the s.52 warning")

    page.get_by_role("link", name="Add a KPI").click()
    page.get_by_label("What the supplier must deliver").fill("Tonnes of green waste composted")
    page.get_by_label("Unit", exact=True).fill("tonnes")
    page.get_by_label("Target over the whole contract").fill("120")
    page.get_by_role("button", name="Add KPI").click()
    expect(page.locator("#kpi-warning")).to_contain_text("Add 2 more")

    page.get_by_role("link", name="Contracts", exact=True).click()
    page.get_by_role("link", name="Import from Contracts Finder").click()
    axe("import page")
    files = sorted(SAMPLES.glob("*.json"))[:3]
    page.get_by_label("Release package files (JSON)").set_input_files([str(f) for f in files])
    page.get_by_role("button", name="Import contracts").click()
    expect(page.get_by_role("heading", name="What happened to each release")).to_be_visible()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("3 releases read")
    axe("import report")
    _sign_out(page)

    sign_in(supplier_user)
    page.get_by_role("link", name="Your contracts", exact=True).click()
    axe("supplier contracts")
    page.get_by_role("link", name="CCC-2022-007").click()
    axe("supplier contract page")
    page.get_by_role("link", name=re.compile("^Return 1:")).click()
    page.get_by_role("link", name="Upload the whole return as a CSV file instead").click()
    axe("CSV upload page")
    bad = tmp_path / "return.csv"
    bad.write_text("kpi,quantity,comment\n1,lots,\n")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Row 2, column quantity")
    axe("CSV upload with errors")
    bad.write_text("kpi,quantity,comment\n1,14,Composted at Whitley depot\n")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload return").click()
    expect(page.get_by_label("Quantity delivered for Tonnes of green waste composted")).to_have_value("14")
