"""Size classification at every boundary of the Coventry note's table (3.2.3)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suppliers.sizing import SizeClass, classify

M = Decimal("1000000")
PENNY = Decimal("0.01")
SMALL_MONEY = Decimal("100000")


@pytest.mark.parametrize(
    ("headcount", "size"),
    [
        (0, SizeClass.MICRO),
        (9, SizeClass.MICRO),
        (10, SizeClass.SMALL),
        (49, SizeClass.SMALL),
        (50, SizeClass.MEDIUM),
        (249, SizeClass.MEDIUM),
        (250, SizeClass.LARGE),
    ],
)
def test_headcount_boundaries_follow_coventry_note_3_2_3(headcount, size):
    assert classify(headcount=headcount, turnover=SMALL_MONEY, balance_sheet=SMALL_MONEY).size == size


@pytest.mark.parametrize(
    ("headcount", "limit", "within", "over"),
    [
        (9, 2 * M, SizeClass.MICRO, SizeClass.SMALL),
        (49, 10 * M, SizeClass.SMALL, SizeClass.MEDIUM),
        (249, 50 * M, SizeClass.MEDIUM, SizeClass.LARGE),
    ],
)
def test_turnover_at_the_limit_fits_and_a_penny_over_does_not(headcount, limit, within, over):
    """Coventry note 3.2.3: 'less than or equal to' the turnover limit, when the balance sheet is over too."""
    huge = 1000 * M
    assert classify(headcount=headcount, turnover=limit, balance_sheet=huge).size == within
    assert classify(headcount=headcount, turnover=limit + PENNY, balance_sheet=huge).size == over


@pytest.mark.parametrize(
    ("headcount", "limit", "within", "over"),
    [
        (9, 2 * M, SizeClass.MICRO, SizeClass.SMALL),
        (49, 10 * M, SizeClass.SMALL, SizeClass.MEDIUM),
        (249, 43 * M, SizeClass.MEDIUM, SizeClass.LARGE),
    ],
)
def test_balance_sheet_at_the_limit_fits_and_a_penny_over_does_not(headcount, limit, within, over):
    huge = 1000 * M
    assert classify(headcount=headcount, turnover=huge, balance_sheet=limit).size == within
    assert classify(headcount=headcount, turnover=huge, balance_sheet=limit + PENNY).size == over


def test_turnover_or_balance_sheet_is_enough_for_a_medium_business():
    """A medium business may turn over £60m if its balance sheet is £43m or less."""
    assert classify(headcount=100, turnover=60 * M, balance_sheet=43 * M).size == SizeClass.MEDIUM
    assert classify(headcount=100, turnover=50 * M, balance_sheet=80 * M).size == SizeClass.MEDIUM


def test_a_business_with_few_staff_but_high_turnover_is_sized_by_its_money():
    assert classify(headcount=5, turnover=20 * M, balance_sheet=20 * M).size == SizeClass.MEDIUM


def test_without_a_balance_sheet_turnover_alone_decides():
    assert classify(headcount=3, turnover=2 * M, balance_sheet=None).size == SizeClass.MICRO
    assert classify(headcount=3, turnover=2 * M + PENNY, balance_sheet=None).size == SizeClass.SMALL


def test_the_reason_says_why_in_plain_words():
    result = classify(headcount=12, turnover=3 * M, balance_sheet=None)
    assert result.size == SizeClass.SMALL
    assert (
        result.reason
        == "Small: 12 people, which is fewer than 50, and a turnover of £3,000,000.00, which is £10,000,000.00 or less."
    )
    assert classify(headcount=300, turnover=M).reason == "Large: 300 people, which is 250 or more."
    assert "over £50,000,000.00" in classify(headcount=100, turnover=51 * M, balance_sheet=44 * M).reason


def test_a_negative_headcount_is_refused():
    with pytest.raises(ValueError):
        classify(headcount=-1, turnover=M)


money = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)


@given(st.integers(min_value=0, max_value=2_000_000), money, st.one_of(st.none(), money))
def test_more_staff_never_makes_a_business_smaller(headcount, turnover, balance_sheet):
    order = list(SizeClass)
    smaller = classify(headcount=headcount, turnover=turnover, balance_sheet=balance_sheet).size
    larger = classify(headcount=headcount + 1, turnover=turnover, balance_sheet=balance_sheet).size
    assert order.index(larger) >= order.index(smaller)
