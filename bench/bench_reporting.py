"""Annual report build at scale, against one hand-written SQL query for the same totals.

    .venv/bin/python bench/bench_reporting.py                 # SQLite file in a temp folder
    .venv/bin/python bench/bench_reporting.py --small         # a tenth of the size
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sv_bench .venv/bin/python bench/bench_reporting.py

Makes the large council with ``generate_scale_data`` (5,000 contracts, 100,000 commitments,
400,000 return lines, 200,000 spend rows; ``--small`` for a tenth), then in a fresh process:
times ``report_build`` for 2025/26, records that process's peak memory (max RSS, and the peak of
Python allocations during the build with tracemalloc), and times a single SQL query computing the
committed and delivered totals. Prints the figures and their ratio.
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


def measure():
    """Run in a fresh process: build the report, then the baseline, and print JSON figures."""
    import resource
    import tracemalloc

    import django

    django.setup()
    from django.db import connection

    from reporting import figures, services
    from reporting.models import AnnualReport
    from socialvalue.models import Council

    council = Council.objects.get(slug="large-borough")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    AnnualReport.objects.filter(council=council).in_progress().update(status=AnnualReport.Status.FAILED)
    report = AnnualReport.objects.create(council=council, year=2025, version=AnnualReport.objects.count() + 1)
    tracemalloc.start()
    t0 = time.perf_counter()
    services.report_build(report_id=report.pk)
    build = time.perf_counter() - t0
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report.refresh_from_db()
    start, end = figures.year_bounds(council, 2025)
    sql = "".join(BASELINE_SQL.split("\n"))
    if connection.vendor == "sqlite":
        sql = sql.replace("%(council)s", "%s", 1)
    times = []
    params = {"council": council.pk, "start": start, "end": end}
    for _ in range(3):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    BASELINE_SQL.replace("%(council)s", "%s").replace("%(start)s", "%s").replace("%(end)s", "%s"),
                    [council.pk, start, end, council.pk, start, end],
                )
            else:
                cursor.execute(BASELINE_SQL, params)
            committed, delivered = cursor.fetchone()
        times.append(time.perf_counter() - t0)
    s = report.figures["sections"]
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "status": report.status,
                "build_seconds": round(build, 3),
                "sql_seconds": round(min(times), 3),
                "ratio": round(build / min(times), 2),
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
