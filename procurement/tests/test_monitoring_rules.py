"""Pure rules of contract monitoring: RAG boundaries, reporting periods, evidence types."""

import datetime
import io
import zipfile
from decimal import Decimal as D

import pytest

from procurement.evidence import EvidenceError, check_evidence
from procurement.performance import Rag, Tolerances, progress
from procurement.schedule import periods

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
HALF = datetime.date(2026, 7, 2)  # 182 of 364 days: exactly half way


@pytest.mark.parametrize(
    ("delivered", "rag"),
    [
        ("55", Rag.AHEAD),  # 110% of the 50 expected
        ("54.99", Rag.ON_TRACK),
        ("45", Rag.ON_TRACK),  # 90%
        ("44.99", Rag.AT_RISK),
        ("35", Rag.AT_RISK),  # 70%
        ("34.99", Rag.FAILING),
        ("0", Rag.FAILING),
    ],
)
def test_rag_boundaries_half_way_through_a_contract(delivered, rag):
    result = progress(target=D("100"), delivered=D(delivered), start=START, end=END, today=HALF)
    assert result.expected == D("50")
    assert result.rag == rag


def test_nothing_is_expected_before_the_start():
    assert (
        progress(target=D("100"), delivered=D("0"), start=START, end=END, today=datetime.date(2025, 12, 1)).rag
        == Rag.ON_TRACK
    )


def test_at_the_end_the_whole_target_is_expected():
    result = progress(target=D("100"), delivered=D("80"), start=START, end=END, today=datetime.date(2027, 3, 1))
    assert (result.expected, result.pace, result.rag) == (D("100"), D("80.0"), Rag.AT_RISK)


def test_council_tolerances_change_the_boundaries():
    strict = Tolerances(ahead_from=D("120"), on_track_from=D("100"), at_risk_from=D("80"))
    assert (
        progress(target=D("100"), delivered=D("45"), start=START, end=END, today=HALF, tolerances=strict).rag
        == Rag.AT_RISK
    )


def test_quarterly_periods_cover_the_contract_exactly():
    result = periods(datetime.date(2026, 1, 31), datetime.date(2026, 12, 15))
    assert [(p.start.isoformat(), p.end.isoformat()) for p in result] == [
        ("2026-01-31", "2026-04-29"),
        ("2026-04-30", "2026-07-30"),
        ("2026-07-31", "2026-10-30"),
        ("2026-10-31", "2026-12-15"),
    ]


def _xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def test_real_files_are_accepted_by_their_content():
    assert check_evidence("report.pdf", b"%PDF-1.7\n...").kind == "pdf"
    assert check_evidence("photo.jpg", b"\xff\xd8\xff\xe0rest").kind == "jpeg"
    assert check_evidence("return.xlsx", _xlsx()).kind == "xlsx"
    assert check_evidence("return.csv", b"kpi,quantity\nEC1,3\n").kind == "csv"


def test_a_file_that_claims_to_be_a_pdf_but_is_not_is_refused():
    with pytest.raises(EvidenceError, match=r"named as a \.pdf file but its content is not"):
        check_evidence("evidence.pdf", b"Just some text saved with a .pdf name")
    with pytest.raises(EvidenceError, match="must be a PDF, an image"):
        check_evidence("evidence.pdf", b"MZ\x90\x00\x03 a Windows program renamed")


def test_an_executable_with_no_extension_is_refused():
    with pytest.raises(EvidenceError, match="must be a PDF, an image"):
        check_evidence("evidence", b"\x7fELF\x02\x01\x01\x00\x00\x00")


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(EvidenceError, match="smaller than 1 MB"):
        check_evidence("big.pdf", b"%PDF-" + b"0" * (1024 * 1024), max_bytes=1024 * 1024)
