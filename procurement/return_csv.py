"""Read a whole KPI return from a CSV file, naming the row and column of every problem.

Columns (a header row is required; names are case-insensitive, in any order):

- ``kpi`` — the KPI's number as shown on the return page (1, 2, 3…) or its exact name;
- ``quantity`` — the quantity delivered in the period: a number of 0 or more, like ``12`` or ``3.5``;
- ``comment`` — optional: how it was delivered, or what the evidence shows.

Every KPI may appear at most once. The file is read whole before anything is saved: one bad row
and nothing is (contract monitoring, item 3). Pure: no database.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

COLUMNS = ("kpi", "quantity", "comment")
REQUIRED = ("kpi", "quantity")
MAX_ROWS = 1000


@dataclass(frozen=True)
class KpiRef:
    number: int
    name: str
    key: object  # what the caller wants back (a KPI id)


@dataclass(frozen=True)
class Row:
    key: object
    quantity: Decimal
    comment: str


class ReturnCsvError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def parse(data: bytes, kpis: list[KpiRef]) -> list[Row]:
    """The rows of the return, or ``ReturnCsvError`` listing every problem by row and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReturnCsvError(["The file must be a CSV file saved as UTF-8 text"]) from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ReturnCsvError(
            ["The file is empty: it needs a header row kpi,quantity,comment and a row per KPI"]
        ) from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [h for h in names if h and h not in COLUMNS]
    if missing or unknown:
        problems = [f"Row 1 (the header) has no {c} column" for c in missing]
        problems += [f"Row 1 (the header): column {h} is not one of kpi, quantity, comment" for h in unknown]
        raise ReturnCsvError(problems)
    index = {name: names.index(name) for name in COLUMNS if name in names}
    by_number = {str(k.number): k for k in kpis}
    by_name = {k.name.strip().lower(): k for k in kpis}

    rows: list[Row] = []
    problems: list[str] = []
    seen: dict[object, int] = {}
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise ReturnCsvError([f"The file is not a valid CSV file ({exc})"]) from None
    if len(lines) > MAX_ROWS:
        raise ReturnCsvError([f"The file has more than {MAX_ROWS} rows"])
    for line_number, cells in enumerate(lines, start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are harmless

        def cell(name, cells=cells):
            i = index.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        where = f"Row {line_number}"
        ref = cell("kpi")
        kpi = by_number.get(ref) or by_name.get(ref.lower())
        if not ref:
            problems.append(f"{where}, column kpi: enter the KPI's number or name")
        elif kpi is None:
            problems.append(f"{where}, column kpi: there is no KPI {ref!r} on this contract")
        elif kpi.key in seen:
            problems.append(f"{where}, column kpi: KPI {kpi.number} is already on row {seen[kpi.key]}")
            kpi = None
        raw = cell("quantity").replace(",", "")
        quantity = None
        if not raw:
            problems.append(f"{where}, column quantity: enter the quantity delivered")
        else:
            try:
                quantity = Decimal(raw)
            except InvalidOperation:
                problems.append(f"{where}, column quantity: {cell('quantity')!r} is not a number")
            else:
                if not quantity.is_finite() or quantity < 0:
                    problems.append(f"{where}, column quantity: enter a number of 0 or more")
                    quantity = None
                elif quantity.as_tuple().exponent < -4:
                    problems.append(f"{where}, column quantity: use at most 4 decimal places")
                    quantity = None
        if kpi is not None:
            seen[kpi.key] = line_number
            if quantity is not None:
                rows.append(Row(kpi.key, quantity, cell("comment")))
    if problems:
        raise ReturnCsvError(problems)
    if not rows:
        raise ReturnCsvError(["The file has no rows after the header: add a row per KPI"])
    return rows
