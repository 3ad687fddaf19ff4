"""The measure library written back out as CSV or XLSX, in the columns the import reads.

One row per measure and year (a measure with no values yet has one row with a blank year and
value), so an export re-imports cleanly and changes nothing.
"""

import csv
import io
from decimal import Decimal

from .imports import COLUMNS, OUTCOME_SEPARATOR


def library_rows(measures):
    """Rows of cells for ``measures`` (from ``Measure.objects.for_library()``), heading first."""
    yield list(COLUMNS)
    for m in measures:
        details = {
            "code": m.code,
            "name": m.name,
            "unit": m.unit,
            "outcome": f"{OUTCOME_SEPARATOR} ".join(o.name for o in m.outcomes.all()),
            "guidance": m.guidance,
            "type": m.kind,
            "local_only": "yes" if m.local_only else "no",
        }
        values = sorted(m.proxy_values.all(), key=lambda pv: pv.year) or [None]
        for pv in values:
            row = {
                **details,
                "year": pv.year if pv else "",
                "proxy_value": _plain(pv.value) if pv else "",
                "source": pv.source if pv else "",
            }
            yield [row[c] for c in COLUMNS]


def _plain(value):
    """12.5000 → "12.5": no trailing zeros, never scientific notation."""
    return format(value.normalize(), "f")


def to_csv(measures) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(library_rows(measures))
    # A byte order mark lets Excel open the £ signs and accents correctly.
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(measures) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Measures")
    year_at, value_at = COLUMNS.index("year"), COLUMNS.index("proxy_value")
    for number, row in enumerate(library_rows(measures)):
        cells = [c if c != "" else None for c in row]
        if number and cells[year_at] is not None:
            # Numbers as numbers, so people can sort and sum them in the spreadsheet.
            cells[year_at], cells[value_at] = int(cells[year_at]), Decimal(cells[value_at])
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
