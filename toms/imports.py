"""Reading and checking a measure library file (CSV or XLSX) before anything is saved.

The columns, in a heading row (row 1; case and spaces do not matter, so "Proxy value" works):

=============  ========  ======================================================================
column         needed    what goes in it
=============  ========  ======================================================================
code           yes       the measure's reference code, unique in the council, like ``EC1``
name           yes       the measure's name
unit           yes       what a supplier counts, like ``weeks`` or ``tonnes CO2e``
year           yes*      the financial year the value is for: ``2025`` or ``2025/26``
proxy_value    yes*      £ per unit for that year, 0 or more, up to 4 decimal places
outcome        yes       the policy outcome(s) the measure evidences, by name as in the council's
                         current policy (case and surrounding spaces do not matter); separate
                         several with a semicolon (;)
guidance       no        guidance for suppliers
type           no        ``quantitative`` (the default) or ``qualitative``
local_only     no        ``yes`` if only delivery in the council's area counts (default ``no``)
source         no        where the proxy value comes from
=============  ========  ======================================================================

\\* Both columns must be there; leave both cells blank on a row to add a measure with no value
yet. One row is one measure's value for one year: repeat the measure's row for each year, with
the same details. Every problem is reported as "Row N, column X: message", numbering rows as a
spreadsheet does (the heading row is row 1).

Nothing here touches the database: the caller passes the council's outcome names, and
``toms.services.measures_import`` saves the checked plan in one transaction.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

REQUIRED_COLUMNS = ("code", "name", "unit", "year", "proxy_value", "outcome")
OPTIONAL_COLUMNS = ("guidance", "type", "local_only", "source")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
COLUMN_HELP = {
    "code": "The measure's reference code, unique in the council, like EC1.",
    "name": "The measure's name.",
    "unit": "What a supplier counts, like weeks or tonnes CO2e.",
    "year": "The financial year the value is for, like 2025 or 2025/26.",
    "proxy_value": "£ per unit for that year: 0 or more, up to 4 decimal places.",
    "outcome": "The policy outcome the measure evidences, named as in the policy. Separate several with ;.",
    "guidance": "Optional. Guidance for suppliers.",
    "type": "Optional. quantitative (the default) or qualitative.",
    "local_only": "Optional. yes if only delivery in the council's area counts; no is the default.",
    "source": "Optional. Where the proxy value comes from.",
}
OUTCOME_SEPARATOR = ";"
MAX_CODE = 40
MAX_VALUE = Decimal("9999999999.9999")  # fits DecimalField(max_digits=14, decimal_places=4)
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
WRONG_TYPE = "The selected file must be a CSV or XLSX"


@dataclass(frozen=True)
class Problem:
    row: int | None  # None for a problem with the whole file
    column: str | None
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column:
            return f"Row {self.row}, column {self.column}: {self.message}"
        return f"Row {self.row}: {self.message}"


class ImportProblems(Exception):
    """Every problem found; ``messages`` reads as a person sees them. Nothing was saved."""

    def __init__(self, problems: list):
        self.problems = list(problems)
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    name: str
    unit: str
    guidance: str
    kind: str
    local_only: bool
    outcome_ids: frozenset[int]
    row: int = field(compare=False)


@dataclass(frozen=True)
class ValueSpec:
    code: str
    year: int
    value: Decimal
    source: str
    row: int = field(compare=False)


@dataclass
class ImportPlan:
    measures: dict[str, MeasureSpec]
    values: dict[tuple[str, int], ValueSpec]
    rows: int


# ------------------------------------------------------------------------------ reading


def normalise_heading(text) -> str:
    return re.sub(r"[\s-]+", "_", str(text or "").strip().lower())


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # Spreadsheets store 12.5 as a float; repr gives the shortest exact-looking form.
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def read_rows(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The heading row and the data rows, each with its spreadsheet row number; blank rows skipped."""
    name = (filename or "").lower()
    if not content:
        raise ImportProblems([Problem(None, None, "The selected file is empty")])
    if name.endswith(".xlsx"):
        table = _read_xlsx(content)
    elif name.endswith(".csv"):
        table = _read_csv(content)
    else:
        raise ImportProblems([Problem(None, None, WRONG_TYPE)])
    rows = [(number, cells) for number, cells in table if any(cells)]
    if not rows:
        raise ImportProblems([Problem(None, None, "The selected file is empty")])
    heading_number, heading = rows[0]
    if heading_number != 1:
        raise ImportProblems([Problem(1, None, "The heading row must be row 1, with a column name in each cell")])
    return [normalise_heading(h) for h in heading], rows[1:]


def _read_csv(content: bytes):
    if b"\x00" in content[:4096] or content[:2] == b"PK":
        raise ImportProblems([Problem(None, None, WRONG_TYPE)])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" (not "CSV UTF-8") saves in Windows-1252, where £ is one byte.
        text = content.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    return [(number, [c.strip() for c in cells]) for number, cells in enumerate(reader, start=1)]


def _read_xlsx(content: bytes):
    from openpyxl import load_workbook  # imported here: only XLSX imports need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportProblems([Problem(None, None, WRONG_TYPE)]) from None
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


# ------------------------------------------------------------------------------ checking


def outcome_key(name: str) -> str:
    """How outcome names are matched: trimmed, case-insensitive, runs of spaces as one."""
    return " ".join(str(name).split()).casefold()


def _parse_year(text: str) -> int | None:
    match = re.fullmatch(r"(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?", text)
    if not match:
        return None
    start = int(match.group(1))
    if match.group(2) and int(match.group(2)) % 100 != (start + 1) % 100:
        return None
    return start if 2000 <= start <= 2100 else None


def _parse_money(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("£", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def check_rows(
    heading: list[str],
    rows: list[tuple[int, list[str]]],
    *,
    outcomes: Mapping[str, int],
    progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> ImportPlan:
    """Check every row; return the plan to save, or raise ``ImportProblems`` listing them all.

    ``outcomes`` maps ``outcome_key(name)`` to the outcome's id in the council's current policy.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in heading]
    if missing:
        raise ImportProblems(
            [
                Problem(
                    1,
                    c,
                    "this column is missing from the heading row; the file needs columns "
                    + ", ".join(REQUIRED_COLUMNS),
                )
                for c in missing
            ]
        )
    if not rows:
        raise ImportProblems(
            [Problem(None, None, "The selected file has no measures: add a row for each measure under the heading row")]
        )
    index = {c: heading.index(c) for c in COLUMNS if c in heading}
    problems: list[Problem] = []
    measures: dict[str, MeasureSpec] = {}
    values: dict[tuple[str, int], ValueSpec] = {}

    for done, (number, cells) in enumerate(rows, start=1):
        if progress and done % progress_every == 0:
            progress(done)

        def cell(column, _cells=cells):
            i = index.get(column)
            return _cells[i].strip() if i is not None and i < len(_cells) else ""

        row_problems: list[Problem] = []

        def problem(column, message, _number=number, _out=row_problems):
            _out.append(Problem(_number, column, message))

        code = cell("code")
        if not code:
            problem("code", "enter the measure's reference code")
        elif len(code) > MAX_CODE:
            problem("code", f"the code must be {MAX_CODE} characters or fewer")
        name = cell("name")
        if not name:
            problem("name", "enter the measure's name")
        elif len(name) > 500:
            problem("name", "the name must be 500 characters or fewer")
        unit = cell("unit")
        if not unit:
            problem("unit", "enter the unit, like weeks or tonnes CO2e")
        elif len(unit) > 100:
            problem("unit", "the unit must be 100 characters or fewer")

        kind_text = cell("type").lower() or "quantitative"
        if kind_text not in ("quantitative", "qualitative"):
            problem("type", f'enter quantitative or qualitative, not "{cell("type")}"')
        local_text = cell("local_only").lower()
        if local_text not in TRUE_WORDS | FALSE_WORDS:
            problem("local_only", f'enter yes or no, not "{cell("local_only")}"')

        outcome_ids = set()
        outcome_text = cell("outcome")
        if not outcome_text:
            problem("outcome", "enter the policy outcome this measure evidences")
        for part in filter(None, (p.strip() for p in outcome_text.split(OUTCOME_SEPARATOR))):
            outcome_id = outcomes.get(outcome_key(part))
            if outcome_id is None:
                problem("outcome", f'there is no outcome called "{part}" in the council\'s current policy')
            else:
                outcome_ids.add(outcome_id)

        year_text, value_text = cell("year"), cell("proxy_value")
        year = value = None
        if year_text or value_text:
            if not year_text:
                problem("year", "enter the financial year this proxy value is for, like 2025 for 2025/26")
            else:
                year = _parse_year(year_text)
                if year is None:
                    problem(
                        "year", f'enter the year the financial year starts, like 2025 for 2025/26, not "{year_text}"'
                    )
            if not value_text:
                problem("proxy_value", "enter the proxy value in £ per unit, like 12.50")
            else:
                value = _parse_money(value_text)
                if value is None:
                    problem("proxy_value", f'enter a number, like 12.50, not "{value_text}"')
                elif value < 0:
                    problem("proxy_value", f"the proxy value must be £0 or more, not {value_text}")
                elif value > MAX_VALUE:
                    problem("proxy_value", "the proxy value must be less than £10,000,000,000")
                elif value.as_tuple().exponent < -4:
                    problem("proxy_value", "use no more than 4 decimal places")

        if row_problems:
            problems.extend(row_problems)
            continue

        spec = MeasureSpec(
            code=code,
            name=name,
            unit=unit,
            guidance=cell("guidance"),
            kind=kind_text,
            local_only=local_text in TRUE_WORDS,
            outcome_ids=frozenset(outcome_ids),
            row=number,
        )
        earlier = measures.get(code)
        if earlier is None:
            measures[code] = spec
        elif earlier != spec:
            column = next(
                c
                for c, a, b in (
                    ("name", earlier.name, spec.name),
                    ("unit", earlier.unit, spec.unit),
                    ("outcome", earlier.outcome_ids, spec.outcome_ids),
                    ("guidance", earlier.guidance, spec.guidance),
                    ("type", earlier.kind, spec.kind),
                    ("local_only", earlier.local_only, spec.local_only),
                )
                if a != b
            )
            problems.append(
                Problem(
                    number,
                    column,
                    f"code {code} is also on row {earlier.row} with a different {column}; "
                    "a measure's details must be the same on every row",
                )
            )
            continue
        if year is not None:
            vspec = ValueSpec(code=code, year=year, value=value, source=cell("source"), row=number)
            before = values.get((code, year))
            if before is None:
                values[(code, year)] = vspec
            elif before != vspec:
                fy = f"{year}/{(year + 1) % 100:02d}"
                problems.append(
                    Problem(
                        number,
                        "proxy_value" if before.value != vspec.value else "source",
                        f"code {code} already has a {fy} value on row {before.row}; give each measure one value a year",
                    )
                )
    if progress:
        progress(len(rows))
    if problems:
        raise ImportProblems(problems)
    return ImportPlan(measures=measures, values=values, rows=len(rows))
