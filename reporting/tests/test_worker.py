"""With a real Celery worker on Redis (CI's services run), a report is built end to end."""

import time

import pytest

from reporting import services
from reporting.models import AnnualReport
from reporting.tests.test_reports import year_data  # noqa: F401 — the fixture

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_builds_the_report(real_worker, council, officer, year_data):  # noqa: F811
    report = services.report_request(council=council, year=2025, by=officer)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            break
        time.sleep(0.5)
    assert report.status == AnnualReport.Status.SUCCEEDED, report.error
    assert report.figures["sections"]["committed"]["value"] == "15000.00"
    assert report.figures["sections"]["spend"]["sme_or_vcse_percent"] == "36.4"
