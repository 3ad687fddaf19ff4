"""A supplier saves and submits KPI returns through the API, under the rules of the return page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.tests.factories import supplier_of
from procurement import monitoring
from procurement.contract_models import KpiReturn, LineStatus, ReturnLine, ReturnStatus
from procurement.models import Contract
from procurement.tests.factories import ContractFactory, KpiFactory

pytestmark = pytest.mark.django_db

URL = "/api/returns/"


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def contract(council, supplier_user, contract_manager):
    """A year into three, managed by the contract manager, with two KPIs: periods 1–4 are open."""
    contract = ContractFactory(council=council, supplier=supplier_of(supplier_user), contract_manager=contract_manager)
    KpiFactory(contract=contract, name="Apprenticeship weeks", unit="weeks")
    KpiFactory(contract=contract, name="Local jobs", unit="FTE")
    return contract


def _lines(contract, *quantities):
    return [
        {"kpi": kpi.pk, "quantity": q, "comment": f"note {n}"}
        for n, (kpi, q) in enumerate(zip(contract.kpis.all(), quantities, strict=True))
    ]


def _post(client, contract, lines, number=1, submit=True):
    return client.post(
        URL, {"contract": contract.pk, "number": number, "lines": lines, "submit": submit}, format="json"
    )


def _nothing_stored():
    return not KpiReturn.objects.exists() and not ReturnLine.objects.exists()


def test_a_supplier_submits_a_return_and_the_manager_sees_it_awaiting_verification(
    council, contract, supplier_user, contract_manager
):
    response = _post(token_client(supplier_user), contract, _lines(contract, "12", "3.5"))
    assert response.status_code == 201, response.content
    body = response.json()
    period = contract.periods()[0]
    assert (body["contract"], body["number"], body["status"]) == (contract.pk, 1, "submitted")
    assert (body["period_start"], body["period_end"]) == (period.start.isoformat(), period.end.isoformat())
    assert body["submitted_at"] and body["verified_at"] is None
    fields = ("kpi_name", "unit", "quantity", "comment", "status")
    assert [tuple(line[f] for f in fields) for line in body["lines"]] == [
        ("Apprenticeship weeks", "weeks", "12.0000", "note 0", "pending"),
        ("Local jobs", "FTE", "3.5000", "note 1", "pending"),
    ]
    stored = KpiReturn.objects.get()
    assert stored.status == ReturnStatus.SUBMITTED and stored.submitted_by == supplier_user
    assert {line.kpi.name: line.quantity for line in stored.lines.all()} == {
        "Apprenticeship weeks": Decimal("12"),
        "Local jobs": Decimal("3.5"),
    }
    # The contract manager finds it where the pages look: "Contracts needing attention" and the API.
    attention = monitoring.attention(
        Contract.objects.visible_to(contract_manager).for_council(council),
        today=timezone.localdate(),
        tolerances=monitoring.tolerances_for(council),
    )
    assert [(c.pk, lines) for c, lines in attention.awaiting] == [(contract.pk, 2)]
    listed = token_client(contract_manager).get(URL, {"status": "submitted", "contract": contract.pk}).json()
    assert [r["id"] for r in listed["results"]] == [stored.pk]


def test_a_draft_is_saved_then_completed_and_submitted_by_session(client, contract, supplier_user):
    client = APIClient()
    client.force_login(supplier_user)
    first, second = contract.kpis.all()
    draft = _post(client, contract, [{"kpi": first.pk, "quantity": 4}], number=2, submit=False)
    assert draft.status_code == 201, draft.content
    assert draft.json()["status"] == "draft" and len(draft.json()["lines"]) == 1
    done = _post(client, contract, [{"kpi": second.pk, "quantity": "0"}], number=2)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted"
    assert [line["quantity"] for line in done.json()["lines"]] == ["4.0000", "0.0000"]  # the first kept


def test_another_supplier_gets_404_for_the_contract_and_nothing_is_stored(contract, other_supplier_user):
    response = _post(token_client(other_supplier_user), contract, _lines(contract, "1", "1"))
    assert response.status_code == 404
    assert _nothing_stored()


@pytest.mark.parametrize("role", ["officer", "contract_manager", "council_admin"])
def test_council_users_cannot_submit(request, contract, role):
    response = _post(token_client(request.getfixturevalue(role)), contract, _lines(contract, "1", "1"))
    assert response.status_code == 403
    assert "supplier" in response.json()["detail"]
    assert _nothing_stored()


@pytest.mark.parametrize(
    "quantity, message",
    [
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("lots", "A valid number is required."),
        ("1.23456", "Ensure that there are no more than 4 decimal places."),
        ("NaN", "A valid number is required."),
    ],
)
def test_a_bad_quantity_is_a_400_naming_the_line_and_nothing_is_stored(contract, supplier_user, quantity, message):
    response = _post(token_client(supplier_user), contract, _lines(contract, "2", quantity))
    assert response.status_code == 400
    assert response.json() == {"lines": {"1": {"quantity": [message]}}}  # lines[1].quantity
    assert _nothing_stored()


def test_the_services_rules_are_400s_naming_the_field_and_store_nothing(
    council, contract, supplier_user, other_supplier_user
):
    client = token_client(supplier_user)
    first, _ = contract.kpis.all()
    # Every KPI needs a figure before submitting (and the figures given are not kept: all or nothing).
    response = _post(client, contract, [{"kpi": first.pk, "quantity": "1"}])
    assert response.status_code == 400
    assert response.json() == {"submit": ["Enter the quantity delivered for Local jobs"]}
    assert _nothing_stored()
    # A period that has not started, or does not exist.
    response = _post(client, contract, _lines(contract, "1", "1"), number=12)
    assert response.status_code == 400 and list(response.json()) == ["number"]
    assert "open when the period starts" in response.json()["number"][0]
    response = _post(client, contract, _lines(contract, "1", "1"), number=99)
    assert response.json() == {"number": ["This contract has no reporting period 99"]}
    # Another contract's KPI.
    elsewhere = KpiFactory(contract=ContractFactory(council=council, supplier=supplier_of(supplier_user)))
    response = _post(client, contract, [{"kpi": elsewhere.pk, "quantity": "1"}])
    assert response.status_code == 400 and list(response.json()) == ["lines"]
    # The same KPI twice.
    response = _post(client, contract, [{"kpi": first.pk, "quantity": "1"}, {"kpi": first.pk, "quantity": "2"}])
    assert response.json() == {"lines": ["Give each KPI once"]}
    # A missing field, and an id too large for the database.
    response = client.post(URL, {"contract": 2**63, "lines": [{"kpi": first.pk}]}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"contract", "number", "lines"}
    assert response.json()["lines"] == {"0": {"quantity": ["This field is required."]}}
    assert _nothing_stored()


def test_a_submitted_return_cannot_be_changed_until_a_line_is_rejected(contract, supplier_user, contract_manager):
    from procurement import contract_services

    client = token_client(supplier_user)
    assert _post(client, contract, _lines(contract, "5", "6")).status_code == 201
    response = _post(client, contract, _lines(contract, "7", "8"))
    assert response.json() == {"lines": ["This return has been submitted: it can no longer be changed"]}
    # The manager verifies on the pages (the services here): rejects the second line.
    kpi_return = KpiReturn.objects.get()
    first_line, second_line = kpi_return.lines.all()
    contract_services.return_verify(
        kpi_return=kpi_return,
        by=contract_manager,
        decisions={first_line.pk: (True, ""), second_line.pk: (False, "No payroll evidence")},
    )
    first, second = contract.kpis.all()
    refused = _post(client, contract, [{"kpi": first.pk, "quantity": "9"}])
    assert refused.status_code == 400 and list(refused.json()) == ["lines"]
    corrected = _post(client, contract, [{"kpi": second.pk, "quantity": "6", "comment": "Payroll attached"}])
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["status"] == "submitted"
    assert [(line["quantity"], line["status"]) for line in corrected.json()["lines"]] == [
        ("5.0000", LineStatus.ACCEPTED),
        ("6.0000", LineStatus.PENDING),
    ]


def test_json_only(contract, supplier_user):
    response = token_client(supplier_user).post(URL, {"contract": contract.pk, "number": 1})
    assert response.status_code == 415


def test_reading_returns_filters_by_contract_and_period(contract, supplier_user):
    client = token_client(supplier_user)
    _post(client, contract, _lines(contract, "1", "1"), number=1)
    _post(client, contract, _lines(contract, "2", "2"), number=2, submit=False)
    assert [r["number"] for r in client.get(URL).json()["results"]] == [1, 2]
    assert [r["number"] for r in client.get(URL, {"number": 2}).json()["results"]] == [2]
    assert [r["status"] for r in client.get(URL, {"status": "draft"}).json()["results"]] == ["draft"]
    assert client.get(URL, {"contract": contract.pk + 1000}).json()["results"] == []
    assert list(client.get(URL, {"number": 40000}).json()) == ["number"]
    one = client.get(URL).json()["results"][0]["id"]
    assert client.get(f"{URL}{one}/").json()["lines"][0]["kpi_name"] == "Apprenticeship weeks"
    assert datetime.date.fromisoformat(client.get(f"{URL}{one}/").json()["period_start"]) == contract.start_date
