"""Every named URL × every role: who gets in, who is refused, and how.

A URL added to the project without a row here fails ``test_every_url_is_in_the_matrix``, so
access is decided on purpose for each new page. Outsiders (another council, a supplier) get 404
on council pages, so they learn nothing about what exists; members without the role get 403.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLE_FIXTURES

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"

# Pages anyone may reach, signed in or not; not part of the role matrix.
PUBLIC = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}

READ = {  # everyone in the council reads
    "anonymous": 302,
    "council_admin": 200,
    "officer": 200,
    "contract_manager": 200,
    "cabinet_member": 200,
    "other_council_officer": 404,
    "supplier_user": 404,
}
ADMIN_ONLY = {
    "anonymous": 302,
    "council_admin": 200,
    "officer": 403,
    "contract_manager": 403,
    "cabinet_member": 403,
    "other_council_officer": 404,
    "supplier_user": 404,
}
ADMIN_ONLY_POST = {**ADMIN_ONLY, "council_admin": 302}
OFFICERS_ONLY = {**ADMIN_ONLY, "officer": 200}  # procurement officers and council admins
SUPPLIERS_ONLY = {
    "anonymous": 302,
    "council_admin": 403,
    "officer": 403,
    "contract_manager": 403,
    "cabinet_member": 403,
    "other_council_officer": 403,
    "supplier_user": 200,
}
OFFICERS_ONLY_POST = {**OFFICERS_ONLY, "council_admin": 302, "officer": 302}


def _theme(ctx):
    return ctx["council"].current_policy.themes.first()


def _outcome(ctx):
    return _theme(ctx).outcomes.first()


def _eval(ctx):
    return {"council": ctx["council"].slug, "pk": ctx["opened_tender"].procurement_id}


def _proc(ctx):
    return {"council": ctx["council"].slug, "pk": ctx["procurement"].pk}


def _toms(ctx):
    """A measure with a value, a calculator holding it, and a finished import job (made once per test)."""
    if "toms" not in ctx:
        from toms.tests.factories import CalculatorFactory, ImportJobFactory, MeasureFactory

        measure = MeasureFactory(council=ctx["council"])
        calculator = CalculatorFactory(council=ctx["council"], measures=[measure])
        ctx["toms"] = {"measure": measure, "calculator": calculator, "job": ImportJobFactory(council=ctx["council"])}
    return ctx["toms"]


def _council_pk(kind):
    return lambda c: {"council": c["council"].slug, "pk": _toms(c)[kind].pk}


# name → (method, kwargs builder, expected status per role)
MATRIX = {
    "home": (
        "get",
        lambda c: {},
        {
            **READ,
            "council_admin": 302,
            "officer": 302,
            "contract_manager": 302,
            "cabinet_member": 302,
            "other_council_officer": 302,
            "supplier_user": 302,
        },
    ),
    "healthz": ("get", lambda c: {}, dict.fromkeys(ROLE_FIXTURES, 200)),
    "council_dashboard": ("get", lambda c: {"council": c["council"].slug}, READ),
    "policy_detail": ("get", lambda c: {"council": c["council"].slug}, READ),
    "council_settings": ("get", lambda c: {"council": c["council"].slug}, READ),
    "policy_edit": ("get", lambda c: {"council": c["council"].slug}, ADMIN_ONLY),
    "policy_history": ("get", lambda c: {"council": c["council"].slug}, ADMIN_ONLY),
    "council_settings_edit": ("get", lambda c: {"council": c["council"].slug}, ADMIN_ONLY),
    "policy_item_add": (
        "get",
        lambda c: {"council": c["council"].slug, "kind": "outcome", "parent": _theme(c).pk},
        ADMIN_ONLY,
    ),
    "policy_item_edit": (
        "get",
        lambda c: {"council": c["council"].slug, "kind": "theme", "pk": _theme(c).pk},
        ADMIN_ONLY,
    ),
    "policy_item_delete": (
        "get",
        lambda c: {"council": c["council"].slug, "kind": "outcome", "pk": _outcome(c).pk},
        ADMIN_ONLY,
    ),
    "policy_item_move": (
        "post",
        lambda c: {"council": c["council"].slug, "kind": "theme", "pk": _theme(c).pk},
        ADMIN_ONLY_POST,
    ),
    "procurement_list": ("get", lambda c: {"council": c["council"].slug}, READ),
    "procurement_create": ("get", lambda c: {"council": c["council"].slug}, OFFICERS_ONLY),
    "procurement_detail": ("get", lambda c: _proc(c), READ),
    "procurement_edit": ("get", lambda c: _proc(c), OFFICERS_ONLY),
    "procurement_plan": ("get", lambda c: _proc(c), OFFICERS_ONLY),
    "procurement_approval": ("get", lambda c: _proc(c), OFFICERS_ONLY),
    "procurement_invite": ("get", lambda c: _proc(c), OFFICERS_ONLY),
    "procurement_action": ("post", lambda c: {**_proc(c), "action": "cancel"}, OFFICERS_ONLY_POST),
    "tender_list": ("get", lambda c: _eval(c), READ),
    "tender_evaluate": ("get", lambda c: {**_eval(c), "tender_pk": c["opened_tender"].pk}, READ),
    "procurement_award": ("get", lambda c: _eval(c), OFFICERS_ONLY),
    "procurement_history": ("get", lambda c: _eval(c), OFFICERS_ONLY),
    "award_notice": ("get", lambda c: {"council": c["council"].slug, "pk": c["awarded"].pk}, READ),
    "opportunity_list": ("get", lambda c: {}, SUPPLIERS_ONLY),
    "opportunity_detail": ("get", lambda c: {"pk": c["open_procurement"].pk}, SUPPLIERS_ONLY),
    "tender_edit": ("get", lambda c: {"pk": c["open_procurement"].pk}, SUPPLIERS_ONLY),
    "tender_calculate": ("get", lambda c: {"pk": c["open_procurement"].pk}, SUPPLIERS_ONLY),
    "tender_check": ("get", lambda c: {"pk": c["open_procurement"].pk}, SUPPLIERS_ONLY),
    "tender_submit": ("post", lambda c: {"pk": c["open_procurement"].pk}, SUPPLIERS_ONLY),
    # TOMs (issue 3): members read the library and use calculators; council admins change them.
    # Suppliers will reach calculators through their tenders, not these pages.
    "measure_list": ("get", lambda c: {"council": c["council"].slug}, READ),
    "measure_detail": ("get", _council_pk("measure"), READ),
    "measure_edit": ("get", _council_pk("measure"), ADMIN_ONLY),
    "proxy_value_edit": ("get", _council_pk("measure"), ADMIN_ONLY),
    "measure_export": ("get", lambda c: {"council": c["council"].slug, "fmt": "csv"}, READ),
    "measure_import": ("get", lambda c: {"council": c["council"].slug}, ADMIN_ONLY),
    "import_job_detail": ("get", _council_pk("job"), ADMIN_ONLY),
    "import_job_status": ("get", _council_pk("job"), ADMIN_ONLY),
    "calculator_list": ("get", lambda c: {"council": c["council"].slug}, READ),
    "calculator_add": ("get", lambda c: {"council": c["council"].slug}, ADMIN_ONLY),
    "calculator_detail": ("get", _council_pk("calculator"), READ),
    "calculator_edit": ("get", _council_pk("calculator"), ADMIN_ONLY),
    "calculator_result": ("get", _council_pk("calculator"), READ),
    # Open contracting data (issue 8): published for anyone, signed in or not.
    "ocds_releases": ("get", lambda c: {"council": c["council"].slug}, dict.fromkeys(ROLE_FIXTURES, 200)),
    "ocds_procurement_releases": (
        "get",
        lambda c: {"council": c["council"].slug, "pk": c["awarded"].pk},
        dict.fromkeys(ROLE_FIXTURES, 200),
    ),
    "supplier_home": (
        "get",
        lambda c: {},
        {
            "anonymous": 302,
            "council_admin": 403,
            "officer": 403,
            "contract_manager": 403,
            "cabinet_member": 403,
            "other_council_officer": 403,
            "supplier_user": 200,
        },
    ),
}


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":  # Django admin: staff only, by its own checks
                continue
            if p.namespace == "api":  # the REST API has its own matrix: tests/test_api_access_matrix.py
                continue
            yield from _named_urls(p, f"{namespace}{p.namespace}:" if p.namespace else namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}"


def _evaluated_procurements(council, officer):
    """A procurement in evaluation with one opened tender, and one already awarded."""
    import datetime

    from django.utils import timezone

    from procurement.models import Stage
    from procurement.services import contract_award
    from procurement.tests.factories import ProcurementFactory, TenderFactory

    past = timezone.now() - datetime.timedelta(days=1)
    made = []
    for _ in range(2):
        procurement = ProcurementFactory(
            council=council,
            lead_officer=officer,
            stage=Stage.EVALUATION,
            tender_deadline=past,
            opened_at=timezone.now(),
            opened_by=officer,
        )
        made.append(TenderFactory(procurement=procurement, submitted_at=past))
    contract_award(
        procurement=made[1].procurement,
        tender=made[1],
        reason="Best",
        commercially_sensitive=False,
        by=officer,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 1, 1),
    )
    return made[0], made[1].procurement


def test_every_url_is_in_the_matrix():
    missing = sorted(set(_named_urls()) - set(MATRIX) - PUBLIC)
    assert not missing, f"Add these URLs to the access matrix: {missing}"


@pytest.fixture
def ctx(council, other_council, request):
    users = {name: request.getfixturevalue(name) for name in ROLE_FIXTURES}
    from procurement.models import Stage
    from procurement.tests.factories import ProcurementFactory, TenderFactory

    procurement = ProcurementFactory(council=council, lead_officer=users["officer"])
    open_procurement = ProcurementFactory(council=council, lead_officer=users["officer"], stage=Stage.TENDERING)
    supplier = users["supplier_user"].supplier_memberships.get().supplier
    TenderFactory(procurement=open_procurement, supplier=supplier)
    opened_tender, awarded = _evaluated_procurements(council, users["officer"])
    return {
        "opened_tender": opened_tender,
        "awarded": awarded,
        "council": council,
        "other_council": other_council,
        "users": users,
        "procurement": procurement,
        "open_procurement": open_procurement,
    }


@pytest.mark.parametrize("role", ROLE_FIXTURES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, ctx, name, role):
    method, kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs(ctx))
    user = ctx["users"][role]
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, {"direction": "up"} if method == "post" else None)
    assert response.status_code == expected[role], f"{role} {method.upper()} {url}"
    if role == "anonymous" and expected[role] == 302:
        assert response["Location"].startswith(LOGIN)


def test_an_admin_cannot_reach_another_councils_items_through_their_own_council(client, ctx, council_admin):
    """Changing the slug is not enough: items are looked up inside the council in the URL."""
    other_theme = ctx["other_council"].current_policy.themes.first()
    client.force_login(council_admin)
    for name in ("policy_item_edit", "policy_item_delete"):
        url = reverse(name, kwargs={"council": ctx["council"].slug, "kind": "theme", "pk": other_theme.pk})
        assert client.get(url).status_code == 404
    url = reverse(
        "policy_item_add", kwargs={"council": ctx["council"].slug, "kind": "outcome", "parent": other_theme.pk}
    )
    assert client.post(url, {"name": "Sneaky"}).status_code == 404
    assert not other_theme.outcomes.filter(name="Sneaky").exists()
