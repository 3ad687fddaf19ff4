"""Evaluation formulas (procurement issue, item 5), checked against figures worked by hand."""

from decimal import Decimal as D

import pytest

from procurement.rules import Weights
from procurement.scoring import TenderFigures, score_tenders

WEIGHTS = Weights(D("60"), D("30"), D("5"), D("5"))


def test_scores_worked_by_hand():
    a = TenderFigures(
        "A", price=D("200000"), committed_social_value=D("50000"), quality=D("70"), social_value_qualitative=D("80")
    )
    b = TenderFigures(
        "B", price=D("250000"), committed_social_value=D("100000"), quality=D("90"), social_value_qualitative=D("60")
    )
    scores = {s.key: s for s in score_tenders([a, b], WEIGHTS)}
    # A: price 200000/200000×60 = 60.00; quality 70×30/100 = 21.00; SV qual 80×5/100 = 4.00;
    #    SV quant 50000/100000×5 = 2.50; total 87.50
    assert (
        scores["A"].price,
        scores["A"].quality,
        scores["A"].social_value_qualitative,
        scores["A"].social_value_quantitative,
        scores["A"].total,
    ) == (D("60.00"), D("21.00"), D("4.00"), D("2.50"), D("87.50"))
    # B: price 200000/250000×60 = 48.00; quality 27.00; SV qual 3.00; SV quant 5.00; total 83.00
    assert scores["B"].total == D("83.00")
    assert (scores["A"].rank_label, scores["B"].rank_label) == ("1", "2")


def test_equal_totals_share_a_rank():
    a = TenderFigures("A", D("100"), D("10"), D("50"), D("50"))
    b = TenderFigures("B", D("100"), D("10"), D("50"), D("50"))
    c = TenderFigures("C", D("200"), D("10"), D("50"), D("50"))
    scores = score_tenders([a, b, c], WEIGHTS)
    assert [(s.key, s.rank_label) for s in scores] == [("A", "1="), ("B", "1="), ("C", "3")]


def test_no_commitments_anywhere_scores_zero_not_an_error():
    a = TenderFigures("A", D("100"), D("0"), D("50"), D("50"))
    assert score_tenders([a], WEIGHTS)[0].social_value_quantitative == D("0")


def test_a_tender_is_unranked_until_its_scores_are_agreed():
    a = TenderFigures("A", D("100"), D("10"), None, D("50"))
    [score] = score_tenders([a], WEIGHTS)
    assert (score.total, score.rank_label) == (None, "Not ranked")


@pytest.mark.parametrize("price", [D("0"), D("-1")])
def test_a_price_of_zero_or_less_cannot_be_scored(price):
    with pytest.raises(ValueError, match="price must be more than £0"):
        score_tenders([TenderFigures("A", price, D("0"), D("1"), D("1"))], WEIGHTS)
