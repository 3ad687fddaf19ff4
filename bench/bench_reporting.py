"""Annual report build at scale, against one hand-written SQL query for the same totals.

    .venv/bin/python bench/bench_reporting.py                 # SQLite file in a temp folder
    .venv/bin/python bench/bench_reporting.py --small         # a tenth of the size
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sv_bench .venv/bin/python bench/bench_reporting.py

Makes the large council with ``generate_scale_data`` (5,000 contracts, 100,000 commitments,
400,000 return lines, 200,000 spend rows; ``--small`` for a tenth; ``--reuse`` to measure again
on data already made), then in a fresh process: times ``report_build`` for 2025/26 and a single
SQL query computing the committed and delivered totals (medians of warm runs, and the first, cold
run of each), and records the build's peak memory (max RSS of the process, and the peak of Python
allocations during one build with tracemalloc). Prints the figures and their ratio.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASELINE_SQL = """
SELECT
  (SELECT COALESCE(SUM(cm.value), 0)
     FROM procurement_commitment cm
     JOIN procurement_award a ON a.tender_id = cm.tender_id
     JOIN procurement_procurement p ON p.id = a.procurement_id
    WHERE p.council_id = %(council)s AND a.awarded_at >= %(start)s AND a.awarded_at < %(end)s) AS committed,
  (SELECT COALESCE(SUM(rl.quantity * k.proxy_value), 0)
     FROM procurement_returnline rl
     JOIN procurement_kpi k ON k.id = rl.kpi_id
     JOIN procurement_contract c ON c.id = k.contract_id
    WHERE c.council_id = %(council)s AND rl.status = 'accepted'
      AND rl.verified_at >= %(start)s AND rl.verified_at < %(end)s) AS delivered
"""


RUNS = 5


def _baseline(connection, council, start, end):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sql = BASELINE_SQL.replace("%(council)s", "%s").replace("%(start)s", "%s").replace("%(end)s", "%s")
            cursor.execute(sql, [council.pk, start, end, council.pk, start, end])
        else:
            cursor.execute(BASELINE_SQL, {"council": council.pk, "start": start, "end": end})
        return cursor.fetchone()


def measure():
    """Run in a fresh process: time the build and the baseline, then the build's memory; print JSON.

    Both are timed warm, the same way: one run of each first (to fill the database's cache and
    Django's), then RUNS runs each, and the medians compared. The build's memory is measured on
    one more build, with tracemalloc on (which slows Python, so it is not timed)."""
    import resource
    import statistics
    import tracemalloc

    import django

    django.setup()
    from django.db import connection

    from reporting import figures, services
    from reporting.models import AnnualReport
    from socialvalue.models import Council

    council = Council.objects.get(slug="large-borough")
    AnnualReport.objects.filter(council=council).in_progress().update(status=AnnualReport.Status.FAILED)
    start, end = figures.year_bounds(council, 2025)

    def build():
        report = AnnualReport.objects.create(council=council, year=2025, version=AnnualReport.objects.count() + 1)
        t0 = time.perf_counter()
        services.report_build(report_id=report.pk)
        elapsed = time.perf_counter() - t0
        report.refresh_from_db()
        assert report.status == AnnualReport.Status.SUCCEEDED, report.error
        return elapsed, report

    def baseline():
        t0 = time.perf_counter()
        result = _baseline(connection, council, start, end)
        return time.perf_counter() - t0, result

    first_build, _ = build()
    first_sql, _ = baseline()
    builds = [build()[0] for _ in range(RUNS)]
    sqls = [baseline()[0] for _ in range(RUNS)]
    _, (committed, delivered) = baseline()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    _, report = build()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    s = report.figures["sections"]
    build_median, sql_median = statistics.median(builds), statistics.median(sqls)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "runs": RUNS,
                "build_seconds_median": round(build_median, 3),
                "build_seconds_range": f"{min(builds):.3f}-{max(builds):.3f}",
                "build_seconds_first_cold": round(first_build, 3),
                "sql_seconds_median": round(sql_median, 3),
                "sql_seconds_first_cold": round(first_sql, 3),
                "ratio": round(build_median / sql_median, 2),
                "peak_rss_mb": round(rss_after / 1024, 1),
                "rss_growth_during_build_mb": round((rss_after - rss_before) / 1024, 1),
                "tracemalloc_peak_mb": round(traced_peak / 1024 / 1024, 1),
                "report_committed": s["committed"]["value"],
                "sql_committed": str(round(committed, 2)),
                "report_delivered": s["delivered"]["value"],
                "sql_delivered": str(round(delivered, 2)),
            }
        )
    )


def main():
    small = "--small" in sys.argv
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="socialvalue.settings", DJANGO_DEBUG="1", CELERY_TASK_ALWAYS_EAGER="1"
    )
    env.pop("CELERY_BROKER_URL", None)
    tmp = tempfile.mkdtemp(prefix="sv-bench-")
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    scale = ["--contracts", "500", "--spend-rows", "20000", "--suppliers", "300"] if small else []
    if "--reuse" not in sys.argv:  # --reuse: measure again on the data already generated
        t0 = time.perf_counter()
        subprocess.run([*manage, "generate_scale_data", "--replace", *scale], env=env, check=True, cwd=ROOT)
        print(f"generate_scale_data: {time.perf_counter() - t0:.1f} s")
    out = subprocess.run(
        [sys.executable, __file__, "--measure"], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for key, value in result.items():
        print(f"{key:30} {value}")
    assert Decimal(result["report_committed"]) == Decimal(result["sql_committed"]), "committed differs from SQL"
    assert Decimal(result["report_delivered"]) == Decimal(result["sql_delivered"]), "delivered differs from SQL"


if __name__ == "__main__":
    if "--measure" in sys.argv:
        measure()
    else:
        main()
