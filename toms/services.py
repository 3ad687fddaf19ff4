"""Writes that span several models: importing a measure library, running an import job, and
saving a calculator with its ordered measures."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from socialvalue.models import Council, Outcome

from . import imports
from .models import Calculator, CalculatorMeasure, ImportJob, Measure, ProxyValue

logger = logging.getLogger(__name__)

MEASURE_FIELDS = ("name", "unit", "guidance", "kind", "local_only")


@dataclass(frozen=True)
class ImportResult:
    measures_added: int
    measures_changed: int
    values_added: int
    values_changed: int
    rows: int

    @property
    def summary(self) -> str:
        return (
            f"Measures: {self.measures_added} added, {self.measures_changed} changed. "
            f"Proxy values: {self.values_added} added, {self.values_changed} changed."
        )


def council_outcome_keys(council: Council) -> dict[str, int]:
    """Outcome names in the council's current policy, as the import matches them, to ids."""
    policy = council.current_policy
    if policy is None:
        return {}
    keys: dict[str, int] = {}
    for pk, name in (
        Outcome.objects.filter(theme__policy=policy).order_by("theme__position", "position").values_list("pk", "name")
    ):
        keys.setdefault(imports.outcome_key(name), pk)
    return keys


def measures_check(*, council: Council, content: bytes, filename: str, progress=None) -> imports.ImportPlan:
    """Read and check a file against the council's policy; raise ``ImportProblems``; save nothing."""
    heading, rows = imports.read_rows(content, filename)
    return imports.check_rows(heading, rows, outcomes=council_outcome_keys(council), progress=progress)


@transaction.atomic
def measures_import(*, council: Council, plan: imports.ImportPlan) -> ImportResult:
    """Save a checked plan: add new measures and values, change those that differ, all or nothing.

    Measures and values not in the file are left alone, so importing next year's values adds
    them beside this year's; a value for a year already held is changed only if it differs, so
    re-importing the same file changes nothing. History records every change
    (django-simple-history), and a calculation for a year always reads that year's value.
    """
    prefetched = list(Measure.objects.filter(council=council).prefetch_related("outcomes", "proxy_values"))
    existing = {m.code: m for m in prefetched}
    new_measures: list[Measure] = []
    changed_measures: list[Measure] = []
    outcome_changes: dict[str, frozenset[int]] = {}
    for code, spec in plan.measures.items():
        measure = existing.get(code)
        fields = {f: getattr(spec, f) for f in MEASURE_FIELDS}
        if measure is None:
            new_measures.append(Measure(council=council, code=code, **fields))
            outcome_changes[code] = spec.outcome_ids
            continue
        if any(getattr(measure, f) != v for f, v in fields.items()):
            for f, v in fields.items():
                setattr(measure, f, v)
            changed_measures.append(measure)
        if {o.pk for o in measure.outcomes.all()} != spec.outcome_ids:
            outcome_changes[code] = spec.outcome_ids
            if not changed_measures or changed_measures[-1] is not measure:
                changed_measures.append(measure)

    if new_measures:
        bulk_create_with_history(new_measures, Measure, batch_size=500)
        # Some databases do not return ids from a bulk insert; read them back by code.
        ids = dict(
            Measure.objects.filter(council=council, code__in=[m.code for m in new_measures]).values_list("code", "pk")
        )
        for m in new_measures:
            m.pk = ids[m.code]
            existing[m.code] = m
    if changed_measures:
        bulk_update_with_history(changed_measures, Measure, list(MEASURE_FIELDS), batch_size=500)
    if outcome_changes:
        through = Measure.outcomes.through
        ids = [existing[code].pk for code in outcome_changes]
        through.objects.filter(measure_id__in=ids).delete()
        through.objects.bulk_create(
            [
                through(measure_id=existing[code].pk, outcome_id=outcome_id)
                for code, outcome_ids in outcome_changes.items()
                for outcome_id in sorted(outcome_ids)
            ],
            batch_size=1000,
        )

    # Values already held, from the prefetch above (measures just added have none).
    held = {(m.code, pv.year): pv for m in prefetched for pv in m.proxy_values.all()}
    new_values: list[ProxyValue] = []
    changed_values: list[ProxyValue] = []
    for (code, year), spec in plan.values.items():
        pv = held.get((code, year))
        if pv is None:
            new_values.append(ProxyValue(measure_id=existing[code].pk, year=year, value=spec.value, source=spec.source))
        elif pv.value != spec.value or pv.source != spec.source:
            pv.value, pv.source = spec.value, spec.source
            changed_values.append(pv)
    if new_values:
        bulk_create_with_history(new_values, ProxyValue, batch_size=500)
    if changed_values:
        bulk_update_with_history(changed_values, ProxyValue, ["value", "source"], batch_size=500)

    return ImportResult(
        measures_added=len(new_measures),
        measures_changed=len(changed_measures),
        values_added=len(new_values),
        values_changed=len(changed_values),
        rows=plan.rows,
    )


def measures_import_file(*, council: Council, content: bytes, filename: str, progress=None) -> ImportResult:
    """Check a whole file, then save it all or nothing; raise ``ImportProblems`` if any row is wrong."""
    plan = measures_check(council=council, content=content, filename=filename, progress=progress)
    return measures_import(council=council, plan=plan)


def import_job_start(*, council: Council, content: bytes, filename: str, by) -> ImportJob:
    """Queue a large import to run in the background (a Celery task), once this request commits."""
    from .tasks import run_import_job

    job = ImportJob.objects.create(council=council, created_by=by, filename=filename[:255], content=content)
    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued import job: check every row (with progress), then save all or nothing.

    Idempotent: a finished job is left as it is, and re-running an interrupted one is safe
    because the import itself changes only what differs.
    """
    job = ImportJob.objects.select_related("council").get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, rows_checked=0)

    def progress(done):
        ImportJob.objects.filter(pk=job.pk).update(rows_checked=done)

    status, problems, summary = ImportJob.Status.FAILED, [], ""
    try:
        heading, rows = imports.read_rows(bytes(job.content), job.filename)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(rows))
        plan = imports.check_rows(heading, rows, outcomes=council_outcome_keys(job.council), progress=progress)
        result = measures_import(council=job.council, plan=plan)
        status, summary = ImportJob.Status.SUCCEEDED, result.summary
    except imports.ImportProblems as exc:
        problems = exc.messages
    except Exception:  # a crash must still end the job, and the atomic import saved nothing
        logger.exception("Import job %s stopped unexpectedly", job.pk)
        problems = ["The import stopped unexpectedly and nothing was saved. Try again, or contact support."]
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, problems=problems, summary=summary, content=b"", finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def calculator_save(*, calculator: Calculator, measures) -> Calculator:
    """Save a calculator and its measures: kept measures keep their place, new ones go last in
    the order given.

    Only measures from the calculator's own council may be added.
    """
    measures = list(measures)
    if any(m.council_id != calculator.council_id for m in measures):
        raise ValidationError("Choose measures from this council's library only.")
    calculator.full_clean()
    calculator.save()
    wanted = {m.pk for m in measures}
    entries = list(CalculatorMeasure.objects.filter(calculator=calculator))
    for entry in entries:
        if entry.measure_id not in wanted:
            entry.delete()  # one by one, so history records each removal
    kept = {e.measure_id for e in entries if e.measure_id in wanted}
    last = max((e.position for e in entries if e.measure_id in wanted), default=0)
    for measure in (m for m in measures if m.pk not in kept):
        last += 1
        CalculatorMeasure.objects.create(calculator=calculator, measure=measure, position=last)
    return calculator


def example_calculators_load(*, council: Council, calculators: list[dict]) -> int:
    """Create each example calculator the council does not have yet, from the measures it has.

    Idempotent: a calculator that already exists (by name) is left as the council keeps it.
    """
    made = 0
    measures = {m.code: m for m in Measure.objects.filter(council=council)}
    for spec in calculators:
        if Calculator.objects.filter(council=council, name=spec["name"]).exists():
            continue
        calculator = Calculator(council=council, name=spec["name"], category=spec["category"])
        chosen = [measures[code] for code in spec["measures"] if code in measures]
        calculator_save(calculator=calculator, measures=chosen)
        made += 1
    return made


@transaction.atomic
def proxy_value_set(*, measure: Measure, year: int, value, source: str = "") -> tuple[ProxyValue, bool]:
    """Add or change the measure's proxy value for one financial year; other years are untouched.

    Returns the value and whether it was added. History keeps the old figure when one changes.
    """
    pv = ProxyValue.objects.filter(measure=measure, year=year).first()
    created = pv is None
    if created:
        pv = ProxyValue(measure=measure, year=year)
    pv.value, pv.source = value, source
    pv.full_clean()
    pv.save()
    return pv, created
