"""Every named URL × every role: who gets in, who is refused, and how.

A URL added to the project without a row here fails ``test_every_url_is_in_the_matrix``, so
access is decided on purpose for each new page. Outsiders (another council, a supplier) get 404
on council pages, so they learn nothing about what exists; members without the role get 403.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLE_FIXTURES
from procurement.tests.factories import ContractFactory, KpiFactory
from suppliers.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"

# Pages anyone may reach, signed in or not; not part of the role matrix. The registration steps
# after the first need the earlier steps' answers in the session, and the emailed links a valid
# token: suppliers/tests/test_registration.py walks them.
PUBLIC = {
    "register_size",
    "register_size_result",
    "register_account",
    "register_check_email",
    "register_verify",
    "invitation_accept",
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
    "diversity_viewer": 200,
    "contract_manager": 200,
    "cabinet_member": 200,
    "other_council_officer": 404,
    "supplier_user": 404,
}
ADMIN_ONLY = {
    "anonymous": 302,
    "council_admin": 200,
    "officer": 403,
    "diversity_viewer": 403,
    "contract_manager": 403,
    "cabinet_member": 403,
    "other_council_officer": 404,
    "supplier_user": 404,
}
ADMIN_ONLY_POST = {**ADMIN_ONLY, "council_admin": 302}
OFFICERS_ONLY = {**ADMIN_ONLY, "officer": 200, "diversity_viewer": 200}  # procurement officers and council admins
SUPPLIERS_ONLY = {
    "anonymous": 302,
    "council_admin": 403,
    "officer": 403,
    "diversity_viewer": 403,
    "contract_manager": 403,
    "cabinet_member": 403,
    "other_council_officer": 403,
    "supplier_user": 200,
}
OFFICERS_ONLY_POST = {**OFFICERS_ONLY, "council_admin": 302, "officer": 302, "diversity_viewer": 302}
MANAGERS = {**ADMIN_ONLY, "officer": 200, "diversity_viewer": 200}  # council admins and procurement officers
# Individual diversity answers: only holders of the DiversityAccess grant, not every officer.
DIVERSITY_ONLY = {**ADMIN_ONLY, "council_admin": 403, "diversity_viewer": 200}
SUPPLIER_ONLY = {
    "anonymous": 302,
    "council_admin": 404,
    "officer": 404,
    "diversity_viewer": 404,
    "contract_manager": 404,
    "cabinet_member": 404,
    "other_council_officer": 404,
    "supplier_user": 200,
}
EVERYONE = dict.fromkeys(ROLE_FIXTURES, 200)
CONTRACT_STAFF = {**OFFICERS_ONLY, "contract_manager": 200}  # admins, procurement officers, contract managers
CONTRACT_MANAGERS = {**ADMIN_ONLY, "contract_manager": 200}  # contract managers and council admins verify and rate


def _theme(ctx):
    return ctx["council"].current_policy.themes.first()


def _outcome(ctx):
    return _theme(ctx).outcomes.first()


def _report(ctx):
    """A published report of this year, built over the awarded procurement (one commitment)."""
    if "report" not in ctx:
        from django.utils import timezone

        from procurement.models import Commitment
        from reporting import services
        from reporting.models import AnnualReport

        tender = ctx["awarded"].award.tender
        measure = ctx["awarded"].calculator.ordered_measures()[0]
        Commitment.objects.create(tender=tender, measure=measure, quantity=1, year=2026, proxy_value=1, value=1)
        year = ctx["council"].financial_year_of(timezone.localdate())
        report = AnnualReport.objects.create(council=ctx["council"], year=year, version=1)
        services.report_build(report_id=report.pk)
        report.refresh_from_db()
        services.report_publish(report=report, by=ctx["users"]["officer"])
        ctx["report"] = report
    return {"council": ctx["council"].slug, "pk": ctx["report"].pk}


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


def _contract(ctx):
    return {"council": ctx["council"].slug, "pk": ctx["contract"].pk}


def _council_pk(kind):
    return lambda c: {"council": c["council"].slug, "pk": _toms(c)[kind].pk}


def _dealing_supplier(ctx):
    """A supplier registered with the council."""
    from suppliers.models import SupplierCouncil
    from suppliers.tests.factories import SupplierFactory

    link = SupplierCouncil.objects.filter(council=ctx["council"]).select_related("supplier").first()
    if link:
        return link.supplier
    supplier = SupplierFactory(name="Coventry Cleaning Co")
    SupplierCouncil.objects.create(supplier=supplier, council=ctx["council"], relationship="registered")
    return supplier


def _closed_campaign(ctx):
    """Last year's campaign, closed, with one response."""
    import datetime

    from django.utils import timezone

    from suppliers.models import Campaign
    from suppliers.tests.factories import CampaignFactory, CampaignRecipientFactory, CampaignResponseFactory

    campaign = Campaign.objects.filter(council=ctx["council"], title="Last year").first()
    if campaign is None:
        today = timezone.localdate()
        campaign = CampaignFactory(
            council=ctx["council"],
            title="Last year",
            opens_on=today - datetime.timedelta(days=400),
            closes_on=today - datetime.timedelta(days=370),
        )
        supplier = _dealing_supplier(ctx)
        CampaignRecipientFactory(campaign=campaign, supplier=supplier)
        CampaignResponseFactory(campaign=campaign, supplier=supplier)
    return campaign


def _closed_campaign_kwargs(ctx):
    return {"council": ctx["council"].slug, "pk": _closed_campaign(ctx).pk}


def _response_kwargs(ctx):
    campaign = _closed_campaign(ctx)
    return {"council": ctx["council"].slug, "pk": campaign.pk, "response": campaign.responses.get().pk}


def _supplier_users_supplier(ctx):
    return ctx["users"]["supplier_user"].supplier_memberships.get().supplier


def _open_questionnaire_kwargs(ctx):
    """An open campaign sent to (and answered by) the supplier user's organisation."""
    from suppliers.models import Campaign
    from suppliers.tests.factories import CampaignFactory, CampaignRecipientFactory, CampaignResponseFactory

    supplier = _supplier_users_supplier(ctx)
    campaign = Campaign.objects.filter(council=ctx["council"], title="This year").first()
    if campaign is None:
        campaign = CampaignFactory(council=ctx["council"], title="This year")
        CampaignRecipientFactory(campaign=campaign, supplier=supplier)
        CampaignResponseFactory(campaign=campaign, supplier=supplier)
    return {"supplier": supplier.pk, "campaign": campaign.pk}


def _access_grant_kwargs(ctx):
    from suppliers.models import DiversityAccess

    grant = DiversityAccess.objects.get(user=ctx["users"]["diversity_viewer"])
    return {"council": ctx["council"].slug, "pk": grant.pk}


# name → (method, kwargs builder, expected status per role)
MATRIX = {
    "home": (
        "get",
        lambda c: {},
        {
            **READ,
            "council_admin": 302,
            "officer": 302,
            "diversity_viewer": 302,
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
    "report_list": ("get", lambda c: {"council": c["council"].slug}, READ),
    "report_detail": ("get", lambda c: _report(c), READ),
    "report_status": ("get", lambda c: _report(c), READ),
    "report_theme": ("get", lambda c: {**_report(c), "index": 0}, READ),
    "report_download": ("get", lambda c: {**_report(c), "fmt": "csv"}, READ),
    "report_action": ("post", lambda c: {**_report(c), "action": "publish"}, OFFICERS_ONLY_POST),
    "spend_list": ("get", lambda c: {"council": c["council"].slug}, OFFICERS_ONLY),
    "spend_unmatched": ("get", lambda c: {"council": c["council"].slug}, OFFICERS_ONLY),
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
    # Contract monitoring (issue 6): council members read; staff change the register; managers verify.
    "contract_list": ("get", lambda c: {"council": c["council"].slug}, READ),
    "contract_dashboard": ("get", lambda c: {"council": c["council"].slug}, READ),
    "contract_create": ("get", lambda c: {"council": c["council"].slug}, CONTRACT_STAFF),
    "contract_import": ("get", lambda c: {"council": c["council"].slug}, CONTRACT_STAFF),
    "contract_detail": ("get", lambda c: _contract(c), READ),
    "contract_edit": ("get", lambda c: _contract(c), CONTRACT_STAFF),
    "kpi_add": ("get", lambda c: _contract(c), CONTRACT_STAFF),
    "return_verify": ("get", lambda c: {**_contract(c), "return_pk": c["kpi_return"].pk}, CONTRACT_MANAGERS),
    "rating_add": ("get", lambda c: _contract(c), CONTRACT_MANAGERS),
    "remedy_add": ("get", lambda c: _contract(c), CONTRACT_MANAGERS),
    "evidence_download": ("get", lambda c: {**_contract(c), "evidence_pk": c["evidence"].pk}, READ),
    "supplier_contract_list": ("get", lambda c: {}, SUPPLIERS_ONLY),
    "supplier_contract_detail": ("get", lambda c: {"pk": c["contract"].pk}, SUPPLIERS_ONLY),
    "supplier_return": ("get", lambda c: {"pk": c["contract"].pk, "number": 1}, SUPPLIERS_ONLY),
    "supplier_return_upload": ("get", lambda c: {"pk": c["contract"].pk, "number": 1}, SUPPLIERS_ONLY),
    "supplier_evidence": (
        "get",
        lambda c: {"pk": c["contract"].pk, "evidence_pk": c["evidence"].pk},
        SUPPLIERS_ONLY,
    ),
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
            "diversity_viewer": 403,
            "contract_manager": 403,
            "cabinet_member": 403,
            "other_council_officer": 403,
            "supplier_user": 200,
        },
    ),
    # ---- suppliers: registration (public) and the supplier's own pages
    "register_start": ("get", lambda c: {}, EVERYONE),
    "register_organisation": ("get", lambda c: {}, EVERYONE),
    "supplier_details_edit": ("get", lambda c: {"supplier": _supplier_users_supplier(c).pk}, SUPPLIER_ONLY),
    "colleague_invite": ("get", lambda c: {"supplier": _supplier_users_supplier(c).pk}, SUPPLIER_ONLY),
    "questionnaire": ("get", _open_questionnaire_kwargs, SUPPLIER_ONLY),
    "questionnaire_answer": ("get", _open_questionnaire_kwargs, SUPPLIER_ONLY),
    "questionnaire_withdraw": ("get", _open_questionnaire_kwargs, SUPPLIER_ONLY),
    # ---- suppliers: council pages
    "supplier_list": ("get", lambda c: {"council": c["council"].slug}, READ),
    "supplier_detail": ("get", lambda c: {"council": c["council"].slug, "pk": _dealing_supplier(c).pk}, READ),
    "supplier_invite": ("get", lambda c: {"council": c["council"].slug}, MANAGERS),
    "campaign_list": ("get", lambda c: {"council": c["council"].slug}, READ),
    "campaign_create": ("get", lambda c: {"council": c["council"].slug}, MANAGERS),
    "campaign_detail": ("get", _closed_campaign_kwargs, READ),
    "campaign_dashboard": ("get", _closed_campaign_kwargs, READ),
    "campaign_export": ("get", _closed_campaign_kwargs, READ),
    "campaign_responses": ("get", _closed_campaign_kwargs, DIVERSITY_ONLY),
    "campaign_response_detail": ("get", _response_kwargs, DIVERSITY_ONLY),
    "diversity_settings": ("get", lambda c: {"council": c["council"].slug}, ADMIN_ONLY),
    "diversity_access": ("get", lambda c: {"council": c["council"].slug}, ADMIN_ONLY),
    "diversity_access_revoke": ("post", _access_grant_kwargs, ADMIN_ONLY_POST),
    "diversity_access_log": ("get", lambda c: {"council": c["council"].slug}, ADMIN_ONLY),
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
    contract, kpi_return, evidence = _monitored_contract(council, supplier, users["supplier_user"])
    other_supplier = SupplierFactory(name="Someone Else Ltd")
    return {
        "opened_tender": opened_tender,
        "awarded": awarded,
        "council": council,
        "other_council": other_council,
        "users": users,
        "procurement": procurement,
        "open_procurement": open_procurement,
        "contract": contract,
        "kpi_return": kpi_return,
        "evidence": evidence,
        "other_contract": ContractFactory(council=council, supplier=other_supplier),
    }


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _monitored_contract(council, supplier, supplier_user):
    """A contract of supplier_user's organisation with a KPI and a submitted return carrying a PDF."""
    from procurement import contract_services

    contract = ContractFactory(council=council, supplier=supplier)
    kpi = KpiFactory(contract=contract)
    kpi_return = contract_services.return_open(contract=contract, number=1)
    contract_services.return_save(
        kpi_return=kpi_return,
        by=supplier_user,
        lines={kpi.pk: (Decimal("5"), "")},
    )
    contract_services.return_submit(kpi_return=kpi_return, by=supplier_user)
    contract_services.evidence_attach(
        kpi_return=kpi_return, by=supplier_user, uploads=[contract_services.Upload("payroll.pdf", PDF)]
    )
    return contract, kpi_return, kpi_return.evidence.get()


def test_a_supplier_cannot_reach_another_suppliers_contract(client, ctx):
    """Isolation: every supplier contract page of someone else's contract is 404, and nothing is saved."""
    client.force_login(ctx["users"]["supplier_user"])
    pk = ctx["other_contract"].pk
    for name, kwargs in [
        ("supplier_contract_detail", {"pk": pk}),
        ("supplier_return", {"pk": pk, "number": 1}),
        ("supplier_return_upload", {"pk": pk, "number": 1}),
        ("supplier_evidence", {"pk": pk, "evidence_pk": ctx["evidence"].pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    response = client.post(reverse("supplier_return", kwargs={"pk": pk, "number": 1}), {"action": "submit"})
    assert response.status_code == 404
    assert not ctx["other_contract"].returns.exists()
    assert ctx["other_contract"].reference not in client.get(reverse("supplier_contract_list")).content.decode()


def test_a_council_cannot_reach_another_councils_contract_through_its_own_slug(client, ctx, other_council_officer):
    client.force_login(other_council_officer)
    url = reverse("contract_detail", kwargs={"council": ctx["other_council"].slug, "pk": ctx["contract"].pk})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, ctx, name):
    """One URL, every role. Each request runs in a savepoint rolled back afterwards, so a POST one
    role may make (a council admin moving a theme) leaves the next role the same data; every
    role's answer is checked and all the wrong ones reported together."""
    method, kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs(ctx))
    wrong = []
    for role in ROLE_FIXTURES:
        client.logout()
        user = ctx["users"][role]
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            response = getattr(client, method)(url, {"direction": "up"} if method == "post" else None)
            transaction.set_rollback(True)
        if response.status_code != expected[role]:
            wrong.append(f"{role}: {response.status_code}, expected {expected[role]}")
        elif role == "anonymous" and expected[role] == 302 and not response["Location"].startswith(LOGIN):
            wrong.append(f"anonymous: sent to {response['Location']}, not to sign in")
    assert not wrong, f"{method.upper()} {url}\n" + "\n".join(wrong)


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
