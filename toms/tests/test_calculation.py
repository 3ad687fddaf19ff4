"""The calculation engine: hand-computed totals to the penny, errors that name the measure and
year, and properties that must hold for any input (hypothesis)."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toms.calculation import CalculationError, Line, MeasureInput, calculate, line_value

D = Decimal

JOBS = MeasureInput(
    code="EC1",
    name="Local people employed",
    unit="FTE years",
    theme="Economic",
    outcome="More local people in work",
    proxy_values={2024: D("22308.00"), 2025: D("23809.50")},
)
APPS = MeasureInput(
    code="EC2",
    name="Apprenticeship weeks",
    unit="weeks",
    theme="Economic",
    outcome="Better skills",
    proxy_values={2025: D("283.125")},
)
CARBON = MeasureInput(
    code="EN1",
    name="Carbon saved",
    unit="tonnes CO2e",
    theme="Environmental",
    outcome="Tackling climate change",
    proxy_values={2024: D("256"), 2025: D("260")},
)
MEASURES = [JOBS, APPS, CARBON]


def test_a_calculation_matches_the_hand_computed_total_to_the_penny():
    # 2 × 23,809.50 = 47,619.00; 3 × 283.125 = 849.375 → 849.38 (half up);
    # 12.5 × 260 = 3,250.00; total 51,718.38; 51,718.38 / 1,000,000 = 5.1718%.
    result = calculate(
        MEASURES,
        [Line("EC1", D("2")), Line("EC2", D("3")), Line("EN1", D("12.5"))],
        year=2025,
        contract_value=D("1000000"),
    )
    assert [line.value for line in result.lines] == [D("47619.00"), D("849.38"), D("3250.00")]
    assert result.total == D("51718.38")
    assert result.percent_of_contract_value == D("5.1718")
    assert [(s.name, s.value) for s in result.by_theme] == [
        ("Economic", D("48468.38")),
        ("Environmental", D("3250.00")),
    ]
    assert [(s.name, s.value) for s in result.by_outcome] == [
        ("More local people in work", D("47619.00")),
        ("Better skills", D("849.38")),
        ("Tackling climate change", D("3250.00")),
    ]


def test_each_line_is_rounded_half_up_once_and_the_total_is_the_sum_of_rounded_lines():
    # Each line 1 × 0.005 = 0.005 → 0.01 half up; rounding the sum (0.015 → 0.02) would differ.
    half = MeasureInput("A", "A", "u", "T", "O", {2025: D("0.005")})
    other = MeasureInput("B", "B", "u", "T", "O", {2025: D("0.005")})
    other2 = MeasureInput("C", "C", "u", "T", "O", {2025: D("0.005")})
    result = calculate([half, other, other2], [Line("A", D(1)), Line("B", D(1)), Line("C", D(1))], year=2025)
    assert result.total == D("0.03")
    assert line_value(D("1"), D("0.004999")) == D("0.00")
    assert line_value(D("2.5"), D("0.01")) == D("0.03")  # 0.025 rounds half up, not to even


def test_a_calculation_for_a_year_uses_that_years_proxy_value():
    lines = [Line("EC1", D("1")), Line("EN1", D("1"))]
    assert calculate(MEASURES[::2], lines, year=2024).total == D("22564.00")
    assert calculate(MEASURES[::2], lines, year=2025).total == D("24069.50")


def test_no_contract_value_means_no_percentage():
    result = calculate(MEASURES, [Line("EC1", D("1"))], year=2025)
    assert result.percent_of_contract_value is None


def test_a_negative_quantity_is_an_error_naming_the_measure_and_year():
    with pytest.raises(CalculationError) as exc:
        calculate(MEASURES, [Line("EC2", D("-1"))], year=2025)
    assert exc.value.problems == [
        "Measure EC2 (Apprenticeship weeks): the quantity must be 0 or more, not -1 (2025/26)."
    ]


def test_a_measure_not_in_the_calculator_is_an_error():
    with pytest.raises(CalculationError) as exc:
        calculate(MEASURES, [Line("XX9", D("1"))], year=2025)
    assert exc.value.problems == ["Measure XX9 is not in this calculator (2025/26)."]


def test_a_missing_proxy_value_for_the_year_is_an_error_naming_measure_and_year():
    with pytest.raises(CalculationError) as exc:
        calculate(MEASURES, [Line("EC1", D("1")), Line("EC2", D("1"))], year=2024)
    assert exc.value.problems == ["Measure EC2 (Apprenticeship weeks) has no proxy value for 2024/25."]


def test_every_problem_is_reported_at_once():
    with pytest.raises(CalculationError) as exc:
        calculate(MEASURES, [Line("EC2", D("-2")), Line("NOPE", D("1")), Line("EC1", D("1"))], year=2026)
    assert len(exc.value.problems) == 4
    assert "2026/27" in str(exc.value)
    assert isinstance(exc.value, ValueError)


def test_a_measure_given_twice_is_an_error():
    with pytest.raises(CalculationError, match=r"EC1 .* is given more than once"):
        calculate(MEASURES, [Line("EC1", D("1")), Line("EC1", D("2"))], year=2025)


def test_a_zero_or_negative_contract_value_is_an_error():
    with pytest.raises(CalculationError, match="contract value must be more than £0"):
        calculate(MEASURES, [Line("EC1", D("1"))], year=2025, contract_value=D("0"))


def test_lines_come_back_in_the_calculators_order():
    result = calculate(MEASURES, [Line("EN1", D("1")), Line("EC1", D("1"))], year=2025)
    assert [line.code for line in result.lines] == ["EC1", "EN1"]


# ---------------------------------------------------------------------------- properties

proxy = st.decimals(min_value=D("0"), max_value=D("100000"), places=4, allow_nan=False, allow_infinity=False)
pennies = st.decimals(min_value=D("0"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)
quantity = st.decimals(min_value=D("0"), max_value=D("100000"), places=3, allow_nan=False, allow_infinity=False)


@st.composite
def calculations(draw, values=proxy, quantities=quantity):
    n = draw(st.integers(min_value=1, max_value=25))
    themes = ["Economic", "Social", "Environmental"]
    measures = [
        MeasureInput(
            code=f"M{i}",
            name=f"Measure {i}",
            unit="u",
            theme=draw(st.sampled_from(themes)),
            outcome=f"Outcome {draw(st.integers(0, 4))}",
            proxy_values={2025: draw(values)},
        )
        for i in range(n)
    ]
    lines = [Line(m.code, draw(quantities)) for m in measures if draw(st.booleans())]
    return measures, lines


@given(calculations())
def test_the_total_is_the_sum_of_the_lines_and_of_each_set_of_subtotals(case):
    measures, lines = case
    result = calculate(measures, lines, year=2025)
    assert result.total == sum((line.value for line in result.lines), D("0"))
    assert result.total == sum((s.value for s in result.by_theme), D("0"))
    assert result.total == sum((s.value for s in result.by_outcome), D("0"))
    assert all(line.value == line.value.quantize(D("0.01")) for line in result.lines)


@given(calculations(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_lines(case, rnd: random.Random):
    measures, lines = case
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    assert calculate(measures, shuffled, year=2025) == calculate(measures, lines, year=2025)


@settings(max_examples=200)
@given(calculations(values=pennies, quantities=st.integers(0, 10_000).map(D)), st.integers(0, 1000))
def test_with_whole_quantities_and_penny_values_the_total_scales_exactly(case, k):
    measures, lines = case
    scaled = [Line(line.code, line.quantity * k) for line in lines]
    assert calculate(measures, scaled, year=2025).total == k * calculate(measures, lines, year=2025).total


@given(calculations(), st.integers(0, 1000))
def test_scaling_quantities_scales_the_total_within_half_a_penny_a_line(case, k):
    measures, lines = case
    scaled = [Line(line.code, line.quantity * k) for line in lines]
    difference = abs(calculate(measures, scaled, year=2025).total - k * calculate(measures, lines, year=2025).total)
    # Each line is rounded once: scaling a rounded line moves it at most k × ½p, plus ½p.
    assert difference <= len(lines) * (k + 1) * D("0.005")
