"""Reading Contracts Finder OCDS release packages into contract records: the real samples, then each messy case."""

import copy
import datetime
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from procurement.ocds_import import (
    ImportedContract,
    ImportedSupplier,
    ImportReport,
    Skipped,
    normalise_postcode,
    postcode_at_end,
    read_files,
    read_package,
)

# In a checkout the shared material sits beside the repository: <repo>/../shared (parents[2] is the repo).
SHARED_BESIDE_REPO = Path(__file__).resolve().parents[2].parent / "shared" / "ocds" / "contracts-finder-samples"
SAMPLES = next(
    (p for p in (SHARED_BESIDE_REPO, Path("/work/shared/ocds/contracts-finder-samples")) if p.is_dir()),
    SHARED_BESIDE_REPO,
)
PREFIX = "ocds-b5fd17raw-"


def _sample_files():
    files = sorted(SAMPLES.glob("*.json"))
    assert len(files) == 100, f"expected the 100 Contracts Finder samples in {SAMPLES}"
    return files


def _raw_release(short_id):
    (path,) = SAMPLES.glob(f"{PREFIX}{short_id}*.json")
    (release,) = json.loads(path.read_text())["releases"]
    return release


@pytest.fixture(scope="module")
def samples_report():
    return read_files(_sample_files())


def _imported(report, short_id):
    (contract,) = [c for c in report.imported if c.ocid.startswith(PREFIX + short_id)]
    return contract


# ---------------------------------------------------------------------------------------------
# The 100 real Contracts Finder packages


def test_the_samples_are_found_beside_the_repository_as_in_ci():
    assert SHARED_BESIDE_REPO.is_dir()
    assert SAMPLES == SHARED_BESIDE_REPO


def test_every_sample_release_is_either_imported_or_skipped(samples_report):
    release_ids = [
        (release["ocid"], release["id"])
        for path in _sample_files()
        for release in json.loads(path.read_text())["releases"]
    ]
    accounted = [(c.ocid, c.release_id) for c in samples_report.imported] + [
        (s.ocid, s.release_id) for s in samples_report.skipped
    ]
    assert len(release_ids) == 100
    assert sorted(accounted) == sorted(release_ids)


def test_sample_counts_are_pinned(samples_report):
    assert len(samples_report.imported) == 94
    assert len(samples_report.skipped) == 6
    assert samples_report.reason_counts() == Counter({"Contract value is zero or negative": 6})
    # Each has an award value of 0 and no positive x_awardValue (checked by hand in the JSON).
    assert sorted(s.ocid.removeprefix(PREFIX)[:8] for s in samples_report.skipped) == [
        "46f35718",
        "65397bb5",
        "86bc974a",
        "b4c638b5",
        "d02d57f2",
        "e206a7d3",
    ]
    assert samples_report.source == "100 files"
    assert samples_report.summary() == (
        "100 files: 100 read, 94 imported, 6 skipped (6 Contract value is zero or negative)"
    )


def test_sample_suppliers_are_pinned(samples_report):
    suppliers = [s for c in samples_report.imported for s in c.suppliers]
    assert len(suppliers) == 749
    assert Counter((s.is_sme, s.is_vcse) for s in suppliers) == {
        (False, False): 447,
        (True, False): 252,
        (True, True): 44,
        (False, True): 6,
    }
    # postalCode is empty for every supplier; 663 postcodes are recovered from the street address.
    assert sum(bool(s.postcode) for s in suppliers) == 663
    assert Counter(s.identifier_scheme for s in suppliers) == {"": 651, "GB-COH": 96, "GB-CQC": 2}
    assert all(len(s.identifier_id) == 8 for s in suppliers if s.identifier_scheme == "GB-COH")


def test_sample_records_are_whole(samples_report):
    assert sum(c.value for c in samples_report.imported) == Decimal("4747109143.07")
    for contract in samples_report.imported:
        assert contract.currency == "GBP"
        assert contract.value > 0
        assert contract.title and contract.buyer_name and contract.suppliers
        assert None not in (contract.start_date, contract.end_date, contract.award_date)
        assert "&amp;" not in contract.title + contract.description
        assert all(s.name and "&amp;" not in s.name for s in contract.suppliers)


def test_each_sample_file_read_alone_gives_the_same_result(samples_report):
    imported, skipped = [], []
    for path in _sample_files():
        report = read_package(path.read_bytes(), source=path.name)
        assert report.source == path.name
        imported += report.imported
        skipped += report.skipped
    assert imported == samples_report.imported
    assert skipped == samples_report.skipped


def test_sme_supplier_with_short_companies_house_numbers_matches_the_raw_json(samples_report):
    raw = _raw_release("7858b596")
    contract = _imported(samples_report, "7858b596")
    assert contract.ocid == raw["ocid"] == "ocds-b5fd17raw-7858b596-6c82-4407-b517-f64fd195b721"
    assert contract.release_id == raw["id"]
    assert contract.buyer_name == raw["buyer"]["name"] == "London Borough of Hillingdon"
    assert contract.title == raw["tender"]["title"] == "Void Property Repair Service Contract 2019"
    assert contract.description.startswith("The London Borough of Hillingdon (Hillingdon) invites expressions")
    # tender.value is 0; the award's 7,900,000 is the contract value.
    assert raw["tender"]["value"]["amount"] == 0
    assert contract.value == Decimal(raw["awards"][0]["value"]["amount"]) == Decimal("7900000")
    assert contract.start_date == datetime.date(2020, 4, 3)
    assert contract.end_date == datetime.date(2025, 4, 2)
    assert contract.award_date == datetime.date(2020, 4, 3)
    assert contract.suppliers == (
        # identifier "1181590", streetAddress "UNIT 2-3, 29 FOURTH WAY, WEMBLEY, HA9 0LH", sme true, vco false
        ImportedSupplier("Greyline Builders Ltd", "GB-COH", "01181590", "HA9 0LH", is_sme=True, is_vcse=False),
        ImportedSupplier("PILON LTD", "GB-COH", "05175644", "RG12 1LP", is_sme=True, is_vcse=False),
    )


def test_empty_postal_codes_and_an_entity_in_the_title_match_the_raw_json(samples_report):
    raw = _raw_release("265ddbb1")
    contract = _imported(samples_report, "265ddbb1")
    assert raw["tender"]["title"] == "005600 NEPO Health &amp; Social Care"
    assert contract.title == "005600 NEPO Health & Social Care"
    assert contract.buyer_name == "South Tyneside Council"
    assert contract.description == "Awarded to One Step Care"
    # The award value wins over the supplier's x_awardValue of 165,724.
    assert raw["parties"][2]["x_awardValue"]["amount"] == 165724
    assert contract.value == Decimal("161200")
    # The award's contract period (2020-04-01 to 2021-04-01) wins over the tender's (2020-05-18 to 2022-04-01).
    assert (contract.start_date, contract.end_date) == (datetime.date(2020, 4, 1), datetime.date(2021, 4, 1))
    assert contract.award_date == datetime.date(2020, 4, 1)
    assert [p["address"]["postalCode"] for p in raw["parties"][1:]] == ["", ""]
    assert contract.suppliers == (
        # streetAddress is just "Heaton": no postcode to find.
        ImportedSupplier("One Step", "", "", "", is_sme=False, is_vcse=False),
        # streetAddress ends "Newcasdtle Upon Tyne, \r\nNE6 5AA".
        ImportedSupplier("One Step Care", "GB-COH", "10157134", "NE6 5AA", is_sme=True, is_vcse=False),
    )


def test_escaped_quotes_in_a_title_match_the_raw_json(samples_report):
    raw = _raw_release("7b8f13f5")
    contract = _imported(samples_report, "7b8f13f5")
    assert raw["tender"]["title"] == "Spray Injection Patching &amp; Heated &quot;In Situ&quot; Road Repairs"
    assert contract.title == 'Spray Injection Patching & Heated "In Situ" Road Repairs'
    assert contract.description == contract.title  # the raw description is the title plus "\r\n"
    assert contract.buyer_name == "Lancashire County Council"
    assert contract.value == Decimal("2000000")
    assert (contract.start_date, contract.end_date) == (datetime.date(2020, 4, 1), datetime.date(2024, 3, 31))
    assert contract.award_date == datetime.date(2020, 3, 20)
    assert [(s.name, s.postcode) for s in contract.suppliers] == [
        ("Archway Roadmaster UK Ltd", "M2 2AN"),
        ("Eurovia Infrastructure Ltd", "RH12 2RW"),
        ("NuPhalt Contracting Ltd", "EH54 8AS"),
        ("Velocity UK Ltd", "SR1 2NL"),
    ]


def test_double_escaped_supplier_names_are_unescaped(samples_report):
    names = {s.name for c in samples_report.imported for s in c.suppliers}
    # Raw: "GEN II Engineering &amp;amp; Technology Training Ltd (Gen2)".
    assert "GEN II Engineering & Technology Training Ltd (Gen2)" in names
    assert "St Christopher's Fellowship" in names


# ---------------------------------------------------------------------------------------------
# Hand-written packages, one messy case each


def _release(**changes):
    release = {
        "ocid": "ocds-test-1",
        "id": "ocds-test-1-award",
        "date": "2024-05-01T00:00:00Z",
        "tag": ["award"],
        "buyer": {"id": "B", "name": "North East Lincolnshire Council"},
        "parties": [
            {"id": "B", "roles": ["buyer"], "name": "North East Lincolnshire Council"},
            {
                "id": "S1",
                "roles": ["supplier"],
                "name": "Humber Builders Ltd",
                "identifier": {"scheme": "GB-COH", "id": "01234567"},
                "address": {"streetAddress": "1 Dock Street", "postalCode": "dn31 1hu"},
                "sme": True,
                "vco": False,
            },
        ],
        "tender": {
            "title": "Resurfacing",
            "description": "Roads",
            "contractPeriod": {"startDate": "2024-06-01T00:00:00Z", "endDate": "2026-05-31T00:00:00Z"},
        },
        "awards": [
            {
                "id": "A1",
                "status": "active",
                "date": "2024-04-20T00:00:00Z",
                "value": {"amount": 250000, "currency": "GBP"},
                "suppliers": [{"id": "S1", "name": "Humber Builders Ltd"}],
            }
        ],
    }
    release.update(changes)
    return release


def _package(*releases):
    return {"version": "1.1", "releases": list(releases) or [_release()]}


def _one(release) -> ImportedContract | Skipped:
    report = read_package(_package(release))
    (result,) = report.imported + report.skipped
    return result


def _with(path, value, release=None):
    """A copy of the release with the value at a dotted path ("awards.0.value.amount") replaced."""
    release = copy.deepcopy(release or _release())
    *parents, last = path.split(".")
    target = release
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return release


def test_a_well_formed_award_is_imported_whole():
    assert _one(_release()) == ImportedContract(
        ocid="ocds-test-1",
        release_id="ocds-test-1-award",
        buyer_name="North East Lincolnshire Council",
        title="Resurfacing",
        description="Roads",
        value=Decimal("250000"),
        currency="GBP",
        start_date=datetime.date(2024, 6, 1),
        end_date=datetime.date(2026, 5, 31),
        award_date=datetime.date(2024, 4, 20),
        suppliers=(ImportedSupplier("Humber Builders Ltd", "GB-COH", "01234567", "DN31 1HU", True, False),),
    )


def test_a_null_value_is_skipped():
    assert _one(_with("awards.0.value.amount", None)).reason == "No contract value"
    assert _one(_with("awards.0.value", None)).reason == "No contract value"


def test_a_null_award_value_falls_back_to_the_suppliers_x_award_values():
    release = _with("awards.0.value.amount", None)
    release["parties"].append({"id": "S2", "roles": ["supplier"], "name": "Grimsby Paving", "x_awardValue": {}})
    release["awards"][0]["suppliers"].append({"id": "S2"})
    release["parties"][1]["x_awardValue"] = {"amount": "1000.50", "currency": "GBP"}
    release["parties"][2]["x_awardValue"] = {"amount": 500, "currency": "GBP"}
    contract = _one(release)
    assert contract.value == Decimal("1500.50")
    assert [s.name for s in contract.suppliers] == ["Humber Builders Ltd", "Grimsby Paving"]


def test_a_contract_value_wins_over_the_award_value():
    release = _release(contracts=[{"id": "C1", "awardID": "A1", "value": {"amount": 240000, "currency": "GBP"}}])
    assert _one(release).value == Decimal("240000")


def test_a_cancelled_contracts_value_is_not_used():
    release = _release(
        contracts=[{"id": "C1", "status": "cancelled", "value": {"amount": 240000, "currency": "GBP"}}],
    )
    assert _one(release).value == Decimal("250000")


def test_the_values_of_several_awards_are_added_and_all_suppliers_kept():
    release = _release()
    release["parties"].append({"id": "S2", "roles": ["supplier"], "name": "Grimsby Paving", "sme": False})
    release["awards"].append(
        {"id": "A2", "status": "pending", "value": {"amount": 1000.25, "currency": "GBP"}, "suppliers": [{"id": "S2"}]}
    )
    release["awards"].append(
        {"id": "A3", "status": "unsuccessful", "value": {"amount": 9, "currency": "GBP"}, "suppliers": [{"id": "S3"}]}
    )
    contract = _one(release)
    assert contract.value == Decimal("251000.25")
    assert [(s.name, s.is_sme) for s in contract.suppliers] == [
        ("Humber Builders Ltd", True),
        ("Grimsby Paving", False),
    ]


def test_an_empty_supplier_name_is_dropped_and_with_no_other_supplier_the_release_is_skipped():
    release = _with("parties.1.name", "  ")
    release["awards"][0]["suppliers"][0]["name"] = ""
    assert _one(release) == Skipped("ocds-test-1", "ocds-test-1-award", "No awarded supplier")

    release["parties"].append({"id": "S2", "roles": ["supplier"], "name": "Grimsby Paving"})
    release["awards"][0]["suppliers"].append({"id": "S2", "name": "Grimsby Paving"})
    assert [s.name for s in _one(release).suppliers] == ["Grimsby Paving"]


def test_the_award_references_name_is_used_when_the_party_has_none():
    release = _with("parties.1.name", None)
    assert _one(release).suppliers[0].name == "Humber Builders Ltd"


def test_an_award_with_no_suppliers_is_skipped():
    release = _with("awards.0.suppliers", [])
    release["parties"] = release["parties"][:1]
    assert _one(release).reason == "No awarded supplier"


def test_non_gbp_values_are_skipped_with_the_currency():
    assert _one(_with("awards.0.value.currency", "EUR")).reason == "No contract value in GBP (given in EUR)"
    assert _one(_with("awards.0.value.currency", "")).reason == "No contract value in GBP (given in no currency)"


def test_a_foreign_contract_value_falls_back_to_a_gbp_award_value():
    release = _release(contracts=[{"id": "C1", "value": {"amount": 300000, "currency": "EUR"}}])
    assert _one(release).value == Decimal("250000")


def test_no_parties_still_imports_from_the_buyer_and_award_references():
    contract = _one(_release(parties=None))
    assert contract.buyer_name == "North East Lincolnshire Council"
    assert contract.suppliers == (ImportedSupplier("Humber Builders Ltd", "", "", "", None, None),)


def test_no_parties_and_no_buyer_name_is_skipped():
    assert _one(_release(parties=[], buyer={"id": "B"})).reason == "No buyer name"


def test_the_buyer_name_comes_from_the_buyer_party_when_buyer_has_only_an_id():
    assert _one(_release(buyer={"id": "B", "name": ""})).buyer_name == "North East Lincolnshire Council"


@pytest.mark.parametrize(
    ("amount", "value"),
    [("12500", "12500"), (" 12,500.50 ", "12500.50"), ("£300", "300"), (0.1, "0.1"), (7, "7"), (1e6, "1000000.0")],
)
def test_amounts_are_read_exactly_as_decimals(amount, value):
    assert _one(_with("awards.0.value.amount", amount)).value == Decimal(value)


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        (0, "Contract value is zero or negative"),
        (-5, "Contract value is zero or negative"),
        ("0.00", "Contract value is zero or negative"),
        ("about £5k", "Contract value is not a number"),
        ("NaN", "Contract value is not a number"),
        (True, "Contract value is not a number"),
        ("", "No contract value"),
    ],
)
def test_unusable_amounts_are_skipped_with_a_reason(amount, reason):
    assert _one(_with("awards.0.value.amount", amount)).reason == reason


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        ("2024-06-01", datetime.date(2024, 6, 1)),
        ("2024-06-01T00:00:00Z", datetime.date(2024, 6, 1)),
        ("2024-06-01T23:30:00+01:00", datetime.date(2024, 6, 1)),
        ("2024-06-01T10:00:00.1234567Z", datetime.date(2024, 6, 1)),
        ("2024-06-01 10:00", datetime.date(2024, 6, 1)),
        ("01/06/2024", None),
        ("2024-02-30", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_with_or_without_time_are_read_and_bad_ones_are_none(raw, date):
    release = _with("awards.0.date", raw)
    release["tender"]["contractPeriod"]["startDate"] = raw
    contract = _one(release)
    assert contract.award_date == date
    assert contract.start_date == date


def test_the_contract_period_comes_from_contracts_then_awards_then_the_tender():
    release = _release(contracts=[{"id": "C1", "period": {"startDate": "2024-07-01"}, "dateSigned": "2024-04-25"}])
    release["awards"][0]["contractPeriod"] = {"startDate": "2024-06-15", "endDate": "2025-06-14"}
    contract = _one(release)
    assert contract.start_date == datetime.date(2024, 7, 1)  # the contract's period
    assert contract.end_date == datetime.date(2025, 6, 14)  # the award's contractPeriod, as the contract has no end
    assert contract.award_date == datetime.date(2024, 4, 20)
    del release["awards"][0]["date"]
    assert _one(release).award_date == datetime.date(2024, 4, 25)  # the contract's dateSigned


def test_text_is_unescaped_trimmed_and_empty_strings_are_missing():
    release = _release()
    release["tender"]["title"] = "  "
    release["awards"][0]["title"] = "  Roads &amp;amp; Paths&nbsp; Lot&#160;1 "
    release["tender"]["description"] = "Line one  \r\n   \r\n\r\n\r\n   Line &lt;two&gt;\r\n"
    contract = _one(release)
    assert contract.title == "Roads & Paths Lot 1"
    assert contract.description == "Line one\n\nLine <two>"


def test_no_title_anywhere_is_skipped():
    release = _with("tender.title", None)
    assert _one(release).reason == "No title"


def test_a_tender_release_without_awards_or_suppliers_is_skipped():
    release = _release(tag=["tender"], awards=[], parties=_release()["parties"][:1])
    assert _one(release).reason == "Not an award or contract release (tags: tender)"
    assert _one(_release(tag=None, awards=None, parties=None)).reason == "Not an award or contract release (tags: none)"


def test_a_release_tagged_tender_with_an_active_award_is_imported_as_contracts_finder_does():
    assert isinstance(_one(_release(tag=["tender"])), ImportedContract)


def test_a_cancelled_award_is_skipped():
    assert _one(_with("awards.0.status", "cancelled")).reason == "Award was cancelled, so there is no contract"


def test_a_release_without_an_ocid_is_skipped():
    assert _one(_release(ocid="")) == Skipped("", "ocds-test-1-award", "No OCID")


def test_sme_and_vco_are_none_when_absent_or_not_booleans():
    release = _with("parties.1.sme", None)
    del release["parties"][1]["vco"]
    supplier = _one(release).suppliers[0]
    assert (supplier.is_sme, supplier.is_vcse) == (None, None)
    assert _one(_with("parties.1.vco", "true")).suppliers[0].is_vcse is True


def test_companies_house_numbers_get_their_leading_zeros_back():
    release = _with("parties.1.identifier", {"scheme": "GB-COH", "id": " 123456 "})
    assert _one(release).suppliers[0].identifier_id == "00123456"
    release = _with("parties.1.identifier", {"scheme": "GB-COH", "id": "sc 123456"})
    assert _one(release).suppliers[0].identifier_id == "SC123456"
    release = _with("parties.1.identifier", {"scheme": "GB-CHC", "id": "1234"})
    assert _one(release).suppliers[0].identifier_id == "1234"


@pytest.mark.parametrize(
    ("raw", "postcode"),
    [("dn31 1hu", "DN31 1HU"), ("DN311HU", "DN31 1HU"), (" ec1a  1bb ", "EC1A 1BB"), ("D02 y985", "D02 Y985")],
)
def test_postcodes_are_normalised(raw, postcode):
    assert normalise_postcode(raw) == postcode


@pytest.mark.parametrize(
    ("street_address", "postcode"),
    [
        ("107 GEORGE LANE, LONDON, United Kingdom, E181AN", "E18 1AN"),
        ("Clarendon Street\nCambridge\nCB1 1JX\nUnited Kingdom", "CB1 1JX"),
        ("10 Bressenden Place\nSW1E 5DN\nGB", "SW1E 5DN"),
        ("Woodcote Grove, Ashley Road, Epsom, Surrey, KT185BW UK", "KT18 5BW"),
        ("30 Fenchurch Street, London EC3M 3BD, United Kingdom", "EC3M 3BD"),
        ("APEX HOUSE, 1 ORRELL MOUNT,\r\n\r\nLIVERPOOL, L20-6NS", "L20 6NS"),
        ("Croydon, CR0 2EE, United Kingdom)", "CR0 2EE"),
        ("wn3 4bw", "WN3 4BW"),
        ("08 Dubrae Close, St Albans, Herts, AL3 4JT, St Albans", ""),  # not at the end: not guessed
        ("BD12 ORY", ""),  # letter O for zero
        ("32 Fitzwilliam Place, Dublin 2  D02 Y985", ""),
        ("Via Marino Laziale, 19\nRome\nItaly\n00179", ""),
        (", London", ""),
        ("", ""),
    ],
)
def test_a_postcode_is_taken_only_from_the_end_of_a_street_address(street_address, postcode):
    assert postcode_at_end(street_address) == postcode


def test_postal_code_wins_over_the_street_address():
    release = _with("parties.1.address", {"streetAddress": "1 Dock Street, DN31 1HU", "postalCode": "DN32 0AA"})
    assert _one(release).suppliers[0].postcode == "DN32 0AA"
    release = _with("parties.1.address", {"streetAddress": "1 Dock Street, DN31 1HU", "postalCode": ""})
    assert _one(release).suppliers[0].postcode == "DN31 1HU"


def test_a_release_that_is_not_an_object_is_skipped_and_the_rest_still_read():
    report = read_package(_package(_release(), "oops", None), source="p.json")
    assert len(report.imported) == 1
    assert [s.reason for s in report.skipped] == [
        "Release 2 in p.json is not a JSON object",
        "Release 3 in p.json is not a JSON object",
    ]


def test_read_package_takes_json_text_and_bytes():
    text = json.dumps(_package())
    assert read_package(text).imported == read_package(text.encode()).imported == read_package(_package()).imported
    assert len(read_package("\ufeff" + text).imported) == 1
    assert len(read_package(b"\xef\xbb\xbf" + text.encode()).imported) == 1


def test_read_package_reports_broken_json_instead_of_raising():
    report = read_package("{not json", source="feed.json")
    assert report.imported == []
    (skipped,) = report.skipped
    assert skipped == Skipped(
        "", "", "feed.json is not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)"
    )


def test_read_package_refuses_arguments_that_are_not_data():
    with pytest.raises(TypeError):
        read_package(42)


def test_read_files_reports_broken_and_non_package_files_and_reads_the_rest(tmp_path):
    (tmp_path / "a-good.json").write_text(json.dumps(_package()))
    (tmp_path / "b-broken.json").write_text('{"releases": [')
    (tmp_path / "c-list.json").write_text("[1, 2]")
    (tmp_path / "d-release.json").write_text(json.dumps(_release()))
    (tmp_path / "e-records.json").write_text(json.dumps({"records": []}))
    (tmp_path / "f-latin1.json").write_bytes(b'{"title": "caf\xe9"}')
    (tmp_path / "g-empty.json").write_text("")
    report = read_files([*sorted(tmp_path.iterdir()), tmp_path / "h-missing.json"])
    assert len(report.imported) == 1
    assert [s.reason for s in report.skipped] == [
        "b-broken.json is not valid JSON (Expecting value at line 1 column 15)",
        "c-list.json is not a release package (it is a JSON array, not an object)",
        "d-release.json is not a release package (it is a single release, not a package)",
        "e-records.json is not a release package (it is a record package)",
        "f-latin1.json is not valid JSON (it is not readable text: invalid continuation byte)",
        "g-empty.json is not valid JSON (Expecting value at line 1 column 1)",
        "h-missing.json could not be read (No such file or directory)",
    ]
    assert report.source == "8 files"


def test_read_files_takes_a_directory_or_a_single_path(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps(_package()))
    (tmp_path / "notes.txt").write_text("not read")
    assert read_files(tmp_path).source == "one.json"
    assert read_files(str(tmp_path / "one.json")).imported == read_files(tmp_path).imported


def test_the_same_release_read_twice_is_skipped_as_a_duplicate(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(_package()))
    (tmp_path / "b.json").write_text(json.dumps(_package()))
    report = read_files(tmp_path)
    assert len(report.imported) == 1
    assert report.skipped == [Skipped("ocds-test-1", "ocds-test-1-award", "Duplicate of a release already read")]


def test_only_the_latest_release_of_a_contracting_process_is_imported():
    amended = _release(id="ocds-test-1-amendment", date="2024-06-01T00:00:00Z")
    amended["awards"][0]["value"]["amount"] = 260000
    report = read_package(_package(amended, _release()))
    assert [(c.release_id, c.value) for c in report.imported] == [("ocds-test-1-amendment", Decimal("260000"))]
    assert report.skipped == [
        Skipped("ocds-test-1", "ocds-test-1-award", "Superseded by a later release of the same contracting process")
    ]


def test_an_unusable_later_release_does_not_hide_the_usable_one():
    amended = _release(id="ocds-test-1-amendment", date="2024-06-01T00:00:00Z")
    amended["awards"][0]["value"] = None
    report = read_package(_package(_release(), amended))
    assert [c.release_id for c in report.imported] == ["ocds-test-1-award"]
    assert [s.reason for s in report.skipped] == ["No contract value"]


def test_the_summary_counts_each_reason():
    report = ImportReport(
        source="feed.json",
        imported=[_one(_release())],
        skipped=[Skipped("a", "1", "No title"), Skipped("b", "2", "No OCID"), Skipped("c", "3", "No title")],
    )
    assert report.summary() == "feed.json: 4 read, 1 imported, 3 skipped (2 No title; 1 No OCID)"
    assert read_package({"releases": []}).summary() == "OCDS data: 0 read, 0 imported, 0 skipped"


def test_an_unexpected_error_in_one_release_is_reported_and_the_others_still_read(monkeypatch):
    from procurement import ocds_import

    real_map_release = ocds_import._map_release

    def fail_on_the_second(release):
        if release["id"] == "second":
            raise KeyError("surprise")
        return real_map_release(release)

    monkeypatch.setattr(ocds_import, "_map_release", fail_on_the_second)
    report = read_package(_package(_release(), _release(ocid="ocds-test-2", id="second")))
    assert len(report.imported) == 1
    assert report.skipped == [
        Skipped("ocds-test-2", "second", "Unexpected error reading this release (KeyError: 'surprise')")
    ]
