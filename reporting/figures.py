"""The figures of an annual report, from aggregate queries in the database.

Each function takes a council and a financial year (the year it starts) and returns JSON-safe
values (money and percentages as strings), so the whole result can be frozen in the report.
Rows are never looped over in Python: sums and counts come from SQL ``GROUP BY``; Python only
arranges the (small) aggregated results — per measure, per theme, per contract.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from procurement.models import Award, Commitment, Procurement, Stage
from suppliers.models import Campaign
from toms.models import Measure

from .models import SpendRow

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=18, decimal_places=2)
SME_SIZES = ("micro", "small", "medium")


def money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def percent(part, whole) -> str | None:
    whole = Decimal(whole or 0)
    if not whole:
        return None
    return str((Decimal(part or 0) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def year_bounds(council, year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The financial year as [start, end) in the council's time zone (April to March by default)."""
    month = council.financial_year_start_month
    tz = timezone.get_default_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, month, 1, tzinfo=tz)
    return start, end


def _measure_places(measure_ids) -> dict[int, tuple[str, str, str, str]]:
    """Measure id → (code, name, theme, outcome): the first outcome in policy order, as the engine counts it."""
    places = {}
    measures = Measure.objects.filter(pk__in=list(measure_ids)).for_calculation()
    for m in measures:
        outcome = m.primary_outcome()
        places[m.pk] = (
            m.code,
            m.name,
            outcome.theme.name if outcome else "No outcome",
            outcome.name if outcome else "No outcome",
        )
    return places


def breakdown(amounts_by_measure: dict[int, Decimal]) -> dict:
    """£ by measure, outcome and theme from £ per measure id (one query for the measures' places)."""
    places = _measure_places(amounts_by_measure)
    by_measure, by_outcome, by_theme = [], {}, {}
    for measure_id, amount in amounts_by_measure.items():
        code, name, theme, outcome = places[measure_id]
        by_measure.append({"code": code, "name": name, "theme": theme, "outcome": outcome, "value": money(amount)})
        by_outcome[(theme, outcome)] = by_outcome.get((theme, outcome), ZERO) + amount
        by_theme[theme] = by_theme.get(theme, ZERO) + amount
    by_measure.sort(key=lambda r: (-Decimal(r["value"]), r["code"]))
    return {
        "by_theme": [{"theme": t, "value": money(v)} for t, v in sorted(by_theme.items(), key=lambda kv: -kv[1])],
        "by_outcome": [
            {"theme": t, "outcome": o, "value": money(v)}
            for (t, o), v in sorted(by_outcome.items(), key=lambda kv: -kv[1])
        ],
        "by_measure": by_measure,
    }


def committed(council, year: int) -> dict:
    """Social value committed in contracts awarded in the year, against their value."""
    start, end = year_bounds(council, year)
    awards = Award.objects.filter(procurement__council=council, awarded_at__gte=start, awarded_at__lt=end)
    totals = awards.aggregate(
        contracts=Count("pk"),
        contract_value=Coalesce(Sum("tender__price"), Value(ZERO), output_field=MONEY),
    )
    per_measure = dict(
        Commitment.objects.filter(tender__award__in=awards)
        .values_list("measure")
        .annotate(total=Sum("value"))
        .values_list("measure", "total")
    )
    total = sum(per_measure.values(), ZERO)
    return {
        "contracts": totals["contracts"],
        "contract_value": money(totals["contract_value"]),
        "value": money(total),
        "percent_of_contract_value": percent(total, totals["contract_value"]),
        **breakdown(per_measure),
    }


def procurements(council, year: int) -> dict:
    """Procurements started in the year, how many considered social value, and the weighting rules."""
    start, end = year_bounds(council, year)
    qs = Procurement.objects.filter(council=council, created_at__gte=start, created_at__lt=end).exclude(
        stage=Stage.CANCELLED
    )
    sv_weight = F("social_value_quantitative_weight") + F("social_value_qualitative_weight")
    above = Q(estimated_value__gt=council.social_value_mandatory_above)
    counts = qs.annotate(sv=sv_weight).aggregate(
        total=Count("pk"),
        considered=Count("pk", filter=Q(opted_out=False, sv__gt=0)),
        above_mandatory=Count("pk", filter=above),
        above_compliant=Count("pk", filter=above & Q(opted_out=False, sv__gte=council.min_social_value_weighting)),
        above_opted_out=Count("pk", filter=above & Q(opted_out=True)),
    )
    counts["above_not_compliant"] = counts["above_mandatory"] - counts["above_compliant"] - counts["above_opted_out"]
    opt_outs = list(
        qs.filter(opted_out=True)
        .order_by("reference")
        .values("reference", "title", "estimated_value", "opt_out_justification", "opt_out_evidence")
    )
    for o in opt_outs:
        o["estimated_value"] = money(o["estimated_value"])
    return {
        **counts,
        "considered_percent": percent(counts["considered"], counts["total"]),
        "compliant_percent": percent(counts["above_compliant"] + counts["above_opted_out"], counts["above_mandatory"]),
        "minimum_weighting": str(council.min_social_value_weighting),
        "mandatory_above": money(council.social_value_mandatory_above),
        "opt_outs": opt_outs,
    }


def spend(council, year: int) -> dict:
    """Spend with SMEs, VCSEs and local suppliers against the council's target (NELC: 25%)."""
    start, end = year_bounds(council, year)
    rows = SpendRow.objects.filter(council=council, paid_on__gte=start.date(), paid_on__lt=end.date())
    sme = Q(supplier__size_class__in=SME_SIZES)
    vcse = Q(supplier__is_vcse=True) | Q(supplier__is_social_enterprise=True)
    local = Q(supplier__postcode_area__in=council.postcode_areas)

    def total(condition=None):
        return Coalesce(Sum("amount", filter=condition), Value(ZERO), output_field=MONEY)

    sums = rows.aggregate(
        total=total(),
        payments=Count("pk"),
        sme=total(sme),
        vcse=total(vcse),
        sme_or_vcse=total(sme | vcse),
        local=total(local),
        unmatched=total(Q(supplier__isnull=True)),
        unmatched_payees=Count("payee_key", filter=Q(supplier__isnull=True), distinct=True),
    )
    share = percent(sums["sme_or_vcse"], sums["total"])
    return {
        "payments": sums["payments"],
        "total": money(sums["total"]),
        "sme": money(sums["sme"]),
        "vcse": money(sums["vcse"]),
        "sme_or_vcse": money(sums["sme_or_vcse"]),
        "local": money(sums["local"]),
        "unmatched": money(sums["unmatched"]),
        "unmatched_payees": sums["unmatched_payees"],
        "sme_percent": percent(sums["sme"], sums["total"]),
        "vcse_percent": percent(sums["vcse"], sums["total"]),
        "sme_or_vcse_percent": share,
        "local_percent": percent(sums["local"], sums["total"]),
        "target_percent": str(council.sme_spend_target),
        "target_met": share is not None and Decimal(share) >= council.sme_spend_target,
    }


def diversity(council, year: int) -> dict | None:
    """The year's supplier diversity baseline: suppressed aggregates only, never an answer."""
    campaign = Campaign.objects.filter(council=council, year=year).order_by("-opens_on").first()
    if campaign is None:
        return None
    baseline = campaign.baseline()
    if baseline is None:
        return {"title": campaign.title, "open": True}
    return {"title": campaign.title, "open": False, **{k: _json(v) for k, v in baseline.items()}}


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _active_contracts(council, year):
    from procurement.models import Contract

    start, end = year_bounds(council, year)
    return Contract.objects.filter(council=council, start_date__lt=end.date(), end_date__gte=start.date())


def delivered(council, year: int) -> dict:
    """Social value delivered: accepted return lines verified in the year, at each KPI's £ per unit."""
    from procurement.contract_models import LineStatus, ReturnLine
    from procurement.models import Kpi

    start, end = year_bounds(council, year)
    lines = ReturnLine.objects.filter(
        kpi__contract__council=council,
        status=LineStatus.ACCEPTED,
        verified_at__gte=start,
        verified_at__lt=end,
        kpi__proxy_value__isnull=False,
    )
    per_measure = {
        measure: Decimal(total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for measure, total in lines.filter(kpi__measure__isnull=False)
        .values_list("kpi__measure")
        .annotate(total=Sum(F("quantity") * F("kpi__proxy_value"), output_field=MONEY))
        .values_list("kpi__measure", "total")
    }
    total = sum(per_measure.values(), ZERO)
    active = _active_contracts(council, year)
    contract_value = active.aggregate(v=Coalesce(Sum("value"), Value(ZERO), output_field=MONEY))["v"]
    committed_active = Kpi.objects.filter(contract__in=active).aggregate(
        v=Coalesce(Sum("target_value"), Value(ZERO), output_field=MONEY)
    )["v"]
    return {
        "value": money(total),
        "contract_value": money(contract_value),
        "committed_active": money(committed_active),
        "percent_of_contract_value": percent(total, contract_value),
        "percent_of_committed": percent(total, committed_active),
        **breakdown(per_measure),
    }


def monitoring(council, year: int) -> dict:
    """Contracts by RAG at the year's end, the Procurement Act ratings recorded in the year, and the
    contracts delivering most and furthest behind. Two GROUP BY queries (KPI targets, accepted
    delivery to the year's end) are joined per contract in Python: far cheaper than a correlated
    subquery per contract when there are thousands."""
    from procurement import monitoring as contract_monitoring
    from procurement import performance
    from procurement.contract_models import LineStatus, PerformanceRating, Rating, ReturnLine
    from procurement.models import Kpi

    start, end = year_bounds(council, year)
    as_of = min(end.date() - datetime.timedelta(days=1), timezone.localdate())
    tolerances = contract_monitoring.tolerances_for(council)
    active = _active_contracts(council, year)
    committed_by = dict(
        Kpi.objects.filter(contract__council=council, contract__in=active)
        .values_list("contract")
        .annotate(t=Sum("target_value"))
        .values_list("contract", "t")
    )
    delivered_by = dict(
        ReturnLine.objects.filter(kpi__contract__council=council, status=LineStatus.ACCEPTED, verified_at__lt=end)
        .values_list("kpi__contract")
        .annotate(d=Sum(F("quantity") * F("kpi__proxy_value"), output_field=MONEY))
        .values_list("kpi__contract", "d")
    )
    counts = dict.fromkeys(performance.Rag.LABELS, 0)
    rows = []
    for c in active.order_by("pk").values("pk", "reference", "title", "supplier__name", "start_date", "end_date"):
        committed_value = committed_by.get(c["pk"]) or ZERO
        delivered_value = delivered_by.get(c["pk"]) or ZERO
        if not committed_value:
            continue
        progress = performance.progress(
            target=committed_value,
            delivered=delivered_value,
            start=c["start_date"],
            end=c["end_date"],
            today=as_of,
            tolerances=tolerances,
        )
        counts[progress.rag] += 1
        rows.append(
            {
                "reference": c["reference"],
                "title": c["title"],
                "supplier": c["supplier__name"],
                "committed": money(committed_value),
                "delivered": money(delivered_value),
                "percent_delivered": None if progress.percent_delivered is None else str(progress.percent_delivered),
                "pace": None if progress.pace is None else str(progress.pace),
                "rag": progress.rag,
            }
        )
    ratings = dict(
        PerformanceRating.objects.filter(contract__council=council, rated_on__gte=start.date(), rated_on__lt=end.date())
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    by_delivery = sorted(rows, key=lambda r: -Decimal(r["delivered"]))
    behind = sorted((r for r in rows if r["pace"] is not None), key=lambda r: Decimal(r["pace"]))
    return {
        "kpis": {
            "contracts": len(rows),
            "rag": [{"rag": k, "label": performance.Rag.LABELS[k], "count": counts[k]} for k in performance.Rag.LABELS],
            "ratings": [{"rating": label, "count": ratings.get(value, 0)} for value, label in Rating.choices],
        },
        "contracts": {"delivering_most": by_delivery[:5], "furthest_behind": behind[:5]},
    }


def headline_totals(council, year: int) -> dict:
    """The year-before figures the headlines compare with: totals only, no breakdowns."""
    from procurement.contract_models import LineStatus, ReturnLine

    start, end = year_bounds(council, year)
    committed_value = Commitment.objects.filter(
        tender__award__procurement__council=council,
        tender__award__awarded_at__gte=start,
        tender__award__awarded_at__lt=end,
    ).aggregate(v=Coalesce(Sum("value"), Value(ZERO), output_field=MONEY))["v"]
    delivered_value = ReturnLine.objects.filter(
        kpi__contract__council=council,
        status=LineStatus.ACCEPTED,
        verified_at__gte=start,
        verified_at__lt=end,
    ).aggregate(v=Coalesce(Sum(F("quantity") * F("kpi__proxy_value")), Value(ZERO), output_field=MONEY))["v"]
    rows = SpendRow.objects.filter(council=council, paid_on__gte=start.date(), paid_on__lt=end.date())
    sme_or_vcse = rows.filter(
        Q(supplier__size_class__in=SME_SIZES) | Q(supplier__is_vcse=True) | Q(supplier__is_social_enterprise=True)
    ).aggregate(v=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["v"]
    return {
        "committed": {"value": money(committed_value)},
        "delivered": {"value": money(delivered_value)},
        "spend": {"sme_or_vcse": money(sme_or_vcse)},
    }
