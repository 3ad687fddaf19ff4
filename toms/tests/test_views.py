"""The library, calculator and live calculator pages: what they show, what they store, their
query counts, and that nobody reaches another council's measures through their own council."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from toms.models import Calculator, CalculatorMeasure, Measure, ProxyValue
from toms.tests.factories import CalculatorFactory, MeasureFactory

pytestmark = pytest.mark.django_db


def outcome_of(council):
    return council.current_policy.themes.get(name="Economic").outcomes.get()


def url(name, council, **kwargs):
    return reverse(name, kwargs={"council": council.slug, **kwargs})


# ---------------------------------------------------------------------------- library


def _library_queries(client, council, count, django_assert_num_queries):
    outcome = outcome_of(council)
    for _ in range(count):
        MeasureFactory(council=council, outcomes=[outcome], values={2024: "1", 2025: "2"})
    with django_assert_num_queries(NUMBER_OF_LIBRARY_QUERIES):
        response = client.get(url("measure_list", council))
    assert response.status_code == 200
    return response


# The request's savepoint and release (ATOMIC_REQUESTS), session, user, council, roles, supplier
# check (navigation), then the page: count, measures, their outcomes, their proxy values.
NUMBER_OF_LIBRARY_QUERIES = 11


@pytest.mark.parametrize("size", [5, 50])
def test_the_measure_list_runs_the_same_queries_for_5_or_50_measures(
    client, council, officer, size, django_assert_num_queries
):
    client.force_login(officer)
    response = _library_queries(client, council, size, django_assert_num_queries)
    assert f"{size} measures" in response.content.decode()


def test_the_measure_list_shows_each_measures_latest_value_and_outcome(client, council, cabinet_member):
    MeasureFactory(
        council=council, code="EC1", name="Jobs", outcomes=[outcome_of(council)], values={2024: "5", 2025: "7.5"}
    )
    client.force_login(cabinet_member)
    html = client.get(url("measure_list", council)).content.decode()
    assert "EC1" in html and "£7.50" in html and "2025/26" in html and "More local people in work" in html
    assert "Import measures" not in html  # cabinet members read, they do not change


def test_the_measure_page_lists_proxy_values_by_year_with_sources(client, council, officer):
    measure = MeasureFactory(council=council, values={2024: "0.0125", 2025: "12"})
    client.force_login(officer)
    html = client.get(url("measure_detail", council, pk=measure.pk)).content.decode()
    assert "2024/25" in html and "£0.0125" in html and "£12.00" in html


def test_a_member_cannot_open_another_councils_measure_through_their_own_council(
    client, council, other_council, officer
):
    theirs = MeasureFactory(council=other_council)
    client.force_login(officer)
    assert client.get(url("measure_detail", council, pk=theirs.pk)).status_code == 404


def test_the_export_downloads_the_library(client, council, officer):
    MeasureFactory(council=council, code="EC1", outcomes=[outcome_of(council)])
    client.force_login(officer)
    response = client.get(url("measure_export", council, fmt="csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="coventry-measures-' in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").splitlines()[1].startswith("EC1,")


# ---------------------------------------------------------------------------- calculators


def test_a_council_admin_creates_a_calculator_by_ticking_measures(client, council, council_admin):
    a, b, c = (MeasureFactory(council=council, code=code) for code in ("A1", "B1", "C1"))
    client.force_login(council_admin)
    response = client.post(
        url("calculator_add", council), {"name": "Works contracts", "category": "works", "measures": [c.pk, a.pk]}
    )
    calculator = Calculator.objects.get(council=council)
    assert response["Location"] == calculator.get_absolute_url()
    assert (calculator.name, calculator.category) == ("Works contracts", "works")
    assert [e.measure.code for e in calculator.entries.order_by("position")] == ["A1", "C1"]

    # Remove one, add one: kept measures keep their place, new ones go last.
    client.post(
        url("calculator_edit", council, pk=calculator.pk),
        {"name": "Works", "category": "works", "measures": [c.pk, b.pk]},
    )
    calculator.refresh_from_db()
    assert calculator.name == "Works"
    assert [e.measure.code for e in calculator.entries.order_by("position")] == ["C1", "B1"]
    assert calculator.history.count() == 2


def test_a_calculator_needs_a_name_unique_in_the_council(client, council, council_admin):
    CalculatorFactory(council=council, name="Goods")
    client.force_login(council_admin)
    response = client.post(url("calculator_add", council), {"name": "", "category": "goods"})
    assert "Enter a name for the calculator" in response.content.decode()
    response = client.post(url("calculator_add", council), {"name": "goods", "category": "goods"})
    html = response.content.decode()
    assert "This council already has a calculator with that name" in html and "govuk-error-summary" in html
    assert Calculator.objects.count() == 1


def test_another_councils_measure_cannot_be_put_in_a_calculator(client, council, other_council, council_admin):
    theirs = MeasureFactory(council=other_council)
    client.force_login(council_admin)
    response = client.post(url("calculator_add", council), {"name": "X", "category": "goods", "measures": [theirs.pk]})
    assert response.status_code == 200
    assert not Calculator.objects.exists() and not CalculatorMeasure.objects.exists()


def test_an_officer_cannot_change_a_calculator(client, council, officer):
    calculator = CalculatorFactory(council=council, name="Goods")
    client.force_login(officer)
    response = client.post(url("calculator_edit", council, pk=calculator.pk), {"name": "Mine", "category": "goods"})
    assert response.status_code == 403
    calculator.refresh_from_db()
    assert calculator.name == "Goods"


# ---------------------------------------------------------------------------- live calculator


@pytest.fixture
def calculator(council):
    outcome = outcome_of(council)
    jobs = MeasureFactory(
        council=council, code="EC1", name="Local jobs", unit="FTE years", outcomes=[outcome], values={2025: "23809.50"}
    )
    apps = MeasureFactory(council=council, code="EC2", name="Apprentice weeks", unit="weeks", values={2025: "283.125"})
    talks = MeasureFactory(council=council, code="Q1", name="Careers talks", kind="qualitative", values={})
    return CalculatorFactory(council=council, name="Services", measures=[jobs, apps, talks])


def run(client, council, calculator, name="calculator_detail", **data):
    return client.get(url(name, council, pk=calculator.pk), {"year": 2025, **data})


def q(calculator, code):
    return f"q{calculator.measures.get(code=code).pk}"


def test_the_live_calculator_shows_line_values_totals_and_percentage_without_javascript(
    client, council, calculator, cabinet_member
):
    client.force_login(cabinet_member)
    data = {q(calculator, "EC1"): "2", q(calculator, "EC2"): "3", "contract_value": "1000000"}
    html = run(client, council, calculator, **data).content.decode()
    # 2 × 23,809.50 = 47,619.00; 3 × 283.125 = 849.375 → 849.38; total 48,468.38 = 4.8% of £1m.
    assert "£47,619.00" in html and "£849.38" in html and "£48,468.38" in html
    assert "4.8% of the contract value of £1,000,000.00" in html
    assert "Careers talks" in html  # qualitative measures are listed, with no £


def test_the_result_endpoint_returns_the_same_panel_for_the_script(client, council, calculator, officer):
    client.force_login(officer)
    response = run(client, council, calculator, name="calculator_result", **{q(calculator, "EC1"): "1"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-summary="Total social value £23,809.50"' in html


def test_a_bad_quantity_gets_an_error_summary_and_an_inline_error(client, council, calculator, officer):
    client.force_login(officer)
    html = run(client, council, calculator, **{q(calculator, "EC2"): "-1"}).content.decode()
    assert "govuk-error-summary" in html and "govuk-error-message" in html
    assert "The quantity of weeks must be 0 or more" in html
    assert "<title>Error: Services" in html


def test_a_missing_proxy_value_for_the_year_is_explained(client, council, calculator, officer):
    ProxyValue.objects.create(measure=Measure.objects.get(code="EC1"), year=2026, value=Decimal("24000"))
    client.force_login(officer)
    html = run(client, council, calculator, year=2026).content.decode()
    assert "Measure EC2 (Apprentice weeks) has no proxy value for 2026/27." in html


def test_adding_next_years_value_does_not_change_this_years_calculation(client, council, calculator, officer):
    client.force_login(officer)
    data = {q(calculator, "EC1"): "1", q(calculator, "EC2"): "1"}
    before = run(client, council, calculator, **data).content.decode()
    ProxyValue.objects.create(measure=Measure.objects.get(code="EC1"), year=2026, value=Decimal("99999"))
    after = run(client, council, calculator, **data).content.decode()
    assert "£24,092.63" in before and "£24,092.63" in after


def test_the_live_calculator_runs_the_same_queries_for_a_short_or_long_calculator(client, council, officer):
    counts = []
    client.force_login(officer)
    for size in (3, 30):
        calc = CalculatorFactory(council=council, measures=[MeasureFactory(council=council) for _ in range(size)])
        with CaptureQueriesContext(connection) as ctx:
            assert run(client, council, calc).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_a_supplier_cannot_use_a_council_calculator_yet(client, council, calculator, supplier_user):
    client.force_login(supplier_user)
    assert run(client, council, calculator).status_code == 404


# ---------------------------------------------------------------------------- editing a measure


def test_a_council_admin_links_a_measure_to_outcomes_and_indicators(client, council, other_council, council_admin):
    measure = MeasureFactory(council=council, code="EC1")
    outcome = outcome_of(council)
    indicator = outcome.indicators.first()
    client.force_login(council_admin)
    response = client.post(
        url("measure_edit", council, pk=measure.pk),
        {
            "name": "Local jobs",
            "unit": "FTE years",
            "guidance": "",
            "kind": "quantitative",
            "local_only": "on",
            "outcomes": [outcome.pk],
            "indicators": [indicator.pk],
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.name, measure.code, measure.local_only) == ("Local jobs", "EC1", True)
    assert list(measure.outcomes.all()) == [outcome] and list(measure.indicators.all()) == [indicator]

    theirs = other_council.current_policy.themes.first().outcomes.first()
    response = client.post(
        url("measure_edit", council, pk=measure.pk),
        {"name": "X", "unit": "u", "kind": "quantitative", "outcomes": [theirs.pk]},
    )
    assert "Select a valid choice" in response.content.decode()
    assert list(measure.outcomes.all()) == [outcome]


def test_adding_a_years_proxy_value_leaves_other_years_alone_and_changes_keep_history(client, council, council_admin):
    measure = MeasureFactory(council=council, values={2025: "12.21"})
    client.force_login(council_admin)
    edit = url("proxy_value_edit", council, pk=measure.pk)
    client.post(edit, {"year": "2026", "value": "12.71", "source": "NLW April 2026"})
    client.post(edit, {"year": "2025", "value": "12.20", "source": "Corrected"})
    values = {pv.year: pv.value for pv in measure.proxy_values.all()}
    assert values == {2025: Decimal("12.20"), 2026: Decimal("12.71")}
    assert [h.value for h in measure.proxy_values.get(year=2025).history.order_by("history_date")] == [
        Decimal("12.21"),
        Decimal("12.20"),
    ]
    page = client.get(edit + "?year=2026").content.decode()
    assert 'value="12.7100"' in page or 'value="12.71"' in page


def test_a_bad_proxy_value_is_refused_with_an_inline_error(client, council, council_admin):
    measure = MeasureFactory(council=council, values={})
    client.force_login(council_admin)
    response = client.post(url("proxy_value_edit", council, pk=measure.pk), {"year": "2025", "value": "-3"})
    html = response.content.decode()
    assert "govuk-error-summary" in html and "The proxy value must be £0 or more" in html
    assert not measure.proxy_values.exists()


def test_a_proxy_value_with_fractions_of_a_penny_is_shown_as_it_is_used(client, council, calculator, officer):
    client.force_login(officer)
    html = run(client, council, calculator, **{q(calculator, "EC2"): "52"}).content.decode()
    assert "52 × £283.125" in html and "£14,722.50" in html


@pytest.mark.parametrize("size", [2, 20])
def test_the_calculator_list_runs_the_same_queries_for_2_or_20_calculators(
    client, council, officer, size, django_assert_num_queries
):
    measure = MeasureFactory(council=council)
    for _ in range(size):
        CalculatorFactory(council=council, measures=[measure])
    client.force_login(officer)
    # The request's savepoint and release, session, user, council, roles, supplier check, and
    # one query for the calculators with their measure counts.
    with django_assert_num_queries(8):
        response = client.get(url("calculator_list", council))
    assert f"{size} calculators" in response.content.decode()
