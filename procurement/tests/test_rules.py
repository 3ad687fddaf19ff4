"""The council's procurement rules, tested at their boundaries (NELC Social Value Policy defaults)."""

import datetime
from decimal import Decimal as D

import pytest

from procurement import rules
from procurement.thresholds import threshold_on

NELC = {"mandatory_above": D("100000"), "minimum_weighting": D("10")}


def _problems(value, price, quality, sv_quant, sv_qual, opted_out=False, justification="", evidence=""):
    return rules.weighting_problems(
        rules.Weights(D(price), D(quality), D(sv_quant), D(sv_qual)),
        value=D(value),
        opted_out=opted_out,
        opt_out_justification=justification,
        opt_out_evidence=evidence,
        **NELC,
    )


@pytest.mark.parametrize(
    ("value", "route"),
    [
        ("100000", rules.ApprovalRoute.OFFICER),
        ("100000.01", rules.ApprovalRoute.LEADERSHIP_TEAM),
        ("350000", rules.ApprovalRoute.LEADERSHIP_TEAM),
        ("350000.01", rules.ApprovalRoute.CABINET),
    ],
)
def test_approval_route_follows_nelc_governance_thresholds(value, route):
    """NELC Governance: over £100K the Leadership Team, above £350K Cabinet."""
    assert rules.approval_route(D(value), leadership_above=D("100000"), cabinet_above=D("350000")) == route


def test_social_value_is_mandatory_only_over_100000():
    """NELC Delivery and Reporting 1: "all procurements over £100,000"."""
    assert not rules.social_value_mandatory(D("100000"), mandatory_above=D("100000"))
    assert rules.social_value_mandatory(D("100000.01"), mandatory_above=D("100000"))


def test_a_weighting_below_the_minimum_over_100000_is_refused():
    """NELC Delivery and Reporting 2: a minimum 10% of the overall evaluation score."""
    problems = _problems("250000", "65", "26", "5", "4")
    assert problems == {
        "social_value_quantitative_weight": "This procurement is over £100,000, so social value must be at least "
        "10% of the evaluation, or opt out with a justification and evidence"
    }


def test_exactly_the_minimum_weighting_is_accepted():
    assert _problems("250000", "60", "30", "5", "5") == {}


def test_below_the_mandatory_value_a_low_weighting_is_allowed():
    assert _problems("100000", "70", "28", "2", "0") == {}


def test_opting_out_needs_a_justification_and_evidence():
    problems = _problems("250000", "70", "30", "0", "0", opted_out=True)
    assert set(problems) == {"opt_out_justification", "opt_out_evidence"}
    assert (
        _problems(
            "250000",
            "70",
            "30",
            "0",
            "0",
            opted_out=True,
            justification="Emergency works",
            evidence="Market engagement found no deliverable social value",
        )
        == {}
    )


def test_weights_not_summing_to_100_are_refused():
    assert _problems("50000", "60", "30", "5", "4") == {
        "__all__": "The weightings must add up to 100%. They add up to 99%"
    }


def test_a_negative_weight_is_refused():
    assert "price_weight" in _problems("50000", "-10", "100", "5", "5")


@pytest.mark.parametrize(
    ("category", "day", "amount"),
    [
        ("goods", datetime.date(2025, 12, 31), D("214904")),
        ("services", datetime.date(2025, 12, 31), D("214904")),
        ("works", datetime.date(2025, 12, 31), D("5372609")),
        ("goods", datetime.date(2026, 1, 1), D("207720")),
        ("services", datetime.date(2026, 1, 1), D("207720")),
        ("works", datetime.date(2026, 1, 1), D("5193000")),
    ],
)
def test_procurement_act_thresholds_change_on_1_january_2026(category, day, amount):
    assert threshold_on(category, day)[0] == amount
