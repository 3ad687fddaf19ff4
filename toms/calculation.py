"""The TOMs calculation engine: pure functions over plain values, no database.

Social value (£) = Σ quantity × proxy value for the financial year, also shown as a percentage
of the contract value (DESIGN.md, "TOMs"). Each line is rounded to the penny, half up, once;
the total and subtotals are exact sums of the rounded lines, so they always add up on the page.

Used by the live calculator page and, later, by tenders (procurement) and reports::

    measures = [MeasureInput(code="EC1", name="Local people employed", unit="FTE years",
                             theme="Economic", outcome="More local people in work",
                             proxy_values={2025: Decimal("23809.50")})]
    result = calculate(measures, [Line("EC1", Decimal("2"))], year=2025,
                       contract_value=Decimal("1000000"))
    result.total            # Decimal("47619.00")
    result.percent_of_contract_value   # Decimal("4.7619")

Anything wrong with the input raises ``CalculationError`` listing every problem, each naming the
measure and the year, so the person can fix them all at once.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
# Percentages keep four places; pages show one (JOURNEYS.md) through the ``percent`` filter.
PERCENT_PLACES = Decimal("0.0001")
NO_OUTCOME = "No outcome"


@dataclass(frozen=True)
class MeasureInput:
    """A measure as the engine needs it: identity, where it counts, and £ per unit by year."""

    code: str
    name: str
    unit: str
    theme: str
    outcome: str
    proxy_values: Mapping[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    """A quantity committed (or delivered) against one measure, by code."""

    code: str
    quantity: Decimal


@dataclass(frozen=True)
class LineResult:
    code: str
    name: str
    unit: str
    theme: str
    outcome: str
    quantity: Decimal
    proxy_value: Decimal
    value: Decimal  # £, rounded to the penny half up


@dataclass(frozen=True)
class Subtotal:
    name: str
    value: Decimal


@dataclass(frozen=True)
class Result:
    year: int
    lines: tuple[LineResult, ...]
    total: Decimal
    by_theme: tuple[Subtotal, ...]  # in the order each theme first appears in the calculator
    by_outcome: tuple[Subtotal, ...]
    contract_value: Decimal | None = None
    percent_of_contract_value: Decimal | None = None


class CalculationError(ValueError):
    """Every problem found in a calculation's input, each naming the measure and the year."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def _financial_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def line_value(quantity: Decimal, proxy_value: Decimal) -> Decimal:
    """One line's £: quantity × proxy value, rounded to the penny half up (once, here only)."""
    return (Decimal(quantity) * Decimal(proxy_value)).quantize(PENNY, rounding=ROUND_HALF_UP)


def calculate(
    measures: Iterable[MeasureInput],
    lines: Iterable[Line],
    *,
    year: int,
    contract_value: Decimal | None = None,
) -> Result:
    """Value ``lines`` with the proxy values for financial ``year`` (2025 = 2025/26).

    ``measures`` are those the calculator offers; a line for any other code is an error, as is
    a negative quantity, a code given twice, or a measure with no proxy value for the year.
    """
    by_code = {m.code: m for m in measures}
    order = {code: i for i, code in enumerate(by_code)}
    fy = _financial_year(year)
    problems: list[str] = []
    seen: set[str] = set()
    priced: list[LineResult] = []

    if contract_value is not None and Decimal(contract_value) <= 0:
        problems.append(f"The contract value must be more than £0 to show social value as a percentage ({fy}).")

    for line in lines:
        measure = by_code.get(line.code)
        quantity = Decimal(line.quantity)
        if measure is None:
            problems.append(f"Measure {line.code} is not in this calculator ({fy}).")
            continue
        label = f"Measure {measure.code} ({measure.name})"
        if line.code in seen:
            problems.append(f"{label} is given more than once ({fy}).")
            continue
        seen.add(line.code)
        if not quantity.is_finite():
            problems.append(f"{label}: the quantity must be a number ({fy}).")
            continue
        if quantity < 0:
            problems.append(f"{label}: the quantity must be 0 or more, not {quantity} ({fy}).")
        proxy = measure.proxy_values.get(year)
        if proxy is None:
            problems.append(f"{label} has no proxy value for {fy}.")
            continue
        priced.append(
            LineResult(
                code=measure.code,
                name=measure.name,
                unit=measure.unit,
                theme=measure.theme,
                outcome=measure.outcome,
                quantity=quantity,
                proxy_value=Decimal(proxy),
                value=line_value(quantity, proxy),
            )
        )

    if problems:
        raise CalculationError(problems)

    # Lines come back in the calculator's order, whatever order they were given in.
    priced.sort(key=lambda r: order[r.code])
    total = sum((r.value for r in priced), Decimal("0.00"))
    percent = None
    if contract_value is not None:
        percent = (total * 100 / Decimal(contract_value)).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)
    return Result(
        year=year,
        lines=tuple(priced),
        total=total,
        by_theme=_subtotals(priced, lambda r: r.theme),
        by_outcome=_subtotals(priced, lambda r: r.outcome),
        contract_value=None if contract_value is None else Decimal(contract_value),
        percent_of_contract_value=percent,
    )


def _subtotals(lines: list[LineResult], key) -> tuple[Subtotal, ...]:
    sums: dict[str, Decimal] = {}
    for line in lines:
        sums[key(line)] = sums.get(key(line), Decimal("0.00")) + line.value
    return tuple(Subtotal(name, value) for name, value in sums.items())
