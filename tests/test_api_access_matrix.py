"""Every REST API route × every role × token and session authentication.

Kept apart from ``tests/test_access_matrix.py`` (which skips the ``api`` namespace) because API
access has a different shape: no redirects or 403s, just 401 for a stranger, and an object outside
``visible_to`` is a 404 on its detail route and absent from its list — so the list rows check the
object is (or is not) *in* the results, not only the status. A route added to ``api/urls.py``
without a row here fails ``test_every_api_route_is_in_the_matrix``.

The object each row targets belongs to Coventry and to the supplier of ``supplier_user``, on a
procurement only that supplier was invited to; ``other_supplier_user`` holds an award of its own in
the same council, so "another supplier" is a supplier with data, not an empty account.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.tests.factories import awarded_procurement, kpi_return, supplier_of
from conftest import ROLE_FIXTURES
from reporting.models import AnnualReport

pytestmark = pytest.mark.django_db

ROLES = [*ROLE_FIXTURES, "other_supplier_user"]
# Who sees what: every member of the council, in any role (a role fixture added to conftest later is
# placed by its memberships, not by name); and the supplier whose contract it is. Nobody else.
MEMBERS = "members"
MEMBERS_AND_SUPPLIER = "members and supplier_user"
NAMED_MEMBERS = {"council_admin", "officer", "contract_manager", "cabinet_member"}

# basename → (the target object's pk, who sees it)
MATRIX = {
    "council": (lambda c: c["council"].pk, MEMBERS),
    "theme": (lambda c: c["council"].current_policy.themes.first().pk, MEMBERS),
    "outcome": (lambda c: c["outcome"].pk, MEMBERS),
    "indicator": (lambda c: c["outcome"].indicators.first().pk, MEMBERS),
    "measure": (lambda c: c["award"].tender.commitments.first().measure_id, MEMBERS),
    "calculator": (lambda c: c["award"].procurement.calculator_id, MEMBERS),
    "procurement": (lambda c: c["award"].procurement_id, MEMBERS_AND_SUPPLIER),
    "tender": (lambda c: c["award"].tender_id, MEMBERS_AND_SUPPLIER),
    "award": (lambda c: c["award"].pk, MEMBERS_AND_SUPPLIER),
    "contract": (lambda c: c["award"].contract.pk, MEMBERS_AND_SUPPLIER),
    "kpi": (lambda c: c["award"].contract.kpis.first().pk, MEMBERS_AND_SUPPLIER),
    "return": (lambda c: c["award"].contract.returns.get().pk, MEMBERS_AND_SUPPLIER),
    # A published annual report: every member (cabinet members see published versions only;
    # api/tests/test_api.py checks an unpublished one is hidden from them).
    "annual-report": (lambda c: c["report"].pk, MEMBERS),
}


def _sees(ctx, who):
    members = {
        role
        for role, user in ctx["users"].items()
        if user is not None and user.memberships.filter(council=ctx["council"]).exists()
    }
    assert members >= NAMED_MEMBERS and not members & {"supplier_user", "other_supplier_user", "other_council_officer"}
    return members | ({"supplier_user"} if who == MEMBERS_AND_SUPPLIER else set())


# Routes that are not resources: the OpenAPI document and its viewer are public (they describe the
# API, no data); the router's index needs a sign-in like every resource.
OTHER = {
    "schema": dict.fromkeys(ROLES, 200),
    "docs": dict.fromkeys(ROLES, 200),
    "api-root": {**dict.fromkeys(ROLES, 200), "anonymous": 401},
}


def _api_route_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _api_route_names(p, f"{namespace}{p.namespace}:" if p.namespace else namespace)
        elif isinstance(p, URLPattern) and p.name and namespace.startswith("api:"):
            yield p.name


def test_every_api_route_is_in_the_matrix():
    names = set(_api_route_names())
    assert names, "no API routes found"
    resources = {n.rsplit("-", 1)[0] for n in names if n.endswith(("-list", "-detail"))}
    others = {n for n in names if not n.endswith(("-list", "-detail"))}
    assert resources - set(MATRIX) == set(), f"Add these API resources to the matrix: {resources - set(MATRIX)}"
    assert others - set(OTHER) == set(), f"Add these API routes to the matrix: {others - set(OTHER)}"
    assert {f"{b}-{kind}" for b in MATRIX for kind in ("list", "detail")} <= names


@pytest.fixture
def ctx(council, other_council, request):
    users = {name: request.getfixturevalue(name) for name in ROLES}
    award = awarded_procurement(
        council=council, officer=users["officer"], supplier=supplier_of(users["supplier_user"]), open_to_all=False
    )
    award.procurement.invited_suppliers.add(supplier_of(users["supplier_user"]))
    # Words only this award carries, to search the other supplier's responses for.
    award.reason = "Acme's unique award reason"
    award.save()
    award.tender.social_value_response = "Acme's unique method statement"
    award.tender.save()
    kpi_return(award.contract, by=users["supplier_user"], comment="Acme's unique return comment")
    awarded_procurement(
        council=council, officer=users["officer"], supplier=supplier_of(users["other_supplier_user"]), open_to_all=False
    )
    outcome = council.current_policy.themes.first().outcomes.first()
    report = AnnualReport.objects.create(
        council=council, year=2025, version=1, status="succeeded", figures={}, published_at=timezone.now()
    )
    return {"council": council, "users": users, "award": award, "outcome": outcome, "report": report}


def _client(user, auth):
    client = APIClient()
    if user is None:
        return client
    if auth == "token":
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    else:
        client.force_login(user)
    return client


def _all_ids(client, url):
    ids, page = [], 1
    while True:
        body = client.get(url, {"page": page}).json()
        ids += [item["id"] for item in body["results"]]
        if not body["next"]:
            return ids
        page += 1


@pytest.mark.parametrize("auth", ["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_api_access(ctx, role, auth):
    """Each role reaches exactly what the matrix says, on every list and every detail route."""
    client = _client(ctx["users"][role], auth)
    problems = []
    for basename, (target, who) in MATRIX.items():
        allowed = _sees(ctx, who)
        pk = target(ctx)
        list_url = reverse(f"api:{basename}-list")
        detail_url = reverse(f"api:{basename}-detail", kwargs={"pk": pk})
        detail = client.get(detail_url)
        listed = client.get(list_url)
        if role == "anonymous":
            if (detail.status_code, listed.status_code) != (401, 401):
                problems.append(f"{basename}: anonymous got {detail.status_code}/{listed.status_code}, not 401")
            continue
        expected_detail = 200 if role in allowed else 404
        if detail.status_code != expected_detail:
            problems.append(f"{detail_url}: {detail.status_code}, expected {expected_detail}")
        if listed.status_code != 200:
            problems.append(f"{list_url}: {listed.status_code}")
            continue
        if (pk in _all_ids(client, list_url)) != (role in allowed):
            problems.append(f"{list_url}: target {'missing' if role in allowed else 'leaked'}")
    for name, expected in OTHER.items():
        status = client.get(reverse(f"api:{name}")).status_code
        if status != expected[role]:
            problems.append(f"api:{name}: {status}, expected {expected[role]}")
    assert not problems, f"{role} by {auth}:\n" + "\n".join(problems)


@pytest.mark.parametrize("auth", ["token", "session"])
def test_a_supplier_cannot_read_another_suppliers_contract_through_any_endpoint(ctx, auth):
    """Nothing of supplier A's contract — the contract, its award, tender, KPIs, returns — reaches supplier B."""
    award = ctx["award"]
    contract = award.contract
    client = _client(ctx["users"]["other_supplier_user"], auth)
    body = "".join(client.get(reverse(f"api:{basename}-list")).content.decode() for basename in MATRIX)
    for basename in MATRIX:
        for filter_ in ({"contract": contract.pk}, {"procurement": award.procurement_id}, {"council": "coventry"}):
            response = client.get(reverse(f"api:{basename}-list"), filter_)
            body += response.content.decode()
    secrets = (contract.title, award.reason, award.tender.social_value_response, "Acme's unique return comment")
    for secret in secrets:
        assert secret not in body
    for basename, pk in [
        ("contract", contract.pk),
        ("award", award.pk),
        ("tender", award.tender_id),
        ("procurement", award.procurement_id),
        *[("kpi", kpi.pk) for kpi in contract.kpis.all()],
        *[("return", r.pk) for r in contract.returns.all()],
    ]:
        assert client.get(reverse(f"api:{basename}-detail", kwargs={"pk": pk})).status_code == 404, basename


# Who may save or submit a return (POST /api/returns/): only the contract's supplier. The return in
# ``ctx`` is already submitted, so even the supplier's request is refused by the rules (400) and no
# role changes anything; the others never reach the rules.
SUBMIT = {
    **dict.fromkeys(ROLES, 403),
    "supplier_user": 400,
    "other_supplier_user": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("auth", ["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_contracts_supplier_may_submit_its_return(ctx, role, auth):
    from procurement.contract_models import KpiReturn, ReturnLine

    contract = ctx["award"].contract
    before = list(ReturnLine.objects.values_list("pk", "quantity", "comment", "status"))
    kpi = contract.kpis.first()
    response = _client(ctx["users"][role], auth).post(
        reverse("api:return-list"),
        {"contract": contract.pk, "number": 1, "lines": [{"kpi": kpi.pk, "quantity": "9"}], "submit": True},
        format="json",
    )
    assert response.status_code == SUBMIT[role], response.content
    if role == "supplier_user":
        assert response.json() == {"lines": ["This return has been submitted: it can no longer be changed"]}
    assert list(ReturnLine.objects.values_list("pk", "quantity", "comment", "status")) == before
    assert KpiReturn.objects.count() == 1
