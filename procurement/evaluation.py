"""Reads for the evaluation pages: a procurement's opened tenders with scores, in fixed queries."""

from decimal import Decimal

from django.db.models import Prefetch

from . import scoring
from .models import AgreedScore, Criterion, Score, Tender


def opened_tenders(procurement, user):
    """Submitted tenders the user may read (none until opened), with scores prefetched."""
    return (
        Tender.objects.visible_to(user)
        .filter(procurement=procurement, submitted_at__isnull=False)
        .with_committed_value()
        .select_related("supplier")
        .prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("evaluator")),
            Prefetch("agreed_scores", queryset=AgreedScore.objects.select_related("moderated_by")),
        )
        .order_by("supplier__name")
    )


def agreed(tender, criterion) -> Decimal | None:
    for a in tender.agreed_scores.all():
        if a.criterion == criterion:
            return a.score
    return None


def ranking(procurement, tenders) -> list[tuple[Tender, scoring.TenderScore]]:
    """Each tender with its scores by the published formulas, best first (ties share a rank)."""
    figures = [
        scoring.TenderFigures(
            key=t.pk,
            price=t.price,
            committed_social_value=t.committed_value,
            quality=agreed(t, Criterion.QUALITY),
            social_value_qualitative=agreed(t, Criterion.SOCIAL_VALUE_QUALITATIVE),
        )
        for t in tenders
    ]
    by_pk = {t.pk: t for t in tenders}
    return [(by_pk[s.key], s) for s in scoring.score_tenders(figures, procurement.weights)]
