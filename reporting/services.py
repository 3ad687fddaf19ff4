"""Requesting, building, retrying and publishing annual reports; importing and matching spend."""

import datetime
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from suppliers.models import Supplier

from . import figures, spend
from .models import AnnualReport, SpendFile, SpendRow

log = logging.getLogger(__name__)

# The report's sections, in the order they are built; each is (key, label, function of a ReportYear).
# Delivery comes last: on PostgreSQL its pass over the return lines runs alongside the others from the start.
SECTIONS = [
    ("committed", "Social value committed", figures.committed),
    ("procurements", "Procurements and the weighting rules", figures.procurements),
    ("diversity", "Supplier diversity baseline", figures.diversity),
    ("spend", "Spend with SMEs, VCSEs and local suppliers", figures.spend),
    ("delivered", "Social value delivered", figures.delivered),
    (None, "KPI performance and ratings", figures.monitoring),  # gives the "kpis" and "contracts" sections
]
# A stage is written for the progress bar at most this often (seconds): a build at scale takes a
# fraction of a second, and a write per section would be a tenth of that.
PROGRESS_EVERY = 0.5


def _stale_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "REPORT_BUILD_TIMEOUT_MINUTES", 30))


def reports_fail_stale(*, council=None) -> int:
    """A build whose worker died (killed, machine lost) leaves ``running``: mark it failed, retryable."""
    stale = AnnualReport.objects.filter(
        status=AnnualReport.Status.RUNNING, started_at__lt=timezone.now() - _stale_after()
    )
    if council is not None:
        stale = stale.filter(council=council)
    return stale.update(
        status=AnnualReport.Status.FAILED,
        finished_at=timezone.now(),
        error="The build stopped without finishing (its worker was lost). Try again.",
    )


def report_request(*, council, year: int, by=None) -> AnnualReport:
    """Queue a new version of the council's report for ``year``; refused while one is being built."""
    if year < 2000 or year > timezone.localdate().year + 1:
        raise ValidationError({"year": "Choose a financial year from the list"})
    reports_fail_stale(council=council)
    try:
        with transaction.atomic():
            latest = AnnualReport.objects.filter(council=council, year=year).aggregate(v=Max("version"))["v"]
            report = AnnualReport.objects.create(council=council, year=year, version=(latest or 0) + 1, requested_by=by)
    except IntegrityError:
        raise ValidationError(
            f"A report for {year}/{(year + 1) % 100:02d} is already being built. Wait for it to finish."
        ) from None
    _queue(report)
    return report


def report_retry(*, report: AnnualReport, by=None) -> AnnualReport:
    """Run a failed build again, as the same version."""
    if report.status != AnnualReport.Status.FAILED:
        raise ValidationError("Only a failed build can be tried again")
    try:
        with transaction.atomic():
            updated = AnnualReport.objects.filter(pk=report.pk, status=AnnualReport.Status.FAILED).update(
                status=AnnualReport.Status.QUEUED, progress=0, stage="", error="", finished_at=None
            )
    except IntegrityError:
        raise ValidationError("Another build of this year's report is running. Wait for it to finish.") from None
    if updated:
        _queue(report)
    report.refresh_from_db()
    return report


def _queue(report):
    from .tasks import build_annual_report

    transaction.on_commit(lambda: build_annual_report.delay(report.pk))


def _set(report_id, **fields):
    AnnualReport.objects.filter(pk=report_id).update(**fields)


def report_build(*, report_id: int) -> AnnualReport:
    """Compute every figure, then write them and the status in one statement.

    Nothing is written to ``figures`` until all of it is known, so a build that fails part way —
    an error, or a worker that dies — never leaves a half-written report: it is marked failed (by
    the exception handler here, or later by ``reports_fail_stale``) and can be tried again.
    """
    report = AnnualReport.objects.select_related("council").get(pk=report_id)
    if report.status == AnnualReport.Status.SUCCEEDED:
        return report  # idempotent: a redelivered task does nothing
    _set(
        report_id,
        status=AnnualReport.Status.RUNNING,
        started_at=timezone.now(),
        attempts=report.attempts + 1,
        progress=0,
        stage="Starting",
        error="",
    )
    council, year = report.council, report.year
    data = figures.ReportYear(council, year)
    built: dict = {"council": council.name, "year": year, "sections": {}}
    steps = len(SECTIONS) + 1
    last_write = time.monotonic()

    def stage(done, label):
        nonlocal last_write
        if time.monotonic() - last_write >= PROGRESS_EVERY:
            _set(report_id, progress=int(done * 100 / steps), stage=label)
            last_write = time.monotonic()

    with data.alongside():
        for done, (key, label, compute) in enumerate(SECTIONS):
            stage(done, label)
            result = compute(data)
            if key is None:
                built["sections"].update(result)
            else:
                built["sections"][key] = result
        stage(len(SECTIONS), "Comparing with the year before")
        built["previous_year"] = figures.previous_year(data)
    built["settings"] = {
        "sme_spend_target": str(council.sme_spend_target),
        "min_social_value_weighting": str(council.min_social_value_weighting),
        "social_value_mandatory_above": figures.money(council.social_value_mandatory_above),
    }
    built["built_at"] = timezone.now().isoformat()
    _set(
        report_id,
        figures=built,
        status=AnnualReport.Status.SUCCEEDED,
        progress=100,
        stage="Done",
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    return report


def report_fail(*, report_id: int, error: str) -> None:
    _set(report_id, status=AnnualReport.Status.FAILED, figures=None, finished_at=timezone.now(), error=error[:2000])


@transaction.atomic
def report_publish(*, report: AnnualReport, by) -> AnnualReport:
    """Publish this version for cabinet members; any other published version of the year is withdrawn."""
    if report.status != AnnualReport.Status.SUCCEEDED:
        raise ValidationError("Only a finished report can be published")
    AnnualReport.objects.filter(council=report.council, year=report.year, published_at__isnull=False).exclude(
        pk=report.pk
    ).update(published_at=None, published_by=None)
    report.published_at = timezone.now()
    report.published_by = by
    report.save(update_fields=["published_at", "published_by"])
    return report


# ------------------------------------------------------------------------------------ spend


def _supplier_index():
    """Registration number → supplier and normalised name → supplier, for matching payees."""
    by_number, by_name = {}, {}
    for pk, name, ch, charity in Supplier.objects.values_list("pk", "name", "companies_house_number", "charity_number"):
        for number in (ch, charity):
            if number:
                by_number[spend.normalise_number(number)] = pk
        by_name.setdefault(spend.normalise_name(name), pk)
    return by_number, by_name


@transaction.atomic
def spend_import(*, council, content: bytes, filename: str, by) -> tuple[SpendFile | None, list[str], int]:
    """Validate every row and import all or nothing; payments already imported are not counted twice.

    Returns (file, problems, payments already present). Payees are matched to suppliers by
    Companies House or charity number where the file gives one, else by normalised name.
    """
    plan = spend.read(content, filename)
    if plan.problems:
        return None, plan.problems, 0
    existing = set(
        SpendRow.objects.filter(council=council, fingerprint__in=[p.fingerprint for p in plan.payments]).values_list(
            "fingerprint", flat=True
        )
    )
    new = [p for p in plan.payments if p.fingerprint not in existing]
    by_number, by_name = _supplier_index()
    upload = SpendFile.objects.create(
        council=council,
        filename=filename,
        uploaded_by=by,
        rows=len(new),
        total=sum((p.amount for p in new), figures.ZERO),
    )
    rows = []
    for p in new:
        supplier_id, match = None, SpendRow.Match.NONE
        if p.payee_number and p.payee_number in by_number:
            supplier_id, match = by_number[p.payee_number], SpendRow.Match.NUMBER
        elif p.payee_key in by_name:
            supplier_id, match = by_name[p.payee_key], SpendRow.Match.NAME
        rows.append(
            SpendRow(
                council=council,
                file=upload,
                body=p.body,
                paid_on=p.paid_on,
                transaction_number=p.transaction_number,
                amount=p.amount,
                payee=p.payee,
                payee_key=p.payee_key,
                payee_number=p.payee_number,
                expense_type=p.expense_type,
                service_area=p.service_area,
                supplier_id=supplier_id,
                match=match,
                fingerprint=p.fingerprint,
            )
        )
    SpendRow.objects.bulk_create(rows, batch_size=2000)
    return upload, [], len(existing)


@transaction.atomic
def payee_match(*, council, payee_key: str, supplier: Supplier, by) -> int:
    """An officer matches an unmatched payee name to a supplier: every payment under that name follows."""
    return SpendRow.objects.filter(council=council, payee_key=payee_key, supplier__isnull=True).update(
        supplier=supplier, match=SpendRow.Match.MANUAL
    )
