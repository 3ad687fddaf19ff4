"""The dashboard and contract lists run the same number of queries at 10 and 1,000 contracts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement.contract_models import KpiReturn, LineStatus, PerformanceRating, ReturnLine, ReturnStatus
from procurement.models import Contract, Kpi

pytestmark = pytest.mark.django_db


def _add_contracts(council, supplier, manager, count, offset):
    """``count`` contracts a year into three years, each with two KPIs, a return and (every other one) a rating."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    contracts = Contract.objects.bulk_create(
        Contract(
            council=council,
            supplier=supplier,
            contract_manager=manager,
            reference=f"Q-{offset + i:05d}",
            title=f"Contract {offset + i}",
            value=Decimal("6000000") if i % 3 == 0 else Decimal("250000"),
            start_date=start,
            end_date=start + datetime.timedelta(days=3 * 365),
        )
        for i in range(count)
    )
    kpis = Kpi.objects.bulk_create(
        Kpi(
            contract=c,
            name=f"KPI {n}",
            unit="weeks",
            target_quantity=Decimal("300"),
            proxy_value=Decimal("10"),
            target_value=Decimal("3000"),
            position=n,
        )
        for c in contracts
        for n in (1, 2)
    )
    returns = KpiReturn.objects.bulk_create(
        KpiReturn(
            contract=c,
            number=1,
            period_start=c.start_date,
            period_end=c.start_date + datetime.timedelta(days=89),
            status=ReturnStatus.SUBMITTED,
        )
        for c in contracts
    )
    by_contract = {r.contract_id: r for r in returns}
    ReturnLine.objects.bulk_create(
        ReturnLine(
            kpi_return=by_contract[k.contract_id],
            kpi=k,
            quantity=Decimal("60"),
            status=LineStatus.ACCEPTED if k.position == 1 else LineStatus.PENDING,
        )
        for k in kpis
    )
    PerformanceRating.objects.bulk_create(
        PerformanceRating(
            contract=c, rating="good", reason="Fine", recorded_by=manager, rated_on=today - datetime.timedelta(days=300)
        )
        for c in contracts[::2]
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who, url_name", [("contract_manager", "contract_dashboard"), ("officer", "contract_list")])
def test_council_pages_run_a_fixed_number_of_queries(
    client, council, supplier_user, request, who, url_name, django_assert_num_queries
):
    user = request.getfixturevalue(who)
    manager = request.getfixturevalue("contract_manager")
    supplier = supplier_user.supplier_memberships.get().supplier
    url = reverse(url_name, kwargs={"council": council.slug})
    client.force_login(user)
    _add_contracts(council, supplier, manager, 10, 0)
    client.get(url)  # warm the session
    at_ten = _queries(client, url)
    _add_contracts(council, supplier, manager, 990, 10)
    with django_assert_num_queries(at_ten):
        response = client.get(url)
    assert response.status_code == 200
    if url_name == "contract_dashboard":
        page = response.content.decode()
        assert "Returns to verify (1000)" in page
        assert "Performance ratings due (500)" in page
        assert "fewer than three KPIs (334)" in page


def test_supplier_contract_list_runs_a_fixed_number_of_queries(
    client, council, supplier_user, contract_manager, django_assert_num_queries
):
    supplier = supplier_user.supplier_memberships.get().supplier
    url = reverse("supplier_contract_list")
    client.force_login(supplier_user)
    _add_contracts(council, supplier, contract_manager, 10, 0)
    client.get(url)
    at_ten = _queries(client, url)
    _add_contracts(council, supplier, contract_manager, 990, 10)
    with django_assert_num_queries(at_ten):
        assert client.get(url).status_code == 200
