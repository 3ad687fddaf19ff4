"""Contract monitoring through its pages: RAG, the s.52 KPI rule, returns, evidence, CSV, verification,
ratings, reminders and the council's tolerances."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from procurement import contract_services
from procurement.contract_models import (
    Evidence,
    KpiReturn,
    LineStatus,
    PerformanceRating,
    ReminderSent,
    ReturnLine,
    ReturnStatus,
)
from procurement.models import Contract, Kpi
from procurement.tests.factories import ContractFactory, KpiFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = timezone.localdate


def _supplier(user):
    return user.supplier_memberships.get().supplier


def _contract(council, supplier_user, **kwargs):
    """A three-year contract exactly a third of the way through: a third of each target is expected now."""
    start = TODAY() - datetime.timedelta(days=365)
    kwargs.setdefault("start_date", start)
    kwargs.setdefault("end_date", start + datetime.timedelta(days=3 * 365))
    return ContractFactory(council=council, supplier=_supplier(supplier_user), **kwargs)


def _accept(kpi, quantity, number=1):
    """Record ``quantity`` of ``kpi`` as delivered and accepted in return ``number``."""
    contract = kpi.contract
    period = contract.periods()[number - 1]
    kpi_return, _ = KpiReturn.objects.get_or_create(
        contract=contract,
        period_start=period.start,
        defaults={"number": number, "period_end": period.end, "status": ReturnStatus.VERIFIED},
    )
    return ReturnLine.objects.create(
        kpi_return=kpi_return, kpi=kpi, quantity=Decimal(quantity), status=LineStatus.ACCEPTED
    )


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _kpi_rag(client, contract):
    response = client.get(contract.get_absolute_url())
    assert response.status_code == 200
    card = re.search(r'app-kpi">.*?govuk-tag [^"]*">([^<]+)<', response.content.decode(), re.S)
    return card.group(1)


# ----------------------------------------------------------------------------------- RAG


@pytest.mark.parametrize(
    "delivered, rag",
    [
        ("110", "Ahead of schedule"),
        ("109.99", "On track"),
        ("90", "On track"),
        ("89.99", "At risk"),
        ("70", "At risk"),
        ("69.99", "Failing"),
        ("0", "Failing"),
    ],
)
def test_kpi_rag_boundaries_on_the_contract_page(client, council, contract_manager, supplier_user, delivered, rag):
    """300 committed over three years, a year in: 100 expected, so delivered is the pace in %."""
    contract = _contract(council, supplier_user)
    kpi = KpiFactory(contract=contract, target_quantity=Decimal("300"))
    if delivered != "0":
        _accept(kpi, delivered)
    client.force_login(contract_manager)
    assert _kpi_rag(client, contract) == rag


def test_the_councils_own_tolerances_decide_the_rag(client, council, contract_manager, supplier_user):
    council.rag_at_risk_from = Decimal("50")
    council.save()
    contract = _contract(council, supplier_user)
    _accept(KpiFactory(contract=contract, target_quantity=Decimal("300")), "60")
    client.force_login(contract_manager)
    assert _kpi_rag(client, contract) == "At risk"


def test_only_accepted_lines_count_as_delivered(client, council, contract_manager, supplier_user):
    contract = _contract(council, supplier_user)
    kpi = KpiFactory(contract=contract, target_quantity=Decimal("300"), proxy_value=Decimal("10"))
    _accept(kpi, "50")
    pending_return = KpiReturn.objects.create(
        contract=contract,
        number=2,
        period_start=contract.periods()[1].start,
        period_end=contract.periods()[1].end,
        status=ReturnStatus.SUBMITTED,
    )
    ReturnLine.objects.create(kpi_return=pending_return, kpi=kpi, quantity=Decimal("40"))
    client.force_login(contract_manager)
    page = _text(client.get(contract.get_absolute_url()))
    assert "Social value delivered £500.00 (16.7% of committed)" in page
    assert "Delivered 50 weeks (£500.00)" in page


# ------------------------------------------------------------------------- Procurement Act s.52


@pytest.mark.parametrize(
    "value, kpis, flagged",
    [("5000000.01", 2, True), ("5000000", 2, False), ("7500000", 3, False), ("7500000", 0, True)],
)
def test_contracts_over_5m_need_three_kpis(client, council, contract_manager, supplier_user, value, kpis, flagged):
    contract = _contract(council, supplier_user, value=Decimal(value))
    KpiFactory.create_batch(kpis, contract=contract)
    client.force_login(contract_manager)
    detail = client.get(contract.get_absolute_url()).content.decode()
    dashboard = _text(client.get(reverse("contract_dashboard", kwargs={"council": council.slug})))
    assert ("requires at least three KPIs. Add" in detail) is flagged
    assert (f"{contract.reference}: {contract.title} – " in dashboard.split("fewer than three KPIs")[1]) is flagged


# ---------------------------------------------------------------------------- supplier returns


def _return_url(contract, number=1):
    return reverse("supplier_return", kwargs={"pk": contract.pk, "number": number})


def test_supplier_submits_a_return_with_pdf_evidence(client, council, supplier_user):
    contract = _contract(council, supplier_user)
    first, second = KpiFactory(contract=contract), KpiFactory(contract=contract)
    client.force_login(supplier_user)
    response = client.post(
        _return_url(contract),
        {
            f"quantity_{first.pk}": "12",
            f"comment_{first.pk}": "Two apprentices",
            f"quantity_{second.pk}": "3.5",
            "evidence": SimpleUploadedFile("payroll.pdf", PDF, content_type="application/pdf"),
            "evidence_kpi": str(first.pk),
            "action": "submit",
        },
    )
    assert response.status_code == 302
    kpi_return = KpiReturn.objects.get(contract=contract)
    assert kpi_return.status == ReturnStatus.SUBMITTED and kpi_return.submitted_by == supplier_user
    assert {line.kpi_id: line.quantity for line in kpi_return.lines.all()} == {
        first.pk: Decimal("12"),
        second.pk: Decimal("3.5"),
    }
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "payroll.pdf",
        "application/pdf",
        len(PDF),
    )
    assert evidence.line.kpi == first
    download = client.get(reverse("supplier_evidence", kwargs={"pk": contract.pk, "evidence_pk": evidence.pk}))
    assert b"".join(download.streaming_content) == PDF


def test_evidence_that_claims_to_be_a_pdf_but_is_not_is_refused_and_nothing_saved(client, council, supplier_user):
    contract = _contract(council, supplier_user)
    kpi = KpiFactory(contract=contract)
    client.force_login(supplier_user)
    response = client.post(
        _return_url(contract),
        {
            f"quantity_{kpi.pk}": "12",
            "evidence": SimpleUploadedFile("payroll.pdf", b"MZ\x90\x00\x03\x00\x00\x00 not a pdf", "application/pdf"),
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert "payroll.pdf must be a PDF, an image (PNG, JPEG, GIF, WebP), a spreadsheet or a CSV file" in _text(response)
    assert not ReturnLine.objects.exists()
    assert not Evidence.objects.exists()


def test_a_return_cannot_be_submitted_without_every_kpi(client, council, supplier_user, settings):
    contract = _contract(council, supplier_user)
    first = KpiFactory(contract=contract)
    KpiFactory(contract=contract, name="Local jobs")
    client.force_login(supplier_user)
    response = client.post(
        _return_url(contract),
        {
            f"quantity_{first.pk}": "12",
            "evidence": SimpleUploadedFile("payroll.pdf", PDF, "application/pdf"),
            "action": "submit",
        },
    )
    assert "Enter the quantity delivered for Local jobs" in _text(response)
    assert not ReturnLine.objects.exists()  # all or nothing
    assert not Evidence.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*"))  # no file left on disk


def test_a_future_period_is_not_open_for_returns(client, council, supplier_user):
    contract = _contract(council, supplier_user)
    KpiFactory(contract=contract)
    client.force_login(supplier_user)
    response = client.post(_return_url(contract, 12), {"action": "submit"})
    assert response.status_code == 302
    assert not KpiReturn.objects.exists()
    assert client.get(_return_url(contract, 99)).status_code == 404


def _upload(client, contract, text, number=1):
    url = reverse("supplier_return_upload", kwargs={"pk": contract.pk, "number": number})
    return client.post(url, {"file": SimpleUploadedFile("return.csv", text.encode(), "text/csv")})


def test_a_csv_with_one_bad_row_saves_nothing_and_names_the_row(client, council, supplier_user):
    contract = _contract(council, supplier_user)
    KpiFactory(contract=contract, name="Apprenticeship weeks")
    KpiFactory(contract=contract, name="Local jobs")
    client.force_login(supplier_user)
    response = _upload(client, contract, "kpi,quantity,comment\n1,12,Two apprentices\n2,lots,\n")
    assert response.status_code == 200
    assert "Row 3, column quantity: 'lots' is not a number" in _text(response).replace("&#x27;", "'")
    assert not KpiReturn.objects.filter(lines__isnull=False).exists()
    assert not ReturnLine.objects.exists()


def test_a_good_csv_fills_the_return_as_a_draft(client, council, supplier_user):
    contract = _contract(council, supplier_user)
    first = KpiFactory(contract=contract, name="Apprenticeship weeks")
    second = KpiFactory(contract=contract, name="Local jobs")
    client.force_login(supplier_user)
    response = _upload(client, contract, "KPI,Quantity,Comment\n1,12,Two apprentices\nlocal jobs,3,\n")
    assert response.status_code == 302
    kpi_return = KpiReturn.objects.get()
    assert kpi_return.status == ReturnStatus.DRAFT
    assert {line.kpi_id: (line.quantity, line.comment) for line in kpi_return.lines.all()} == {
        first.pk: (Decimal("12"), "Two apprentices"),
        second.pk: (Decimal("3"), ""),
    }


# ---------------------------------------------------------------------------------- verification


def _submitted(contract, supplier_user, quantities):
    kpis = list(contract.kpis.all())
    kpi_return = contract_services.return_open(contract=contract, number=1)
    contract_services.return_save(
        kpi_return=kpi_return,
        by=supplier_user,
        lines={kpi.pk: (Decimal(q), "") for kpi, q in zip(kpis, quantities, strict=True)},
    )
    return contract_services.return_submit(kpi_return=kpi_return, by=supplier_user)


def test_manager_rejects_a_line_with_a_reason_and_the_supplier_corrects_it(
    client, council, contract_manager, supplier_user
):
    contract = _contract(council, supplier_user)
    first, second = KpiFactory(contract=contract), KpiFactory(contract=contract)
    kpi_return = _submitted(contract, supplier_user, ["40", "500"])
    lines = {line.kpi_id: line for line in kpi_return.lines.all()}
    url = reverse("return_verify", kwargs={"council": council.slug, "pk": contract.pk, "return_pk": kpi_return.pk})
    client.force_login(contract_manager)

    # Rejecting needs a reason; nothing is saved until every decision is valid.
    no_reason = {f"decision_{lines[first.pk].pk}": "accept", f"decision_{lines[second.pk].pk}": "reject"}
    response = client.post(url, no_reason)
    assert "Give the reason for rejecting" in _text(response)
    assert not ReturnLine.objects.exclude(status=LineStatus.PENDING).exists()

    response = client.post(url, {**no_reason, f"reason_{lines[second.pk].pk}": "The payroll shows 50 weeks, not 500"})
    assert response.status_code == 302
    kpi_return.refresh_from_db()
    assert kpi_return.status == ReturnStatus.CHANGES_REQUESTED
    assert ReturnLine.objects.get(kpi=second).reason == "The payroll shows 50 weeks, not 500"

    # The supplier sees the reason and may change only the rejected line.
    client.force_login(supplier_user)
    page = _text(client.get(_return_url(contract)))
    assert "The council rejected 500 weeks: The payroll shows 50 weeks, not 500" in page
    response = client.post(
        _return_url(contract), {f"quantity_{first.pk}": "999", f"quantity_{second.pk}": "50", "action": "submit"}
    )
    assert response.status_code == 302
    assert ReturnLine.objects.get(kpi=first).quantity == Decimal("40")  # accepted: unchanged
    corrected = ReturnLine.objects.get(kpi=second)
    assert (corrected.quantity, corrected.status) == (Decimal("50"), LineStatus.PENDING)
    assert corrected.history.filter(status=LineStatus.REJECTED).exists()  # the rejection stays in history

    client.force_login(contract_manager)
    assert client.post(url, {f"decision_{corrected.pk}": "accept"}).status_code == 302
    kpi_return.refresh_from_db()
    assert kpi_return.status == ReturnStatus.VERIFIED
    contract = Contract.objects.with_performance().get(pk=contract.pk)
    assert contract.delivered_value == Decimal("900")  # (40 + 50) × £10


def test_officers_who_are_not_managers_cannot_verify(client, council, officer, supplier_user):
    contract = _contract(council, supplier_user)
    KpiFactory(contract=contract)
    kpi_return = _submitted(contract, supplier_user, ["1"])
    url = reverse("return_verify", kwargs={"council": council.slug, "pk": contract.pk, "return_pk": kpi_return.pk})
    client.force_login(officer)
    assert client.post(url, {f"decision_{kpi_return.lines.get().pk}": "accept"}).status_code == 403
    assert kpi_return.lines.get().status == LineStatus.PENDING


# ------------------------------------------------------------------------ ratings and remedies


def test_rating_is_due_yearly_and_at_the_end(client, council, contract_manager, supplier_user):
    running = _contract(council, supplier_user)  # a year in, never rated
    young = _contract(council, supplier_user, start_date=TODAY() - datetime.timedelta(days=100))
    ended = _contract(council, supplier_user, start_date=TODAY() - datetime.timedelta(days=800), end_date=TODAY())
    ended.end_date = TODAY() - datetime.timedelta(days=1)
    ended.save()
    client.force_login(contract_manager)
    dashboard = _text(client.get(reverse("contract_dashboard", kwargs={"council": council.slug})))
    section = dashboard.split("Performance ratings due")[1].split("Over £5 million")[0]
    assert f"{running.reference}: {running.title} – Yearly rating due" in section
    assert f"{ended.reference}: {ended.title} – Final rating due" in section
    assert young.reference not in section

    response = client.post(
        reverse("rating_add", kwargs={"council": council.slug, "pk": running.pk}),
        {"rating": "approaching", "reason": "Apprenticeships behind plan", "rated_on": TODAY().isoformat()},
    )
    assert response.status_code == 302
    rating = PerformanceRating.objects.get()
    assert (rating.rating, rating.recorded_by) == ("approaching", contract_manager)
    client.post(
        reverse("rating_add", kwargs={"council": council.slug, "pk": ended.pk}),
        {"rating": "good", "reason": "Delivered", "rated_on": TODAY().isoformat(), "is_final": "on"},
    )
    dashboard = _text(client.get(reverse("contract_dashboard", kwargs={"council": council.slug})))
    assert "No ratings are due." in dashboard


def test_manager_records_a_penalty_for_non_delivery(client, council, contract_manager, supplier_user):
    contract = _contract(council, supplier_user)
    client.force_login(contract_manager)
    response = client.post(
        reverse("remedy_add", kwargs={"council": council.slug, "pk": contract.pk}),
        {"kind": "penalty", "description": "Apprentice weeks not delivered", "amount": "2500", "date": "2026-01-15"},
    )
    assert response.status_code == 302
    page = _text(client.get(contract.get_absolute_url()))
    assert "Penalty for non-delivery Apprentice weeks not delivered £2,500.00" in page


# ------------------------------------------------------------------------------ entering contracts


def test_an_officer_enters_an_existing_contract_and_adds_a_kpi(client, council, officer, contract_manager):
    client.force_login(officer)
    url = reverse("contract_create", kwargs={"council": council.slug})
    data = {
        "reference": "CCC-2023-001",
        "title": "School meals",
        "new_supplier_name": "Meals on Time CIC",
        "value": "1200000",
        "start_date": "2023-09-01",
        "end_date": "2023-08-31",
        "contract_manager": contract_manager.pk,
        "status": "active",
        "reporting_period_months": "3",
    }
    response = client.post(url, data)
    assert "The end date must be on or after the start date" in _text(response)
    assert not Contract.objects.exists()
    response = client.post(url, {**data, "end_date": "2026-08-31"})
    contract = Contract.objects.get()
    assert response["Location"] == contract.get_absolute_url()
    assert (contract.supplier.name, contract.council, contract.contract_manager) == (
        "Meals on Time CIC",
        council,
        contract_manager,
    )
    response = client.post(
        reverse("kpi_add", kwargs={"council": council.slug, "pk": contract.pk}),
        {"name": "Meals using local produce", "unit": "meals", "target_quantity": "5000", "proxy_value": "0.5"},
    )
    assert response.status_code == 302
    kpi = Kpi.objects.get()
    assert (kpi.target_value, kpi.position) == (Decimal("2500.00"), 1)


def test_the_register_filters_by_status_and_manager(client, council, officer, contract_manager, supplier_user):
    mine = _contract(council, supplier_user, contract_manager=contract_manager, title="Mine")
    _contract(council, supplier_user, title="Unassigned")
    ended = _contract(council, supplier_user, title="Finished", status="completed")
    client.force_login(officer)
    url = reverse("contract_list", kwargs={"council": council.slug})
    page = _text(client.get(url, {"manager": contract_manager.pk}))
    assert mine.title in page and "Unassigned" not in page
    page = _text(client.get(url, {"status": "completed"}))
    assert ended.title in page and "Mine" not in page


# ------------------------------------------------------------------------------------ reminders


def test_reminders_are_sent_once_for_due_and_overdue_returns(
    council, supplier_user, django_capture_on_commit_callbacks
):
    # Periods 1-3 ended; 1 and 2 overdue, 3 due (ended within the last 28 days), 4 not yet ended.
    start = TODAY() - datetime.timedelta(days=280)
    contract = _contract(council, supplier_user, start_date=start, end_date=start + datetime.timedelta(days=1000))
    KpiFactory(contract=contract)
    _accept(contract.kpis.get(), "1", number=1)  # period 1 has a return: no reminder
    with_period_3_due = [p for p in contract.periods() if p.end < TODAY()]
    assert len(with_period_3_due) == 3

    with django_capture_on_commit_callbacks(execute=True):
        sent = contract_services.return_reminders_send()
    assert sent == 2
    assert sorted(m.subject.split(":")[0] for m in mail.outbox) == ["Due", "Overdue"]
    assert mail.outbox[0].to == ["frank@acme.example"]
    with django_capture_on_commit_callbacks(execute=True):
        assert contract_services.return_reminders_send() == 0  # a rerun resends nothing
    assert len(mail.outbox) == 2
    assert ReminderSent.objects.count() == 2


# ---------------------------------------------------------------------------------- settings


def test_admin_changes_rag_tolerances_on_the_settings_page(client, council, council_admin):
    client.force_login(council_admin)
    page = _text(client.get(reverse("council_settings", kwargs={"council": council.slug})))
    assert "At risk from (% of expected delivery) 70.0%" in page
    url = reverse("council_settings_edit", kwargs={"council": council.slug})
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    response = client.post(url, {**data, "rag_on_track_from": "60"})
    assert "Ahead of schedule must start above on track, and on track above at risk." in _text(response)
    response = client.post(url, {**data, "rag_at_risk_from": "50"})
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.rag_at_risk_from == Decimal("50")


def test_the_reminder_task_is_scheduled_daily_and_runs(settings, council, supplier_user):
    from procurement.tasks import send_return_reminders

    assert settings.CELERY_BEAT_SCHEDULE["return-reminders"]["task"] == "procurement.tasks.send_return_reminders"
    _contract(council, supplier_user)
    assert send_return_reminders.delay().get() == 4  # a year in: four quarters ended, none reported
