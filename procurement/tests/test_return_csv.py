"""The pure CSV reader of a whole return names the row and column of every problem."""

from decimal import Decimal

import pytest

from procurement.return_csv import KpiRef, ReturnCsvError, Row, parse

KPIS = [KpiRef(1, "Apprenticeship weeks", "a"), KpiRef(2, "Local jobs", "b")]


def problems(text):
    with pytest.raises(ReturnCsvError) as caught:
        parse(text.encode(), KPIS)
    return caught.value.problems


def test_reads_rows_by_number_or_name_in_any_column_order():
    rows = parse(b'comment,quantity,kpi\nGood,"1,250.5",1\n,3,local jobs\n\n', KPIS)
    assert rows == [Row("a", Decimal("1250.5"), "Good"), Row("b", Decimal("3"), "")]


def test_every_problem_is_named_by_row_and_column():
    assert problems("kpi,quantity\n7,1\n1,-2\n1,3\n,x\n") == [
        "Row 2, column kpi: there is no KPI '7' on this contract",
        "Row 3, column quantity: enter a number of 0 or more",
        "Row 4, column kpi: KPI 1 is already on row 3",
        "Row 5, column kpi: enter the KPI's number or name",
        "Row 5, column quantity: 'x' is not a number",
    ]


def test_header_problems_and_empty_files():
    assert problems("kpi,amount\n") == [
        "Row 1 (the header) has no quantity column",
        "Row 1 (the header): column amount is not one of kpi, quantity, comment",
    ]
    assert problems("") == ["The file is empty: it needs a header row kpi,quantity,comment and a row per KPI"]
    assert problems("kpi,quantity\n") == ["The file has no rows after the header: add a row per KPI"]
    with pytest.raises(ReturnCsvError, match="UTF-8"):
        parse(b"kpi,quantity\n\xff\xfe,1\n", KPIS)
