"""The example measure library we ship: 20–40 measures, every value sourced or marked
illustrative, loaded into every seed council's own outcomes, idempotently, with calculators."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from toms.models import Calculator, Measure, ProxyValue

EXAMPLE = Path(__file__).resolve().parents[1] / "seed_data" / "example_measures.csv"


def example_rows():
    with open(EXAMPLE, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_example_library_has_20_to_40_measures_each_value_with_a_source_or_marked_illustrative():
    rows = example_rows()
    assert 20 <= len({r["code"] for r in rows}) <= 40
    for row in rows:
        if row["proxy_value"]:
            assert row["source"], f"{row['code']} {row['year']} has no source"
    carbon = [r for r in rows if r["code"] == "ENV1"]
    assert all("Valuation of greenhouse gas emissions" in r["source"] for r in carbon)
    assert any(r["source"] == "Illustrative — no public figure" for r in rows)


@pytest.mark.django_db
def test_the_example_library_loads_into_every_seed_council_and_a_second_run_changes_nothing():
    call_command("seed_policies", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_example_measures", stdout=out)
    assert "Coventry: Measures: 30 added" in out.getvalue()
    measures = Measure.objects.filter(council__slug="coventry")
    assert measures.count() == 30
    assert all(m.outcomes.exists() for m in measures)
    assert ProxyValue.objects.get(measure__council__slug="coventry", measure__code="WST1", year=2025).value == Decimal(
        "126.15"
    )
    assert set(Calculator.objects.filter(council__slug="southend").values_list("category", flat=True)) == {
        "goods",
        "services",
        "works",
    }
    # Warwickshire's three national outcomes have nowhere honest for health and safeguarding.
    assert not Measure.objects.filter(council__slug="warwickshire", code__in=["HLT1", "SAF1"]).exists()

    again = io.StringIO()
    call_command("load_example_measures", stdout=again)
    assert again.getvalue().count("Measures: 0 added, 0 changed. Proxy values: 0 added, 0 changed.") == 4
    assert "Calculators added: 3" not in again.getvalue()
