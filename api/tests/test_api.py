"""The REST API: what each role reads, errors that name the field, and fixed query counts."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.tests.factories import awarded_procurement, kpi_return, supplier_of
from procurement.models import Stage
from procurement.tests.factories import ProcurementFactory, TenderFactory
from reporting.models import AnnualReport
from socialvalue.tests.factories import IndicatorFactory, OutcomeFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "councils",
    "themes",
    "outcomes",
    "indicators",
    "measures",
    "calculators",
    "procurements",
    "tenders",
    "awards",
    "contracts",
    "kpis",
    "returns",
    "annual-reports",
]


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def results(client, path, **params):
    response = client.get(f"/api/{path}/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_an_officer_reads_their_councils_data_by_token(council, officer, supplier_user):
    award = awarded_procurement(council=council, officer=officer, supplier=supplier_of(supplier_user))
    client = token_client(officer)
    assert [c["slug"] for c in results(client, "councils")] == ["coventry"]
    assert [p["id"] for p in results(client, "procurements")] == [award.procurement_id]
    assert results(client, "procurements")[0]["award"] == award.pk
    assert [a["id"] for a in results(client, "awards")] == [award.pk]
    contract = results(client, "contracts")[0]
    assert contract["award"] == award.pk and contract["supplier"]["name"] == "Acme Builders Ltd"
    assert {k["target_value"] for k in results(client, "kpis")} == {"300.00", "5000.00"}
    assert len(results(client, "measures")) == 2
    assert results(client, "measures")[0]["proxy_values"][0] == {"year": 2024, "value": "100.0000", "source": "Test"}


def test_session_authentication_works_too(client, council, officer):
    client.force_login(officer)
    assert client.get("/api/councils/").json()["results"][0]["slug"] == "coventry"


def test_anonymous_requests_are_refused_with_401_and_no_data(council):
    response = APIClient().get("/api/councils/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert APIClient().get("/api/procurements/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_an_awards_commercially_sensitive_commitments_are_withheld(council, officer, supplier_user):
    supplier = supplier_of(supplier_user)
    open_award = awarded_procurement(council=council, officer=officer, supplier=supplier)
    sensitive = awarded_procurement(council=council, officer=officer, supplier=supplier, sensitive=True)
    awards = {a["id"]: a for a in results(token_client(officer), "awards")}
    assert awards[sensitive.pk]["commitments"] is None
    assert awards[sensitive.pk]["committed_value"] is None
    assert awards[sensitive.pk]["commitments_commercially_sensitive"] is True
    assert awards[open_award.pk]["committed_value"] == "5300.00"
    assert [c["quantity"] for c in awards[open_award.pk]["commitments"]] == ["3.0000", "2.0000"]


def test_a_supplier_sees_only_its_own_contracts_awards_and_tenders(
    council, officer, supplier_user, other_supplier_user
):
    mine = awarded_procurement(council=council, officer=officer, supplier=supplier_of(supplier_user))
    awarded_procurement(council=council, officer=officer, supplier=supplier_of(other_supplier_user))
    client = token_client(supplier_user)
    assert [c["award"] for c in results(client, "contracts")] == [mine.pk]
    assert [a["id"] for a in results(client, "awards")] == [mine.pk]
    assert [t["id"] for t in results(client, "tenders")] == [mine.tender_id]
    assert {k["contract"] for k in results(client, "kpis")} == {mine.contract.pk}
    # Councils, policy and the measure library are for council members.
    for path in ("councils", "themes", "outcomes", "indicators", "measures", "calculators"):
        assert results(client, path) == []


def test_a_supplier_sees_procurements_open_to_it_but_not_drafts_or_private_ones(council, officer, supplier_user):
    published = ProcurementFactory(council=council, lead_officer=officer, stage=Stage.TENDERING)
    ProcurementFactory(council=council, lead_officer=officer, stage=Stage.PLANNING)
    ProcurementFactory(council=council, lead_officer=officer, stage=Stage.TENDERING, open_to_all=False)
    invited = ProcurementFactory(council=council, lead_officer=officer, stage=Stage.TENDERING, open_to_all=False)
    invited.invited_suppliers.add(supplier_of(supplier_user))
    ids = {p["id"] for p in results(token_client(supplier_user), "procurements")}
    assert ids == {published.pk, invited.pk}


def test_tenders_are_sealed_from_the_council_until_opened(council, officer, supplier_user):
    procurement = ProcurementFactory(council=council, lead_officer=officer, stage=Stage.TENDERING)
    tender = TenderFactory(procurement=procurement, supplier=supplier_of(supplier_user))
    assert results(token_client(officer), "tenders") == []
    assert [t["id"] for t in results(token_client(supplier_user), "tenders")] == [tender.pk]


def test_an_officer_cannot_read_another_councils_data(council, other_council, officer, other_council_officer):
    award = awarded_procurement(council=council, officer=officer, supplier=supplier_of_new())
    client = token_client(other_council_officer)
    for path in LISTS:
        for item in results(client, path):
            assert item.get("council", "southend") in ("southend", None), (path, item)
    for path, pk in [
        ("procurements", award.procurement_id),
        ("awards", award.pk),
        ("contracts", award.contract.pk),
        ("tenders", award.tender_id),
        ("councils", council.pk),
        ("kpis", award.contract.kpis.first().pk),
    ]:
        assert client.get(f"/api/{path}/{pk}/").status_code == 404, path
    assert client.get("/api/procurements/", {"council": "coventry"}).json()["results"] == []


def supplier_of_new():
    from suppliers.tests.factories import SupplierFactory

    return SupplierFactory()


def test_a_bad_filter_value_is_a_400_naming_the_parameter(council, officer):
    client = token_client(officer)
    response = client.get("/api/procurements/", {"stage": "nonsense", "contract": "x"})
    assert response.status_code == 400
    assert list(response.json()) == ["stage"]
    assert "nonsense" in response.json()["stage"][0]
    response = client.get("/api/kpis/", {"contract": "not-a-number"})
    assert response.status_code == 400
    assert response.json() == {"contract": ["Enter a whole number."]}


def test_an_id_too_large_for_the_database_is_a_400_not_a_500(council, officer):
    # Found by schemathesis (tools/fuzz_api.py): SQLite cannot bind integers past 2**63 - 1.
    response = token_client(officer).get("/api/kpis/", {"contract": "10738647879723962261831680"})
    assert response.status_code == 400
    assert list(response.json()) == ["contract"]


def test_filters_narrow_the_list(council, officer, supplier_user):
    award = awarded_procurement(council=council, officer=officer, supplier=supplier_of(supplier_user))
    ProcurementFactory(council=council, lead_officer=officer)
    client = token_client(officer)
    assert [p["id"] for p in results(client, "procurements", stage="awarded")] == [award.procurement_id]
    assert len(results(client, "kpis", contract=award.contract.pk)) == 2
    assert results(client, "kpis", contract=award.contract.pk + 1000) == []


def test_errors_that_belong_to_no_field_are_keyed(rf):
    from django.core.exceptions import ValidationError

    from api.errors import exception_handler

    response = exception_handler(ValidationError("Tenders are sealed until the deadline has passed"), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Tenders are sealed until the deadline has passed"]}
    response = exception_handler(ValidationError({"price": "Enter a price of more than £0"}), {})
    assert response.data == {"price": ["Enter a price of more than £0"]}


def test_lists_are_paginated_by_fifty(council, officer):
    for _ in range(51):
        IndicatorFactory(outcome=council.current_policy.themes.first().outcomes.first())
    body = token_client(officer).get("/api/indicators/").json()
    assert body["count"] == 53 and len(body["results"]) == 50 and body["next"].endswith("page=2")


def _grow(council, officer, supplier, times):
    for _ in range(times):
        award = awarded_procurement(council=council, officer=officer, supplier=supplier)
        kpi_return(award.contract, by=supplier.members.get().user)
        outcome = OutcomeFactory(theme=ThemeFactory(policy=council.current_policy))
        IndicatorFactory(outcome=outcome)
        AnnualReport.objects.create(
            council=council, year=2025, version=AnnualReport.objects.count() + 1, status="succeeded", figures={}
        )


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("role", ["officer", "supplier_user"])
def test_every_list_runs_a_fixed_number_of_queries(request, council, officer, supplier_user, path, role):
    supplier = supplier_of(supplier_user)
    client = token_client(request.getfixturevalue(role))
    counts = []
    for times in (1, 4):
        _grow(council, officer, supplier, times)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/{path}/")
        assert response.status_code == 200
        counts.append((len(queries), response.json()["count"]))
    (small, small_n), (large, large_n) = counts
    assert small == large, f"{path}: {small} queries for {small_n} rows, {large} for {large_n}"
    council_only = ("themes", "outcomes", "indicators", "measures", "calculators", "annual-reports")
    if path != "councils" and not (role == "supplier_user" and path in council_only):
        assert large_n > small_n, path


def test_the_openapi_document_validates_with_no_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in LISTS:
        assert f"/api/{path}/:" in text and f"/api/{path}/{{id}}/:" in text
    assert "tokenAuth" in text
    assert text.count("examples:") >= 6


def test_the_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["openapi"].startswith("3.")


def test_the_docs_page_loads_everything_from_our_own_origin_with_no_inline_script(client):
    import re

    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline <script> would be blocked by CSP"
    assert "<style" not in html and "style=" not in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    from django.conf import settings
    from django.contrib.staticfiles import finders

    for url in urls:
        if url.startswith(settings.STATIC_URL):  # shipped with the app (sidecar or ours), found by collectstatic
            assert finders.find(url.removeprefix(settings.STATIC_URL)), url
        else:
            assert client.get(url).status_code == 200, url
    script = next(u for u in urls if "script=" in u)
    init = client.get(script)
    assert init["Content-Type"].startswith("application/javascript")
    assert "http://" not in init.content.decode() and "https://" not in init.content.decode()


def test_annual_reports_cabinet_members_see_the_published_version_only(council, officer, cabinet_member):
    """Issue 7: cabinet members see published reports only; officers every version (as on the pages)."""
    draft = AnnualReport.objects.create(council=council, year=2025, version=1, status="succeeded", figures={"a": 1})
    published = AnnualReport.objects.create(
        council=council, year=2025, version=2, status="succeeded", figures={"a": 2}, published_at=timezone.now()
    )
    staff, cabinet = token_client(officer), token_client(cabinet_member)
    assert {r["id"] for r in results(staff, "annual-reports")} == {draft.pk, published.pk}
    assert [r["id"] for r in results(cabinet, "annual-reports")] == [published.pk]
    assert cabinet.get(f"/api/annual-reports/{draft.pk}/").status_code == 404
    body = cabinet.get(f"/api/annual-reports/{published.pk}/").json()
    assert (body["financial_year"], body["council"], body["figures"]) == ("2025/26", "coventry", {"a": 2})
    assert [r["id"] for r in results(staff, "annual-reports", published="true")] == [published.pk]
    assert staff.get("/api/annual-reports/", {"year": "1999"}).status_code == 400
