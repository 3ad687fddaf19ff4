"""Celery tasks that build annual reports, on demand and after each council's year end."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import services

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def build_annual_report(self, report_id: int):
    """Build one report. Transient database errors are retried with back-off; anything else fails it."""
    try:
        services.report_build(report_id=report_id)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            services.report_fail(report_id=report_id, error=f"The database was unavailable: {exc}")
            raise
        log.warning("Report %s: transient database error, retrying: %s", report_id, exc)
        raise self.retry(exc=exc, countdown=2**self.request.retries * 5) from exc
    except Exception as exc:
        # Recorded on the report (failed, no figures kept, retryable); not re-raised, so a
        # failed build shows as such on its page rather than as a server error.
        log.exception("Report %s failed", report_id)
        services.report_fail(report_id=report_id, error=f"{type(exc).__name__}: {exc}")
        return None
    return report_id


@shared_task
def build_reports_after_year_end(today_iso: str | None = None) -> list[int]:
    """For every council whose financial year ended ANNUAL_REPORT_MONTHS_AFTER_YEAR_END months ago
    (by default 1: a report on 1 May for an April–March year), build the year's report if none exists.
    """
    from socialvalue.models import Council

    from .models import AnnualReport

    today = timezone.localdate() if today_iso is None else timezone.datetime.fromisoformat(today_iso).date()
    lag = getattr(settings, "ANNUAL_REPORT_MONTHS_AFTER_YEAR_END", 1)
    queued = []
    for council in Council.objects.all():
        due_month = (council.financial_year_start_month - 1 + lag) % 12 + 1
        if today.month != due_month:
            continue
        year = council.financial_year_of(today) - 1  # the year that has just ended
        if lag >= 12:
            year -= lag // 12
        if AnnualReport.objects.filter(council=council, year=year).exists():
            continue
        queued.append(services.report_request(council=council, year=year).pk)
    return queued
