"""Tender evaluation scores, as plain functions over plain values (procurement issue, item 5).

- Quality and social value (qualitative): the agreed score on 0–100 × the criterion's weight ÷ 100.
- Price: lowest price ÷ this price × the price weight.
- Social value (quantitative): this tender's committed £ ÷ the highest committed £ × its weight.
- Total: the sum; ranked highest first, equal totals share a rank ("1=").

Scores are kept as Decimals to 2 decimal places, rounded half-up once per criterion.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .rules import Weights

PLACES = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

FORMULAS = {
    "price": "lowest price ÷ this price × price weight",
    "quality": "agreed quality score (0–100) × quality weight ÷ 100",
    "social_value_qualitative": "agreed social value method statement score (0–100) × its weight ÷ 100",
    "social_value_quantitative": "this tender's committed social value £ ÷ the highest committed £ × its weight",
}


def _q(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TenderFigures:
    key: object
    price: Decimal
    committed_social_value: Decimal
    quality: Decimal | None  # agreed 0–100, None until moderated
    social_value_qualitative: Decimal | None


@dataclass
class TenderScore:
    key: object
    price: Decimal
    quality: Decimal | None
    social_value_qualitative: Decimal | None
    social_value_quantitative: Decimal
    total: Decimal | None = None
    rank: int | None = None
    tied: bool = False
    parts: dict = field(default_factory=dict)

    @property
    def rank_label(self) -> str:
        if self.rank is None:
            return "Not ranked"
        return f"{self.rank}=" if self.tied else str(self.rank)


def score_tenders(tenders: list[TenderFigures], weights: Weights) -> list[TenderScore]:
    """Score and rank tenders; unranked (total None) while any agreed score is missing."""
    if not tenders:
        return []
    for t in tenders:
        if t.price <= 0:
            raise ValueError(f"Tender {t.key}: price must be more than £0 to be scored")
        for name in ("quality", "social_value_qualitative"):
            s = getattr(t, name)
            if s is not None and not (ZERO <= s <= HUNDRED):
                raise ValueError(f"Tender {t.key}: {name.replace('_', ' ')} score must be between 0 and 100")
    lowest = min(t.price for t in tenders)
    highest_sv = max(t.committed_social_value for t in tenders)
    scores = []
    for t in tenders:
        price = _q(lowest / t.price * weights.price)
        sv_quant = _q(t.committed_social_value / highest_sv * weights.social_value_quantitative) if highest_sv else ZERO
        quality = _q(t.quality * weights.quality / HUNDRED) if t.quality is not None else None
        sv_qual = (
            _q(t.social_value_qualitative * weights.social_value_qualitative / HUNDRED)
            if t.social_value_qualitative is not None
            else None
        )
        s = TenderScore(t.key, price, quality, sv_qual, sv_quant)
        if quality is not None and sv_qual is not None:
            s.total = price + quality + sv_qual + sv_quant
        scores.append(s)
    ranked = sorted((s for s in scores if s.total is not None), key=lambda s: s.total, reverse=True)
    for position, s in enumerate(ranked, start=1):
        same = [o for o in ranked if o.total == s.total]
        s.rank = min(position, *(ranked.index(o) + 1 for o in same))
        s.tied = len(same) > 1
    return sorted(scores, key=lambda s: (s.rank is None, s.rank or 0))
