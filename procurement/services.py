"""Writes that change a procurement's stage or span several models.

Each is keyword-only and atomic, and raises ``ValidationError`` with a message a person can act on.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from . import rules
from .models import Procurement, Stage


def plan_problems(procurement: Procurement) -> list[str]:
    """What stops this procurement being published, in words for the officer."""
    council = procurement.council
    problems = [
        message
        for message in rules.weighting_problems(
            procurement.weights,
            value=procurement.estimated_value,
            mandatory_above=council.social_value_mandatory_above,
            minimum_weighting=council.min_social_value_weighting,
            opted_out=procurement.opted_out,
            opt_out_justification=procurement.opt_out_justification,
            opt_out_evidence=procurement.opt_out_evidence,
        ).values()
    ]
    if not procurement.is_approved:
        problems.append(f"Record the {procurement.approval_route_label}'s approval")
    if procurement.tender_deadline is None:
        problems.append("Set a tender deadline")
    elif procurement.tender_deadline <= timezone.now():
        problems.append("Set a tender deadline in the future")
    if procurement.social_value_quantitative_weight and procurement.calculator_id is None:
        problems.append("Choose the calculator suppliers commit social value in")
    if not procurement.open_to_all and not procurement.invited_suppliers.exists():
        problems.append("Invite at least one supplier, or open it to all suppliers")
    return problems


@transaction.atomic
def procurement_record_approval(*, procurement: Procurement, by, reference: str) -> Procurement:
    """Record who approved it and when (NELC Governance: Leadership Team over £100k, Cabinet over £350k)."""
    if not procurement.needs_approval:
        raise ValidationError("This procurement is within officers' delegated authority and needs no approval")
    if procurement.stage not in (Stage.PLANNING, Stage.MARKET_ENGAGEMENT):
        raise ValidationError("Approval is recorded before tendering starts")
    procurement.approved_by = by
    procurement.approved_at = timezone.now()
    procurement.approval_reference = reference
    procurement.save(update_fields=["approved_by", "approved_at", "approval_reference"])
    return procurement


@transaction.atomic
def procurement_start_market_engagement(*, procurement: Procurement, by) -> Procurement:
    if procurement.stage != Stage.PLANNING:
        raise ValidationError("Only a procurement in planning can move to market engagement")
    procurement.stage = Stage.MARKET_ENGAGEMENT
    procurement.save(update_fields=["stage"])
    return procurement


@transaction.atomic
def procurement_publish(*, procurement: Procurement, by) -> Procurement:
    """Open for tenders once the plan meets the council's rules and approval is recorded."""
    if procurement.stage not in (Stage.PLANNING, Stage.MARKET_ENGAGEMENT):
        raise ValidationError("Only a procurement in planning or market engagement can be published")
    problems = plan_problems(procurement)
    if problems:
        raise ValidationError(problems)
    procurement.stage = Stage.TENDERING
    procurement.save(update_fields=["stage"])
    return procurement


@transaction.atomic
def procurement_cancel(*, procurement: Procurement, by) -> Procurement:
    if procurement.stage in (Stage.AWARDED, Stage.CANCELLED):
        raise ValidationError("An awarded or cancelled procurement cannot be cancelled")
    procurement.stage = Stage.CANCELLED
    procurement.save(update_fields=["stage"])
    return procurement


@transaction.atomic
def tenders_open(*, procurement: Procurement, by) -> Procurement:
    """Unseal the tenders after the deadline, recording who opened them and when."""
    locked = Procurement.objects.select_for_update().get(pk=procurement.pk)
    if locked.stage != Stage.TENDERING:
        raise ValidationError("Tenders can only be opened while the procurement is in tendering")
    if not locked.deadline_passed:
        raise ValidationError("Tenders are sealed until the deadline has passed")
    locked.opened_at = timezone.now()
    locked.opened_by = by
    locked.stage = Stage.EVALUATION
    locked.save(update_fields=["opened_at", "opened_by", "stage"])
    return locked


def _refuse_after_deadline(procurement: Procurement) -> None:
    if not procurement.accepting_tenders:
        if procurement.deadline_passed:
            raise ValidationError("The deadline for tenders has passed: tenders can no longer be changed")
        raise ValidationError("This procurement is not accepting tenders")


def commitments_calculate(*, procurement: Procurement, quantities: dict, price=None):
    """Value committed quantities with the calculator's proxy values for the commitment year.

    Returns the engine's ``Result``; raises ``ValidationError`` naming each measure and the year
    when a quantity is negative, a measure is not in the calculator or has no proxy value.
    """
    from toms import calculation

    measures = (
        [m for m in procurement.calculator.ordered_measures() if m.is_quantitative]
        if (procurement.calculator_id)
        else []
    )
    try:
        return calculation.calculate(
            [m.as_calculation_input() for m in measures],
            [calculation.Line(m.code, q) for m, q in quantities.items()],
            year=procurement.commitment_year,
            contract_value=price if price and price > 0 else None,
        )
    except calculation.CalculationError as exc:
        raise ValidationError(exc.problems) from exc


@transaction.atomic
def tender_save(*, procurement: Procurement, supplier, by, price, social_value_response: str, quantities=None):
    """Create or change a supplier's draft tender and its commitments; refused after the deadline.

    Each commitment keeps the proxy value it was valued at. A change to a submitted tender makes it
    a draft again: the supplier checks and submits it anew.
    """
    from .models import Commitment, Tender

    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    _refuse_after_deadline(procurement)
    if price is not None and price <= 0:
        raise ValidationError({"price": "Enter a price of more than £0"})
    quantities = quantities or {}
    result = commitments_calculate(procurement=procurement, quantities=quantities, price=price)
    tender, _ = Tender.objects.get_or_create(procurement=procurement, supplier=supplier)
    tender.price = price
    tender.social_value_response = social_value_response
    tender.submitted_at = None
    tender.submitted_by = None
    tender.save()
    by_code = {m.code: m for m in quantities}
    tender.commitments.all().delete()
    bulk_create_with_history(
        [
            Commitment(
                tender=tender,
                measure=by_code[line.code],
                quantity=line.quantity,
                year=result.year,
                proxy_value=line.proxy_value,
                value=line.value,
            )
            for line in result.lines
        ],
        Commitment,
        default_user=by,
    )
    return tender


@transaction.atomic
def tender_submit(*, tender, by):
    """Submit a tender before the deadline; the server refuses it after, whatever the browser shows."""
    procurement = Procurement.objects.select_for_update().get(pk=tender.procurement_id)
    _refuse_after_deadline(procurement)
    problems = []
    if tender.price is None:
        problems.append("Enter your tendered price")
    if procurement.social_value_qualitative_weight and not tender.social_value_response.strip():
        problems.append("Write your social value method statement")
    if problems:
        raise ValidationError(problems)
    tender.submitted_at = timezone.now()
    tender.submitted_by = by
    tender.save(update_fields=["submitted_at", "submitted_by", "updated_at"])
    return tender


def _in_evaluation(tender) -> None:
    from .models import Stage as _Stage

    procurement = tender.procurement
    if procurement.stage != _Stage.EVALUATION or not procurement.is_opened:
        raise ValidationError("Tenders are scored only after they are opened, during evaluation")
    if not tender.is_submitted:
        raise ValidationError("Only submitted tenders are scored")


@transaction.atomic
def score_record(*, tender, evaluator, criterion: str, score, comment: str = ""):
    """One evaluator's own score of a tender for a criterion, 0–100; re-scoring replaces it."""
    from .models import Score

    _in_evaluation(tender)
    record, _ = Score.objects.update_or_create(
        tender=tender, criterion=criterion, evaluator=evaluator, defaults={"score": score, "comment": comment}
    )
    return record


@transaction.atomic
def score_agree(*, tender, criterion: str, score, note: str, by):
    """Moderation: record the score the evaluators agreed, which the ranking uses."""
    from .models import AgreedScore, Score

    _in_evaluation(tender)
    if not Score.objects.filter(tender=tender, criterion=criterion).exists():
        raise ValidationError("Record at least one evaluator's score before agreeing a moderated score")
    record, _ = AgreedScore.objects.update_or_create(
        tender=tender, criterion=criterion, defaults={"score": score, "note": note, "moderated_by": by}
    )
    return record


@transaction.atomic
def contract_award(
    *,
    procurement: Procurement,
    tender,
    reason: str,
    commercially_sensitive: bool,
    by,
    start_date,
    end_date,
    contract_manager=None,
):
    """Award the procurement to ``tender``: record the decision and create the contract.

    Every social value commitment of the winning tender becomes a KPI of the contract, with its
    quantity and £ as the target (DESIGN: "Commitments made at tender become contract KPIs").
    """
    from .models import Award, Contract, ContractSource, Kpi, Stage

    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    if procurement.stage != Stage.EVALUATION:
        raise ValidationError("Only a procurement in evaluation can be awarded")
    if tender.procurement_id != procurement.pk or not tender.is_submitted:
        raise ValidationError("Award to one of this procurement's submitted tenders")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the award"})
    if end_date < start_date:
        raise ValidationError({"end_date": "The contract must end on or after its start date"})
    award = Award.objects.create(
        procurement=procurement,
        tender=tender,
        reason=reason,
        commitments_commercially_sensitive=commercially_sensitive,
        awarded_by=by,
    )
    contract = Contract.objects.create(
        council=procurement.council,
        procurement=procurement,
        award=award,
        supplier=tender.supplier,
        reference=procurement.reference,
        title=procurement.title,
        value=tender.price,
        start_date=start_date,
        end_date=end_date,
        contract_manager=contract_manager,
        source=ContractSource.AWARD,
    )
    for position, commitment in enumerate(tender.commitments.select_related("measure"), start=1):
        Kpi.objects.create(
            contract=contract,
            commitment=commitment,
            measure=commitment.measure,
            name=commitment.measure.name,
            unit=commitment.measure.unit,
            target_quantity=commitment.quantity,
            proxy_value=commitment.proxy_value,
            target_value=commitment.value,
            position=position,
        )
    procurement.stage = Stage.AWARDED
    procurement.save(update_fields=["stage"])
    return award
