"""The supplier's home page says what needs doing (JOURNEYS, supplier user: "your contracts with
returns due", "your tenders (draft / submitted)", "opportunities open to you") — only theirs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.contract_models import KpiReturn, ReturnStatus
from procurement.models import Stage
from procurement.tests.factories import ContractFactory, ProcurementFactory, TenderFactory

pytestmark = pytest.mark.django_db


def _supplier(user):
    return user.supplier_memberships.get().supplier


def _overdue_contract(council, supplier, reference):
    """A contract 250 days in: its first two quarters ended over 28 days ago with no return sent
    (overdue); the third has not ended."""
    start = timezone.localdate() - datetime.timedelta(days=250)
    return ContractFactory(
        council=council, supplier=supplier, reference=reference, start_date=start,
        end_date=start + datetime.timedelta(days=3 * 365),
    )  # fmt: skip


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("supplier_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_returns_due_corrections_drafts_and_opportunities_are_on_the_home_page(
    client, council, supplier_user, other_supplier_user
):
    mine, theirs = _supplier(supplier_user), _supplier(other_supplier_user)
    contract = _overdue_contract(council, mine, "C-MINE")
    _overdue_contract(council, theirs, "C-THEIRS")
    period = contract.periods()[0]
    KpiReturn.objects.create(
        contract=contract, number=1, period_start=period.start, period_end=period.end,
        status=ReturnStatus.CHANGES_REQUESTED,
    )  # fmt: skip
    draft = TenderFactory(
        supplier=mine, procurement=ProcurementFactory(council=council, stage=Stage.TENDERING, title="Parks lot 1")
    )
    TenderFactory(
        supplier=theirs, procurement=ProcurementFactory(council=council, stage=Stage.TENDERING, title="Their lot")
    )
    ProcurementFactory(council=council, stage=Stage.TENDERING, open_to_all=True, title="Open lot")
    page = _home(client, supplier_user)
    assert "What needs doing" in page
    # Return 1 was sent back: a correction, not a return still to send; return 2 is overdue.
    assert "asked you to correct 1 return" in page
    assert reverse("supplier_return", kwargs={"pk": contract.pk, "number": 1}) in page
    assert reverse("supplier_return", kwargs={"pk": contract.pk, "number": 2}) in page
    assert "Overdue" in page
    assert reverse("tender_edit", kwargs={"pk": draft.procurement.pk}) in page
    assert "Parks lot 1" in page
    assert "opportunity is open to you with no tender started" in page or "opportunities are open" in page
    # Nothing of the other supplier's.
    assert "C-THEIRS" not in page and "Their lot" not in page


def test_with_nothing_to_do_the_page_says_so(client, supplier_user):
    assert "Nothing needs doing now." in _home(client, supplier_user)


def test_a_submitted_tender_or_a_passed_deadline_is_not_a_draft_to_finish(client, council, supplier_user):
    mine = _supplier(supplier_user)
    TenderFactory(
        supplier=mine,
        submitted_at=timezone.now(),
        procurement=ProcurementFactory(council=council, stage=Stage.TENDERING, title="Sent lot"),
    )
    TenderFactory(
        supplier=mine,
        procurement=ProcurementFactory(
            council=council,
            stage=Stage.TENDERING,
            title="Late lot",
            tender_deadline=timezone.now() - datetime.timedelta(hours=1),
        ),
    )
    page = _home(client, supplier_user)
    assert "Sent lot" not in page and "Late lot" not in page


@pytest.mark.parametrize("size", [1, 10])
def test_the_home_page_runs_a_fixed_number_of_queries(client, council, supplier_user, size, django_assert_num_queries):
    mine = _supplier(supplier_user)
    for n in range(size):
        _overdue_contract(council, mine, f"C-{n}")
        TenderFactory(supplier=mine, procurement=ProcurementFactory(council=council, stage=Stage.TENDERING))
        ProcurementFactory(council=council, stage=Stage.TENDERING, open_to_all=True)
    client.force_login(supplier_user)
    url = reverse("supplier_home")
    client.get(url)
    # savepoint, session, user, organisations, members, answers, questionnaires, administered,
    # contracts, returns sent, returns sent back, drafts, opportunities not started, navigation (2), release
    with django_assert_num_queries(16):
        page = client.get(url).content.decode()
    assert f"Returns to send: {2 * size}, {2 * size} overdue" in page and page.count("Overdue") == min(2 * size, 5)
