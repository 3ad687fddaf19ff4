"""Importing awarded contracts from Contracts Finder's OCDS release packages into a council's register."""

import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from procurement import ocds_import
from procurement.contract_services import contracts_import_ocds
from procurement.models import Contract, ContractSource
from reporting.models import SpendRow
from suppliers.models import Supplier

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLES = SHARED / "ocds" / "contracts-finder-samples"

pytestmark = pytest.mark.django_db


def _release(ocid="ocds-test-1", **overrides):
    release = {
        "ocid": ocid,
        "id": f"{ocid}-award",
        "date": "2024-05-01T00:00:00Z",
        "tag": ["award"],
        "buyer": {"name": "Coventry City Council"},
        "tender": {"title": "Street lighting maintenance"},
        "parties": [
            {
                "id": "s1",
                "name": "Bright Lights Ltd",
                "roles": ["supplier"],
                "identifier": {"scheme": "GB-COH", "id": "1234567"},
                "address": {"postalCode": "cv1 2ab"},
                "sme": True,
                "vco": False,
            }
        ],
        "awards": [
            {
                "id": "a1",
                "status": "active",
                "date": "2024-04-20",
                "value": {"amount": 250000, "currency": "GBP"},
                "suppliers": [{"id": "s1", "name": "Bright Lights Ltd"}],
                "contractPeriod": {"startDate": "2024-06-01", "endDate": "2027-05-31"},
            }
        ],
    }
    release.update(overrides)
    return {"releases": [release]}


def test_all_100_samples_are_imported_or_skipped_with_a_reason(council):
    report = ocds_import.read_files([SAMPLES])
    outcome = contracts_import_ocds(council=council, report=report)
    assert len(outcome.rows) == 100  # every release accounted for
    assert (outcome.created, outcome.updated, outcome.skipped) == (94, 0, 6)
    assert {row.detail for row in outcome.rows if row.outcome == "skipped"} == {"Contract value is zero or negative"}
    assert Contract.objects.filter(council=council, source=ContractSource.OCDS).count() == 94
    contract = Contract.objects.get(ocid="ocds-b5fd17raw-02d2b5b1-e148-4965-92bc-d72dd5f3f6f2")
    assert contract.title == "All Age Carers Service"
    assert contract.value == Decimal("5806276")
    assert (contract.start_date, contract.end_date) == (datetime.date(2020, 8, 1), datetime.date(2023, 7, 31))
    assert contract.ocds_buyer_name == "Peterborough City Council"
    assert contract.supplier.name == "Making Space"
    assert (contract.supplier_is_sme, contract.supplier_is_vcse, contract.supplier_postcode) == (
        False,
        False,
        "WA2 7JB",
    )
    assert [s["name"] for s in contract.ocds_suppliers][1] == "Caring Together Charity"


def test_importing_again_updates_and_creates_nothing(council):
    report = ocds_import.read_files([SAMPLES])
    contracts_import_ocds(council=council, report=report)
    suppliers = Supplier.objects.count()
    again = contracts_import_ocds(council=council, report=ocds_import.read_files([SAMPLES]))
    assert (again.created, again.updated, again.skipped) == (0, 94, 6)
    assert Contract.objects.filter(council=council).count() == 94
    assert Supplier.objects.count() == suppliers


def test_a_reimport_keeps_what_the_council_added(council, contract_manager):
    contracts_import_ocds(council=council, report=ocds_import.read_package(_release()))
    contract = Contract.objects.get(ocid="ocds-test-1")
    contract.contract_manager = contract_manager
    contract.save()
    changed = _release(tender={"title": "Street lighting maintenance and repair"})
    contracts_import_ocds(council=council, report=ocds_import.read_package(changed))
    contract.refresh_from_db()
    assert contract.title == "Street lighting maintenance and repair"
    assert contract.contract_manager == contract_manager


def test_supplier_is_found_by_identifier_then_name_else_created(council):
    existing = Supplier.objects.create(name="bright lights ltd")
    contracts_import_ocds(council=council, report=ocds_import.read_package(_release()))
    contract = Contract.objects.get(ocid="ocds-test-1")
    assert contract.supplier == existing  # exact name, ignoring case
    assert contract.supplier_identifier == "GB-COH-01234567"
    renamed = _release("ocds-test-2")
    renamed["releases"][0]["parties"][0]["name"] = "Bright Lights (Midlands) Ltd"
    contracts_import_ocds(council=council, report=ocds_import.read_package(renamed))
    assert Contract.objects.get(ocid="ocds-test-2").supplier == existing  # same Companies House number
    other = _release("ocds-test-3")
    other["releases"][0]["parties"][0].update(name="Dim Bulbs plc", identifier={})
    contracts_import_ocds(council=council, report=ocds_import.read_package(other))
    assert Contract.objects.get(ocid="ocds-test-3").supplier.name == "Dim Bulbs plc"


def test_a_supplier_first_met_in_an_award_keeps_its_number_postcode_and_vcse_flag(council, officer):
    """So its payments match by number and count as local or VCSE spend in the annual report."""
    from reporting import services as reporting_services

    release = _release()
    release["releases"][0]["parties"][0].update(vco=True)
    contracts_import_ocds(council=council, report=ocds_import.read_package(release))
    supplier = Contract.objects.get(ocid="ocds-test-1").supplier
    assert (supplier.companies_house_number, supplier.postcode, supplier.postcode_area, supplier.is_vcse) == (
        "01234567",
        "CV1 2AB",
        "CV",
        True,
    )
    assert supplier.size_class == ""  # "SME" alone says neither micro, small nor medium
    content = (
        b"Body,Date,Transaction Number,Amount,Supplier Name,Companies House Number\n"
        b"Coventry City Council,01/05/2025,T1,900,BRIGHT LIGHTS LIMITED (TRADING),1234567\n"
    )
    spend_file, problems, _ = reporting_services.spend_import(
        council=council, content=content, filename="spend.csv", by=officer
    )
    assert not problems and spend_file.rows == 1
    row = SpendRow.objects.get(transaction_number="T1")
    assert (row.supplier, row.match) == (supplier, SpendRow.Match.NUMBER)


def test_an_unusable_number_or_postcode_in_an_award_is_left_out_not_refused(council):
    release = _release()
    release["releases"][0]["parties"][0].update(identifier={"scheme": "GB-COH", "id": "not-a-number"})
    release["releases"][0]["parties"][0]["address"] = {"postalCode": "NOWHERE"}
    contracts_import_ocds(council=council, report=ocds_import.read_package(release))
    supplier = Contract.objects.get(ocid="ocds-test-1").supplier
    assert (supplier.companies_house_number, supplier.postcode, supplier.is_vcse) == ("", "", False)


def test_missing_dates_use_the_award_date_or_skip_with_a_reason(council):
    no_start = _release("ocds-no-start")
    no_start["releases"][0]["awards"][0]["contractPeriod"] = {"endDate": "2026-04-19"}
    no_end = _release("ocds-no-end")
    no_end["releases"][0]["awards"][0]["contractPeriod"] = {"startDate": "2024-06-01"}
    backwards = _release("ocds-backwards")
    backwards["releases"][0]["awards"][0]["contractPeriod"] = {"startDate": "2024-06-01", "endDate": "2023-01-01"}
    outcome = contracts_import_ocds(
        council=council,
        report=ocds_import.read_package({"releases": [r["releases"][0] for r in (no_start, no_end, backwards)]}),
    )
    assert Contract.objects.get(ocid="ocds-no-start").start_date == datetime.date(2024, 4, 20)
    reasons = {row.ocid: row.detail for row in outcome.rows if row.outcome == "skipped"}
    assert reasons == {
        "ocds-no-end": "No contract end date, so returns cannot be scheduled: enter the contract by hand",
        "ocds-backwards": "Contract ends (1 January 2023) before it starts (1 June 2024)",
    }


def test_the_command_reports_every_skipped_release_and_the_counts(council):
    out = StringIO()
    call_command("import_contracts_ocds", "--council", council.slug, str(SAMPLES), stdout=out)
    text = out.getvalue()
    assert "100 releases read, 94 contracts created, 0 updated, 6 skipped" in text
    assert text.count("skipped  ocds-") == 6


def test_an_officer_uploads_packages_and_sees_each_release_reported(client, council, officer):
    client.force_login(officer)
    files = [
        SimpleUploadedFile("award.json", json.dumps(_release()).encode(), content_type="application/json"),
        SimpleUploadedFile("broken.json", b"{not json", content_type="application/json"),
    ]
    response = client.post(reverse("contract_import", kwargs={"council": council.slug}), {"files": files})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 releases read, 1 contracts created, 0 updated, 1 skipped" in page
    assert "Buyer: Coventry City Council. Supplier: Bright Lights Ltd" in page
    assert "broken.json is not valid JSON" in page
    assert Contract.objects.filter(council=council, ocid="ocds-test-1").exists()
