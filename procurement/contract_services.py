"""Writes for contract monitoring: KPIs, supplier returns, verification, imports and reminders.

Each is keyword-only and atomic, and raises ``ValidationError`` with a message a person can act on.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template import loader
from django.utils import timezone

from suppliers.models import Supplier, SupplierMember

from . import evidence as evidence_rules
from . import return_csv, schedule
from .contract_models import (
    Evidence,
    KpiReturn,
    LineStatus,
    ReminderSent,
    ReturnLine,
    ReturnStatus,
)
from .models import Contract, ContractSource, ContractStatus, Kpi


@transaction.atomic
def kpi_add(*, contract: Contract, name: str, unit: str, target_quantity: Decimal, proxy_value=None, by) -> Kpi:
    """An officer's own KPI beside the tender's commitments; £ target = quantity × £ per unit if given."""
    if target_quantity is None or target_quantity < 0:
        raise ValidationError({"target_quantity": "Enter a target of 0 or more"})
    position = (contract.kpis.aggregate(m=Max("position"))["m"] or 0) + 1
    target_value = (
        (target_quantity * proxy_value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if proxy_value is not None
        else None
    )
    return Kpi.objects.create(
        contract=contract,
        name=name,
        unit=unit,
        target_quantity=target_quantity,
        proxy_value=proxy_value,
        target_value=target_value,
        position=position,
    )


# ------------------------------------------------------------------------------ returns


def period_of(contract: Contract, number: int) -> schedule.Period:
    periods = contract.periods()
    if not 1 <= number <= len(periods):
        raise ValidationError(f"This contract has no reporting period {number}")
    return periods[number - 1]


@transaction.atomic
def return_open(*, contract: Contract, number: int, today=None) -> KpiReturn:
    """The return for period ``number``, created as a draft the first time; refused before it starts."""
    today = today or timezone.localdate()
    period = period_of(contract, number)
    if period.start > today:
        raise ValidationError(f"Returns for {period.label()} open when the period starts")
    kpi_return, _ = KpiReturn.objects.get_or_create(
        contract=contract,
        period_start=period.start,
        defaults={"number": number, "period_end": period.end},
    )
    return kpi_return


def _editable_kpis(kpi_return: KpiReturn) -> set[int]:
    """Which KPIs the supplier may report now: all while a draft; only rejected lines after review."""
    if kpi_return.status == ReturnStatus.DRAFT:
        return set(kpi_return.contract.kpis.values_list("pk", flat=True))
    if kpi_return.status == ReturnStatus.CHANGES_REQUESTED:
        return set(kpi_return.lines.filter(status=LineStatus.REJECTED).values_list("kpi_id", flat=True))
    raise ValidationError("This return has been submitted: it can no longer be changed")


@dataclass
class Upload:
    name: str
    data: bytes
    kpi_id: int | None = None


@transaction.atomic
def evidence_attach(*, kpi_return: KpiReturn, by, uploads: list[Upload]) -> list[Evidence]:
    """Attach evidence files to a return (or one of its lines); the type is read from the content.

    Call it last in a request's transaction: every file is checked before any is written, so a
    refused file, or an earlier step failing, leaves nothing on disk.
    """
    if kpi_return.status == ReturnStatus.VERIFIED:
        raise ValidationError({"evidence": "This return has been verified: evidence can no longer be added"})
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, evidence_rules.check_evidence(upload.name, upload.data)))
        except evidence_rules.EvidenceError as exc:
            raise ValidationError({"evidence": str(exc)}) from exc
    lines = {line.kpi_id: line for line in kpi_return.lines.all()}
    stored = []
    for upload, kind in checked:
        item = Evidence(
            kpi_return=kpi_return,
            line=lines.get(upload.kpi_id),
            original_name=upload.name[:255],
            content_type=kind.content_type,
            size=len(upload.data),
            uploaded_by=by,
        )
        item.file.save(upload.name, ContentFile(upload.data), save=False)
        item.save()
        stored.append(item)
    return stored


@transaction.atomic
def return_save(*, kpi_return: KpiReturn, by, lines: dict[int, tuple[Decimal, str]]) -> KpiReturn:
    """Save the supplier's figures (KPI id → (quantity, comment)), all or nothing.

    A corrected line goes back to awaiting verification.
    """
    kpi_return = KpiReturn.objects.select_for_update().get(pk=kpi_return.pk)
    editable = _editable_kpis(kpi_return)
    unknown = set(lines) - editable
    if unknown:
        raise ValidationError("Only this contract's KPIs still open for reporting can be changed")
    existing = {line.kpi_id: line for line in kpi_return.lines.all()}
    for kpi_id, (quantity, comment) in lines.items():
        if quantity is None:
            continue
        if quantity < 0:
            raise ValidationError("Quantities must be 0 or more")
        line = existing.get(kpi_id) or ReturnLine(kpi_return=kpi_return, kpi_id=kpi_id)
        line.quantity = quantity
        line.comment = comment or ""
        line.status = LineStatus.PENDING
        line.reason = ""  # the earlier rejection stays in the line's history
        line.save()
    kpi_return.save(update_fields=["updated_at"])
    return kpi_return


@transaction.atomic
def return_submit(*, kpi_return: KpiReturn, by) -> KpiReturn:
    """Send the return for verification: every KPI needs a figure, and no rejected line may remain."""
    kpi_return = KpiReturn.objects.select_for_update().get(pk=kpi_return.pk)
    if not kpi_return.supplier_can_edit:
        raise ValidationError("This return has already been submitted")
    reported = set(kpi_return.lines.values_list("kpi_id", flat=True))
    missing = list(kpi_return.contract.kpis.exclude(pk__in=reported).values_list("name", flat=True))
    if missing:
        raise ValidationError([f"Enter the quantity delivered for {name}" for name in missing])
    if kpi_return.lines.filter(status=LineStatus.REJECTED).exists():
        raise ValidationError("Correct each rejected line before you submit the return again")
    kpi_return.status = ReturnStatus.SUBMITTED
    kpi_return.submitted_by = by
    kpi_return.submitted_at = timezone.now()
    kpi_return.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    return kpi_return


def return_csv_refs(contract: Contract) -> list[return_csv.KpiRef]:
    return [return_csv.KpiRef(n, kpi.name, kpi.pk) for n, kpi in enumerate(contract.kpis.all(), start=1)]


@transaction.atomic
def return_upload_csv(*, kpi_return: KpiReturn, by, data: bytes) -> int:
    """Fill the return from a CSV file (``procurement/return_csv.py``): every row valid, or nothing saved."""
    try:
        rows = return_csv.parse(data, return_csv_refs(kpi_return.contract))
    except return_csv.ReturnCsvError as exc:
        raise ValidationError({"file": exc.problems}) from exc
    editable = _editable_kpis(kpi_return)
    locked = [row for row in rows if row.key not in editable]
    if locked:
        names = dict(kpi_return.contract.kpis.values_list("pk", "name"))
        raise ValidationError(
            {"file": [f"{names[row.key]} was accepted and cannot be changed: remove its row" for row in locked]}
        )
    return_save(kpi_return=kpi_return, by=by, lines={row.key: (row.quantity, row.comment) for row in rows})
    return len(rows)


@transaction.atomic
def return_verify(*, kpi_return: KpiReturn, by, decisions: dict[int, tuple[bool, str]]) -> KpiReturn:
    """The contract manager accepts or rejects each line awaiting verification, with a reason to reject.

    Only accepted quantities count as delivered. Any rejection sends the return back to the
    supplier to correct; when every line is accepted the return is verified.
    """
    kpi_return = KpiReturn.objects.select_for_update().get(pk=kpi_return.pk)
    if kpi_return.status != ReturnStatus.SUBMITTED:
        raise ValidationError("Only a submitted return can be verified")
    pending = {line.pk: line for line in kpi_return.lines.filter(status=LineStatus.PENDING).select_related("kpi")}
    problems = {}
    for pk, line in pending.items():
        if pk not in decisions:
            problems[f"decision_{pk}"] = f"Choose whether to accept or reject {line.kpi.name}"
        elif not decisions[pk][0] and not decisions[pk][1].strip():
            problems[f"reason_{pk}"] = f"Give the reason for rejecting {line.kpi.name}"
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    for pk, line in pending.items():
        accept, reason = decisions[pk]
        line.status = LineStatus.ACCEPTED if accept else LineStatus.REJECTED
        line.reason = reason.strip()
        line.verified_by = by
        line.verified_at = now
        line.save(update_fields=["status", "reason", "verified_by", "verified_at"])
    rejected = kpi_return.lines.filter(status=LineStatus.REJECTED).exists()
    kpi_return.status = ReturnStatus.CHANGES_REQUESTED if rejected else ReturnStatus.VERIFIED
    kpi_return.verified_by = by
    kpi_return.verified_at = now
    kpi_return.save(update_fields=["status", "verified_by", "verified_at", "updated_at"])
    return kpi_return


# ------------------------------------------------------------------------------ reminders


@transaction.atomic
def return_reminders_send(*, today: datetime.date | None = None) -> int:
    """Email each supplier about returns due soon and overdue, once per period and kind.

    Idempotent: a reminder is recorded in ``ReminderSent`` in the same transaction as it is
    queued, so running the task again (or twice a day) never resends it.
    """
    from socialvalue.tasks import send_email

    today = today or timezone.localdate()
    contracts = list(
        Contract.objects.filter(status=ContractStatus.ACTIVE, start_date__lte=today).select_related(
            "council", "supplier"
        )
    )
    ids = [c.pk for c in contracts]
    submitted = set(
        KpiReturn.objects.filter(contract__in=ids)
        .exclude(status=ReturnStatus.DRAFT)
        .values_list("contract_id", "period_start")
    )
    sent = set(ReminderSent.objects.filter(contract__in=ids).values_list("contract_id", "period_start", "kind"))
    emails: dict[int, list[str]] = {}
    for supplier_id, email in SupplierMember.objects.filter(
        supplier__in={c.supplier_id for c in contracts}
    ).values_list("supplier_id", "user__email"):
        emails.setdefault(supplier_id, []).append(email)
    count = 0
    for contract in contracts:
        for number, period in enumerate(contract.periods(), start=1):
            if period.end >= today:
                break
            if (contract.pk, period.start) in submitted:
                continue
            kind = schedule.due_state(period, today)
            if (contract.pk, period.start, kind) in sent:
                continue
            to = emails.get(contract.supplier_id, [])
            ReminderSent.objects.create(contract=contract, period_start=period.start, kind=kind, recipients=len(to))
            if not to:
                continue
            context = {
                "contract": contract,
                "number": number,
                "period": period,
                "due": schedule.due_date(period),
                "overdue": kind == schedule.Due.OVERDUE,
            }
            subject = "".join(
                loader.render_to_string("procurement/email/return_reminder_subject.txt", context).split("\n")
            )
            body = loader.render_to_string("procurement/email/return_reminder.txt", context)
            transaction.on_commit(lambda s=subject, b=body, t=to: send_email.delay(s, b, t))
            count += 1
    return count


# ------------------------------------------------------------------------------ OCDS import


@dataclass
class ImportRow:
    ocid: str
    release_id: str
    title: str
    outcome: str  # "created", "updated" or "skipped"
    detail: str  # the reason skipped, or the buyer and supplier for an import
    contract: Contract | None = None


@dataclass
class ImportOutcome:
    source: str
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, outcome):
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def created(self):
        return self.count("created")

    @property
    def updated(self):
        return self.count("updated")

    @property
    def skipped(self):
        return self.count("skipped")

    def summary(self):
        return (
            f"{self.source}: {len(self.rows)} releases read, {self.created} contracts created, "
            f"{self.updated} updated, {self.skipped} skipped"
        )


def _supplier_for(imported, council) -> Supplier:
    """Find the supplier by the identifier an earlier import recorded, else by exact name; else create it."""
    identifier = _identifier(imported)
    if identifier:
        known = Contract.objects.filter(supplier_identifier=identifier).values_list("supplier", flat=True).first()
        if known:
            return Supplier.objects.get(pk=known)
    supplier = Supplier.objects.filter(name__iexact=imported.name).order_by("pk").first()
    return supplier or _supplier_from_award(imported)


def _supplier_from_award(imported) -> Supplier:
    """A supplier first met in an OCDS award, with what the award says of it: its Companies House
    or charity number (so spend lines match it by number), its postcode (local spend) and whether
    it is a VCSE. Its size stays unknown until it gives its figures: "SME" alone says neither micro,
    small nor medium, and the flag stays on the contract (``supplier_is_sme``)."""
    from suppliers.validators import validate_charity_number, validate_companies_house_number, validate_postcode

    def valid(value, validator):
        try:
            validator(value)
        except ValidationError:
            return ""
        return value

    number = imported.identifier_id.replace(" ", "").upper()
    if imported.identifier_scheme == "GB-COH" and number.isdigit():
        number = number.zfill(8)  # published numbers often drop the leading zeros
    supplier = Supplier(
        name=imported.name[:300],
        companies_house_number=valid(number, validate_companies_house_number)
        if imported.identifier_scheme == "GB-COH"
        else "",
        charity_number=valid(number, validate_charity_number)
        if imported.identifier_scheme in ("GB-CHC", "GB-SC", "GB-NIC")
        else "",
        postcode=valid(imported.postcode, validate_postcode) if imported.postcode else "",
        is_vcse=imported.is_vcse is True,
    )
    supplier.classify()  # the postcode area, for local spend
    supplier.save()
    return supplier


def _identifier(imported) -> str:
    if not imported.identifier_id:
        return ""
    return (
        f"{imported.identifier_scheme}-{imported.identifier_id}"
        if imported.identifier_scheme
        else imported.identifier_id
    )


def _unusable(record) -> str:
    """Why a record the reader accepted still cannot be a contract here, or ""."""
    start = record.start_date or record.award_date
    if record.end_date is None:
        return "No contract end date, so returns cannot be scheduled: enter the contract by hand"
    if start is None:
        return "No contract start date or award date"
    if record.end_date < start:
        return f"Contract ends ({record.end_date:%-d %B %Y}) before it starts ({start:%-d %B %Y})"
    return ""


@transaction.atomic
def contracts_import_ocds(*, council, report) -> ImportOutcome:
    """Import the reader's records (``procurement/ocds_import.py``) into ``council``'s register.

    Idempotent by (council, OCID): a second import updates the contract's published details and
    never touches what the council added (manager, status, KPIs, returns). The buyer named in the
    data is recorded and reported, not checked: the officer chooses the council. Mapping rules:

    - supplier: the first supplier the award names (found by identifier recorded on an earlier
      import, else exact name ignoring case, else created); every supplier named is kept in
      ``ocds_suppliers`` with its SME/VCSE flags and postcode, since a contract here has one
      supplier and a framework award names many;
    - start date: the contract period's start, else the award date; end date: the period's end.
      With no end date the release is skipped, because returns cannot be scheduled.
    """
    outcome = ImportOutcome(source=report.source)
    for skipped in report.skipped:
        outcome.rows.append(ImportRow(skipped.ocid, skipped.release_id, "", "skipped", skipped.reason))
    existing = {c.ocid: c for c in Contract.objects.filter(council=council).exclude(ocid="")}
    references = set(Contract.objects.filter(council=council).values_list("reference", flat=True))
    for record in report.imported:
        reason = _unusable(record)
        contract = existing.get(record.ocid)
        if not reason and contract is None and record.ocid[:100] in references:
            reason = f"Another contract already has the reference {record.ocid[:100]}"
        if reason:
            outcome.rows.append(ImportRow(record.ocid, record.release_id, record.title, "skipped", reason))
            continue
        first = record.suppliers[0]
        supplier = contract.supplier if contract is not None else _supplier_for(first, council)
        fields = {
            "title": record.title[:500],
            "description": record.description,
            "value": record.value,
            "start_date": record.start_date or record.award_date,
            "end_date": record.end_date,
            "ocds_buyer_name": record.buyer_name[:300],
            "supplier_identifier": _identifier(first)[:200],
            "supplier_postcode": first.postcode[:20],
            "supplier_is_sme": first.is_sme,
            "supplier_is_vcse": first.is_vcse,
            "ocds_suppliers": [
                {
                    "name": s.name,
                    "identifier": _identifier(s),
                    "postcode": s.postcode,
                    "is_sme": s.is_sme,
                    "is_vcse": s.is_vcse,
                }
                for s in record.suppliers
            ],
        }
        if contract is None:
            contract = Contract.objects.create(
                council=council,
                supplier=supplier,
                reference=record.ocid[:100],
                ocid=record.ocid,
                source=ContractSource.OCDS,
                **fields,
            )
            references.add(contract.reference)
            existing[record.ocid] = contract
            result = "created"
        else:
            for name, value in fields.items():
                setattr(contract, name, value)
            contract.save()
            result = "updated"
        others = len(record.suppliers) - 1
        detail = f"Buyer: {record.buyer_name}. Supplier: {supplier.name}" + (
            f" (and {others} other supplier{'s' if others != 1 else ''} named in the award)" if others else ""
        )
        outcome.rows.append(ImportRow(record.ocid, record.release_id, record.title, result, detail, contract))
    return outcome
