"""The council's social value rules for a procurement, as plain functions over plain values.

Each council sets its own figures (``socialvalue.Council``); the defaults are North East
Lincolnshire's Social Value Policy, "Delivery and Reporting" 1–2 and "Governance":
- every procurement over £100,000 must include social value, at a minimum 10% of the overall
  evaluation score; opting out needs evidence that it cannot be included;
- below that value social value is encouraged ("wherever possible");
- contracts over £100,000 sit with the Leadership Team, over £350,000 with Cabinet.
"""

from dataclasses import dataclass
from decimal import Decimal

HUNDRED = Decimal("100")


class ApprovalRoute:
    OFFICER = "officer"
    LEADERSHIP_TEAM = "leadership_team"
    CABINET = "cabinet"

    LABELS = {OFFICER: "Officer (delegated)", LEADERSHIP_TEAM: "Leadership Team", CABINET: "Cabinet"}


def approval_route(value: Decimal, *, leadership_above: Decimal, cabinet_above: Decimal) -> str:
    """Who approves a procurement of this estimated value. "Over" is strictly greater than."""
    if value > cabinet_above:
        return ApprovalRoute.CABINET
    if value > leadership_above:
        return ApprovalRoute.LEADERSHIP_TEAM
    return ApprovalRoute.OFFICER


def social_value_mandatory(value: Decimal, *, mandatory_above: Decimal) -> bool:
    """NELC policy, Delivery and Reporting 1: social value is required in procurements *over* the value."""
    return value > mandatory_above


@dataclass(frozen=True)
class Weights:
    price: Decimal
    quality: Decimal
    social_value_quantitative: Decimal
    social_value_qualitative: Decimal

    @property
    def social_value(self) -> Decimal:
        return self.social_value_quantitative + self.social_value_qualitative

    @property
    def total(self) -> Decimal:
        return self.price + self.quality + self.social_value


def weighting_problems(
    weights: Weights,
    *,
    value: Decimal,
    mandatory_above: Decimal,
    minimum_weighting: Decimal,
    opted_out: bool,
    opt_out_justification: str,
    opt_out_evidence: str,
) -> dict[str, str]:
    """Field name → what is wrong, for a plan that breaks the council's rules; empty when it is fine."""
    problems: dict[str, str] = {}
    for name in ("price", "quality", "social_value_quantitative", "social_value_qualitative"):
        w = getattr(weights, name)
        if w < 0 or w > HUNDRED:
            problems[f"{name}_weight"] = "Enter a weighting between 0 and 100"
    if not problems and weights.total != HUNDRED:
        problems["__all__"] = f"The weightings must add up to 100%. They add up to {weights.total.normalize():f}%"
    if opted_out:
        if not opt_out_justification.strip():
            problems["opt_out_justification"] = "Explain why social value cannot be included"
        if not opt_out_evidence.strip():
            problems["opt_out_evidence"] = "Give the evidence that the full potential of social value has been explored"
        if weights.social_value:
            problems["social_value_quantitative_weight"] = (
                "A procurement that opts out of social value cannot give it a weighting"
            )
    elif social_value_mandatory(value, mandatory_above=mandatory_above) and weights.social_value < minimum_weighting:
        problems["social_value_quantitative_weight"] = (
            f"This procurement is over £{mandatory_above:,.0f}, so social value must be at least "
            f"{minimum_weighting.normalize():f}% of the evaluation, or opt out with a justification and evidence"
        )
    return problems
