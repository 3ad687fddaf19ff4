"""Open contracting data: the published packages validate against the official OCDS 1.1.5 schema.

The schema is read from ``shared/ocds/schema-1.1.5/`` beside the repository (CI clones it there);
the release schema's own URL is mapped to the local file through a ``referencing`` registry, so
nothing is ever fetched. Format checks are on (``jsonschema[format-nongpl]``).
"""

import copy
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from api.tests.factories import awarded_procurement, supplier_of
from procurement import ocds_publish
from procurement.models import Stage
from procurement.tests.factories import ProcurementFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT.parent / "shared" / "ocds" / "schema-1.1.5"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
EXTENSION_DIR = ROOT / "static" / "ocds" / "social-value-extension"


def _load(path):
    return json.loads(Path(path).read_text())


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch, as OCDS applies an extension's release-schema.json."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def package_validator(release_schema=None):
    """A Draft 4 validator for release packages, the release schema served from disk."""
    release_schema = release_schema or _load(SCHEMA_DIR / "release-schema.json")
    registry = Registry().with_resource(RELEASE_SCHEMA_URL, Resource.from_contents(release_schema, DRAFT4))
    return Draft4Validator(
        _load(SCHEMA_DIR / "release-package-schema.json"),
        registry=registry,
        format_checker=Draft4Validator.FORMAT_CHECKER,
    )


def errors(package, validator=None):
    validator = validator or package_validator()
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(package)]


@pytest.fixture
def published(client, council, officer, supplier_user, other_supplier_user):
    awarded_procurement(council=council, officer=officer, supplier=supplier_of(supplier_user))
    awarded_procurement(
        council=council,
        officer=officer,
        supplier=supplier_of(other_supplier_user),
        sensitive=True,
        description="Sensitive commitments",
    )
    response = client.get(reverse("ocds_releases", kwargs={"council": council.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_schema_is_found_beside_the_repository():
    assert (SCHEMA_DIR / "release-package-schema.json").is_file(), SCHEMA_DIR


def test_a_councils_awarded_procurements_validate_against_the_official_schema_with_no_errors(published):
    assert len(published["releases"]) == 2
    assert errors(published) == []


def test_they_also_validate_against_the_schema_with_our_social_value_extension_applied(published):
    extension = _load(EXTENSION_DIR / "extension.json")
    assert extension["schemas"] == ["release-schema.json"]
    patched = merge_patch(_load(SCHEMA_DIR / "release-schema.json"), _load(EXTENSION_DIR / "release-schema.json"))
    assert errors(published, package_validator(patched)) == []
    # The extension is not vacuous: a malformed commitment is refused by the patched schema.
    broken = copy.deepcopy(published)
    broken["releases"][0]["awards"][0]["socialValue"]["commitments"][0]["quantity"] = "lots"
    assert errors(broken, package_validator(patched))
    assert errors(broken) == []  # the core schema alone cannot see it


def test_a_release_without_an_ocid_is_caught(published):
    broken = copy.deepcopy(published)
    del broken["releases"][0]["ocid"]
    assert any("'ocid' is a required property" in e for e in errors(broken))


def test_a_bad_date_is_caught_by_the_format_checker(published):
    broken = copy.deepcopy(published)
    broken["releases"][0]["date"] = "20 March 2026"
    assert any(e.startswith("releases/0/date") and "date-time" in e for e in errors(broken))


def test_a_bad_code_and_a_missing_package_field_are_caught(published):
    broken = copy.deepcopy(published)
    broken["releases"][0]["tender"]["procurementMethod"] = "negotiated"
    del broken["publisher"]
    found = errors(broken)
    assert any("procurementMethod" in e for e in found)
    assert any("'publisher' is a required property" in e for e in found)


def test_the_release_describes_buyer_supplier_tender_award_and_contract(published, council, supplier_user):
    release = next(r for r in published["releases"] if r["awards"][0]["socialValue"]["commitmentsPublished"])
    supplier = supplier_of(supplier_user)
    assert release["ocid"].startswith("ocds-sv000-")
    assert release["tag"] == ["award", "contract"]
    assert release["buyer"]["name"] == council.name
    roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert roles == {council.name: ["buyer", "procuringEntity"], supplier.name: ["supplier", "tenderer"]}
    assert release["tender"]["status"] == "complete"
    assert release["tender"]["procurementMethod"] == "open"
    assert release["tender"]["mainProcurementCategory"] == "services"
    assert release["tender"]["value"] == {"amount": 250000, "currency": "GBP"}
    assert release["tender"]["numberOfTenderers"] == 1
    assert release["tender"]["socialValue"]["weighting"] == {"quantitative": 5, "qualitative": 5, "total": 10}
    award = release["awards"][0]
    assert award["status"] == "active"
    assert award["value"] == {"amount": 240000, "currency": "GBP"}
    assert award["suppliers"] == [{"id": f"ocds-sv000-supplier-{supplier.pk}", "name": supplier.name}]
    contract = release["contracts"][0]
    assert contract["awardID"] == award["id"]
    assert contract["period"] == {"startDate": "2026-03-31T23:00:00Z", "endDate": "2028-03-31T22:59:59Z"}
    # 3 × £100 + 2 × £2,500
    assert award["socialValue"]["totalValue"] == {"amount": 5300, "currency": "GBP"}
    assert [c["quantity"] for c in award["socialValue"]["commitments"]] == [3, 2]


def test_commercially_sensitive_commitments_are_not_published(published, other_supplier_user):
    from procurement.models import Commitment

    sensitive = next(r for r in published["releases"] if r["tender"].get("description") == "Sensitive commitments")
    assert sensitive["awards"][0]["socialValue"] == {"commitmentsPublished": False}
    text = json.dumps(sensitive)
    withheld = Commitment.objects.filter(tender__supplier=supplier_of(other_supplier_user)).select_related("measure")
    assert withheld.count() == 2
    for commitment in withheld:
        assert commitment.measure.code not in text and commitment.measure.name not in text
    for field in ("totalValue", "proxyValue", "quantity", '"commitments"'):
        assert field not in text


def test_ids_are_stable_and_the_prefix_comes_from_settings(client, settings, council, officer, supplier_user):
    award = awarded_procurement(council=council, officer=officer, supplier=supplier_of(supplier_user))
    url = reverse("ocds_procurement_releases", kwargs={"council": council.slug, "pk": award.procurement_id})
    first = client.get(url).json()["releases"][0]
    award.procurement.title = "Renamed"
    award.procurement.save()
    assert client.get(url).json()["releases"][0]["ocid"] == first["ocid"] == f"ocds-sv000-{award.procurement_id}"
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    again = client.get(url).json()
    assert again["releases"][0]["ocid"] == f"ocds-abc123-{award.procurement_id}"
    assert errors(again) == []


def test_only_awarded_procurements_are_published(client, council, officer, supplier_user):
    planning = ProcurementFactory(council=council, lead_officer=officer, stage=Stage.TENDERING)
    url = reverse("ocds_procurement_releases", kwargs={"council": council.slug, "pk": planning.pk})
    assert client.get(url).status_code == 404
    assert client.get(reverse("ocds_releases", kwargs={"council": council.slug})).status_code == 404


def test_a_procurement_is_published_only_under_its_own_council(client, council, other_council, officer, supplier_user):
    award = awarded_procurement(council=council, officer=officer, supplier=supplier_of(supplier_user))
    url = reverse("ocds_procurement_releases", kwargs={"council": other_council.slug, "pk": award.procurement_id})
    assert client.get(url).status_code == 404
    assert client.get(reverse("ocds_releases", kwargs={"council": other_council.slug})).status_code == 404


def test_a_council_with_nothing_awarded_publishes_no_package_rather_than_an_invalid_one(client, council):
    # The release package schema requires at least one release.
    assert client.get(reverse("ocds_releases", kwargs={"council": council.slug})).status_code == 404
    assert client.get(reverse("ocds_releases", kwargs={"council": "no-such-council"})).status_code == 404


def test_the_council_package_runs_a_fixed_number_of_queries(
    client, council, officer, supplier_user, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("ocds_releases", kwargs={"council": council.slug})
    supplier = supplier_of(supplier_user)
    awarded_procurement(council=council, officer=officer, supplier=supplier)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(3):
        awarded_procurement(council=council, officer=officer, supplier=supplier)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(client.get(url).json()["releases"]) == 4


def test_the_extension_is_served_at_the_url_the_package_lists(client, published):
    extension_url = published["extensions"][0]
    assert extension_url.endswith("/static/ocds/social-value-extension/extension.json")
    assert published["extensions"][1] == ocds_publish.PARTY_SCALE_EXTENSION


class Sized:
    def __init__(self, size):
        self.size = size


class Result:
    def __init__(self, size):
        self.size = size
        self.reason = "Headcount under 50 and turnover within £10m"


class Stored:
    def __init__(self, size_class):
        self.size_class = size_class
        self.size = Result("large")  # the stored class wins: it is what reports use


@pytest.mark.parametrize(
    ("size", "scale"),
    [("micro", "micro"), ("small", "sme"), ("medium", "sme"), ("large", "large"), ("", None), (None, None)],
)
def test_supplier_scale_follows_the_party_scale_codelist(size, scale):
    assert ocds_publish.supplier_scale(Sized(size)) == scale
    assert ocds_publish.supplier_scale(Sized(Result(size))) == scale
    assert ocds_publish.supplier_scale(Sized(lambda: size)) == scale


def test_a_stored_size_class_is_read_first_and_an_unknown_one_states_nothing():
    assert ocds_publish.supplier_scale(Stored("micro")) == "micro"
    assert ocds_publish.supplier_scale(Stored("")) == "large"  # blank stored class: fall back to size
    assert ocds_publish.supplier_scale(Sized("enormous")) is None


def test_each_supplier_party_states_its_scale_only_when_known(published):
    from suppliers.models import Supplier

    for release in published["releases"]:
        party = next(p for p in release["parties"] if "supplier" in p["roles"])
        supplier = Supplier.objects.get(pk=party["id"].rsplit("-", 1)[1])
        scale = ocds_publish.supplier_scale(supplier)
        assert party.get("details") == ({"scale": scale} if scale else None)


def test_a_supplier_of_unknown_size_states_no_scale(council, officer, supplier_user, monkeypatch):
    from procurement.models import Procurement

    award = awarded_procurement(council=council, officer=officer, supplier=supplier_of(supplier_user))
    monkeypatch.setattr(ocds_publish, "supplier_size", lambda supplier: None)
    release = ocds_publish.release(Procurement.objects.for_open_contracting().get(pk=award.procurement_id), prefix="x")
    assert "details" not in release["parties"][1]


def test_a_known_scale_is_published_and_validates(council, officer, supplier_user, monkeypatch):
    from procurement.models import Procurement

    award = awarded_procurement(council=council, officer=officer, supplier=supplier_of(supplier_user))
    monkeypatch.setattr(ocds_publish, "supplier_size", lambda supplier: "small")
    procurement = Procurement.objects.for_open_contracting().get(pk=award.procurement_id)
    package = ocds_publish.release_package(
        [procurement],
        publisher=council.name,
        uri="https://example.org/ocds/coventry/releases.json",
        prefix="ocds-sv000",
        extensions=[ocds_publish.PARTY_SCALE_EXTENSION],
        published=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
    )
    package = json.loads(json.dumps(package))
    assert package["releases"][0]["parties"][1]["details"] == {"scale": "sme"}
    assert errors(package) == []


def test_amounts_are_json_numbers_that_keep_the_pennies():
    assert ocds_publish._money(Decimal("1234.56")) == {"amount": 1234.56, "currency": "GBP"}
    assert json.dumps(ocds_publish._number(Decimal("999999999999.99"))) == "999999999999.99"
