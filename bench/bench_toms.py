"""Time the TOMs engine and the measure import.

    .venv/bin/python bench/bench_toms.py

Prints the median time of a 100-measure calculation (many repetitions) and of importing a
10,000-row CSV and XLSX file (first import, then a re-import that changes nothing), against a
throwaway SQLite database in a temporary directory; nothing else is touched.
"""

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import timeit
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench-toms-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialvalue.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from socialvalue.models import Council, Outcome, Policy, Theme  # noqa: E402
from toms import services  # noqa: E402
from toms.calculation import Line, MeasureInput, calculate  # noqa: E402
from toms.imports import COLUMNS  # noqa: E402
from toms.models import Measure, ProxyValue  # noqa: E402


def bench_calculation(measures=100, number=200, repeat=15):
    inputs = [
        MeasureInput(
            code=f"M{i:03d}",
            name=f"Measure {i}",
            unit="hours",
            theme=("Economic", "Social", "Environmental")[i % 3],
            outcome=f"Outcome {i % 10}",
            proxy_values={2024: Decimal(i) + Decimal("0.125"), 2025: Decimal(i) + Decimal("0.375")},
        )
        for i in range(measures)
    ]
    lines = [Line(m.code, Decimal(i % 17) + Decimal("0.5")) for i, m in enumerate(inputs)]
    result = calculate(inputs, lines, year=2025, contract_value=Decimal("2500000"))
    times = timeit.repeat(
        lambda: calculate(inputs, lines, year=2025, contract_value=Decimal("2500000")), number=number, repeat=repeat
    )
    per_call = [t / number for t in times]
    print(f"Calculation, {measures} measures: total {result.total} ({result.percent_of_contract_value}% of £2.5m)")
    print(
        f"  median {statistics.median(per_call) * 1e3:.3f} ms per calculation "
        f"(best {min(per_call) * 1e3:.3f} ms; {repeat} runs × {number} calculations)"
    )


def rows(n, outcome):
    yield list(COLUMNS)
    for i in range(n):
        yield [f"T{i:05d}", f"Measure {i}", "hours", 2025, f"{i % 997}.25", outcome, "", "", "", "Illustrative"]


def csv_file(n, outcome):
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(rows(n, outcome))
    return out.getvalue().encode("utf-8")


def xlsx_file(n, outcome):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows(n, outcome):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed(label, fn):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"  {label}: {elapsed:.2f} s — {getattr(result, 'summary', '')}")
    return elapsed


def bench_import(n=10_000):
    call_command("migrate", verbosity=0)
    for fmt, make in (("csv", csv_file), ("xlsx", xlsx_file)):
        council = Council.objects.create(name=f"Bench {fmt}", short_name="Bench", slug=f"bench-{fmt}")
        policy = Policy.objects.create(council=council, title="Policy")
        outcome = Outcome.objects.create(theme=Theme.objects.create(policy=policy, name="Economic"), name="Jobs")
        content = make(n, outcome.name)
        path = TMP / f"measures.{fmt}"
        path.write_bytes(content)
        print(f"Import of {n:,} rows, {fmt.upper()} ({len(content) / 1e6:.1f} MB), SQLite:")
        check = timed(
            "check only",
            lambda c=council, p=path: services.measures_check(council=c, content=p.read_bytes(), filename=p.name),
        )
        first = timed(
            "first import",
            lambda c=council, p=path: services.measures_import_file(council=c, content=p.read_bytes(), filename=p.name),
        )
        again = timed(
            "re-import (changes nothing)",
            lambda c=council, p=path: services.measures_import_file(council=c, content=p.read_bytes(), filename=p.name),
        )
        assert Measure.objects.filter(council=council).count() == n
        assert ProxyValue.objects.filter(measure__council=council).count() == n
        per_row = {"check": check, "import": first, "re-import": again}
        print("  per row: " + ", ".join(f"{k} {v / n * 1e6:.0f} µs" for k, v in per_row.items()))


if __name__ == "__main__":
    print(f"Python {sys.version.split()[0]}, Django {django.get_version()}, database in {TMP}")
    try:
        bench_calculation()
        bench_import()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
