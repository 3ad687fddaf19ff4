"""After the deadline: open the tenders, score and moderate them, rank them, and award."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from socialvalue.access import council_view
from socialvalue.models import Role

from .. import services
from ..evaluation import agreed, opened_tenders, ranking
from ..forms import AgreedScoreForm, AwardForm, ScoreForm
from ..models import Award, Commitment, Criterion, Procurement, Stage
from ..scoring import FORMULAS

OFFICERS = (Role.PROCUREMENT_OFFICER, Role.COUNCIL_ADMIN)


def _procurement(request, council, pk):
    return get_object_or_404(
        Procurement.objects.visible_to(request.user).filter(council=council).select_related("council", "calculator"),
        pk=pk,
    )


@council_view()
def tender_list(request, council, pk):
    """Sealed before opening (a count only); afterwards every tender with its scores and rank."""
    procurement = _procurement(request, council, pk)
    tenders = list(opened_tenders(procurement, request.user))
    ranked = ranking(procurement, tenders) if tenders else []
    return render(
        request,
        "procurement/tender_list.html",
        {
            "council": council,
            "procurement": procurement,
            "ranked": ranked,
            "formulas": FORMULAS,
            "submitted": procurement.tenders.filter(submitted_at__isnull=False).count(),
            "can_evaluate": request.user.has_council_role(council, *OFFICERS) and procurement.stage == Stage.EVALUATION,
            "back": procurement.get_absolute_url(),
        },
    )


@council_view()
def tender_evaluate(request, council, pk, tender_pk):
    procurement = _procurement(request, council, pk)
    tender = get_object_or_404(opened_tenders(procurement, request.user), pk=tender_pk)
    can_evaluate = request.user.has_council_role(council, *OFFICERS) and procurement.stage == Stage.EVALUATION
    mine = {s.criterion: s for s in tender.scores.all() if s.evaluator_id == request.user.pk}
    score_form = ScoreForm(
        request.POST if "score" in request.POST else None,
        initial={
            "quality": getattr(mine.get(Criterion.QUALITY), "score", None),
            "social_value_qualitative": getattr(mine.get(Criterion.SOCIAL_VALUE_QUALITATIVE), "score", None),
            "comment": getattr(mine.get(Criterion.QUALITY), "comment", ""),
        },
    )
    agreed_form = AgreedScoreForm(
        request.POST if "moderate" in request.POST else None,
        initial={
            "agreed_quality": agreed(tender, Criterion.QUALITY),
            "agreed_social_value_qualitative": agreed(tender, Criterion.SOCIAL_VALUE_QUALITATIVE),
        },
    )
    if request.method == "POST" and can_evaluate:
        try:
            if "score" in request.POST and score_form.is_valid():
                for criterion in (Criterion.QUALITY, Criterion.SOCIAL_VALUE_QUALITATIVE):
                    services.score_record(
                        tender=tender,
                        evaluator=request.user,
                        criterion=criterion,
                        score=score_form.cleaned_data[criterion],
                        comment=score_form.cleaned_data["comment"],
                    )
                messages.success(request, "Your scores are saved.")
                return redirect("tender_evaluate", council=council.slug, pk=procurement.pk, tender_pk=tender.pk)
            if "moderate" in request.POST and agreed_form.is_valid():
                for criterion in (Criterion.QUALITY, Criterion.SOCIAL_VALUE_QUALITATIVE):
                    services.score_agree(
                        tender=tender,
                        criterion=criterion,
                        by=request.user,
                        score=agreed_form.cleaned_data[f"agreed_{criterion}"],
                        note=agreed_form.cleaned_data["note"],
                    )
                messages.success(request, "Agreed scores saved.")
                return redirect("tender_list", council=council.slug, pk=procurement.pk)
        except ValidationError as exc:
            (score_form if "score" in request.POST else agreed_form).add_error(None, exc)
    elif request.method == "POST":
        messages.error(request, "Only procurement officers score tenders, during evaluation.")
    commitments = Commitment.objects.filter(tender=tender).select_related("measure")
    return render(
        request,
        "procurement/tender_evaluate.html",
        {
            "council": council,
            "procurement": procurement,
            "tender": tender,
            "commitments": commitments,
            "scores": tender.scores.all(),
            "score_form": score_form,
            "agreed_form": agreed_form,
            "can_evaluate": can_evaluate,
            "back": reverse("tender_list", kwargs={"council": council.slug, "pk": procurement.pk}),
        },
    )


@council_view(*OFFICERS)
def procurement_award(request, council, pk):
    procurement = _procurement(request, council, pk)
    if procurement.stage != Stage.EVALUATION:
        messages.error(request, "Only a procurement in evaluation can be awarded.")
        return redirect(procurement)
    tenders = list(opened_tenders(procurement, request.user))
    ranked = ranking(procurement, tenders)
    initial = {"tender": ranked[0][0].pk} if ranked and ranked[0][1].rank == 1 else {}
    form = AwardForm(request.POST or None, procurement=procurement, tenders=tenders, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_award(
                procurement=procurement,
                tender=form.cleaned_data["tender"],
                reason=form.cleaned_data["reason"],
                commercially_sensitive=form.cleaned_data["commercially_sensitive"],
                by=request.user,
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                contract_manager=form.cleaned_data["contract_manager"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "procurement/award_done.html", {"council": council, "procurement": procurement})
    return render(
        request,
        "procurement/award_form.html",
        {
            "council": council,
            "procurement": procurement,
            "form": form,
            "ranked": ranked,
            "back": reverse("tender_list", kwargs={"council": council.slug, "pk": procurement.pk}),
        },
    )


@council_view()
def award_notice(request, council, pk):
    """The award: both suppliers' scores and the winner's commitments unless commercially sensitive."""
    procurement = _procurement(request, council, pk)
    award = get_object_or_404(
        Award.objects.select_related("tender__supplier", "awarded_by").prefetch_related(
            Prefetch("tender__commitments", queryset=Commitment.objects.select_related("measure"))
        ),
        procurement=procurement,
    )
    tenders = list(opened_tenders(procurement, request.user))
    return render(
        request,
        "procurement/award_notice.html",
        {
            "council": council,
            "procurement": procurement,
            "award": award,
            "ranked": ranking(procurement, tenders),
            "formulas": FORMULAS,
            "back": procurement.get_absolute_url(),
        },
    )


HISTORY_LIMIT = 300


@council_view(*OFFICERS)
def procurement_history(request, council, pk):
    """Every change to the procurement, its scores and award; tenders' only once they are opened."""
    from itertools import chain

    from ..models import AgreedScore, Score, Tender

    procurement = _procurement(request, council, pk)
    sources = [
        ("Procurement", Procurement.history.filter(id=procurement.pk)),
        ("Score", Score.history.filter(tender__procurement=procurement)),
        ("Agreed score", AgreedScore.history.filter(tender__procurement=procurement)),
        ("Award", Award.history.filter(procurement_id=procurement.pk)),
    ]
    if procurement.is_opened:  # sealed: not even a tender's history before opening
        sources.append(("Tender", Tender.history.filter(procurement_id=procurement.pk, submitted_at__isnull=False)))
    records = chain.from_iterable(
        ((label, r) for r in qs.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT])
        for label, qs in sources
    )
    records = sorted(records, key=lambda pair: pair[1].history_date, reverse=True)[:HISTORY_LIMIT]
    return render(
        request,
        "procurement/procurement_history.html",
        {
            "council": council,
            "procurement": procurement,
            "records": records,
            "back": procurement.get_absolute_url(),
        },
    )
