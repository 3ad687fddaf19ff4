"""The figures of an annual report, from aggregate queries in the database.

Each section function takes a ``ReportYear`` (a council's financial year, by the year it starts)
and returns JSON-safe values (money and percentages as strings), so the whole result can be frozen
in the report. Rows are never looped over in Python: sums and counts come from SQL ``GROUP BY``;
Python only arranges the (small) aggregated results — per measure, per theme, per contract. The
aggregates several sections need are computed once, on the ``ReportYear``.
"""

import datetime
import heapq
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db import connection
from django.db.models import Count, DecimalField, F, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from procurement import monitoring as contract_monitoring
from procurement import performance
from procurement.contract_models import LineStatus, Rating
from procurement.models import Award, Commitment, Contract, Kpi, PerformanceRating, Procurement, ReturnLine, Stage
from socialvalue.models import Outcome
from suppliers.models import Campaign, Supplier
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


NO_MEASURE = ("", "KPIs not from the measure library", "No outcome", "No outcome")


def _measure_places(measure_ids) -> dict[int | None, tuple[str, str, str, str]]:
    """Measure id → (code, name, theme, outcome): the first outcome in policy order, as the engine counts it.
    A KPI added by hand with a £ per unit but no measure counts under ``None``."""
    places = {None: NO_MEASURE}
    in_policy_order = Outcome.objects.select_related("theme").order_by("theme__position", "position")
    measures = Measure.objects.filter(pk__in=[pk for pk in measure_ids if pk is not None]).prefetch_related(
        Prefetch("outcomes", queryset=in_policy_order)
    )
    for m in measures:
        outcome = m.primary_outcome()
        places[m.pk] = (
            m.code,
            m.name,
            outcome.theme.name if outcome else "No outcome",
            outcome.name if outcome else "No outcome",
        )
    return places


def breakdown(amounts_by_measure: dict[int | None, Decimal], places: dict) -> dict:
    """£ by measure, outcome and theme from £ per measure id and each measure's place (``_measure_places``)."""
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


class ReportYear:
    """A council's financial year and the year before, with the aggregates several sections share.

    Each shared aggregate is one ``GROUP BY`` query, run once and only when a section asks for it:
    accepted delivery per contract (in the year, the year before, and everything to the year's
    end, for the RAG statuses) is one pass over the return lines; commitments per measure and
    spend cover both years in one pass each, with the year as a filter on the sums.
    """

    def __init__(self, council, year: int):
        self.council, self.year = council, year
        self.start, self.end = year_bounds(council, year)
        self.previous_start, _ = year_bounds(council, year - 1)
        self._places: dict = {}
        self._delivery_started = None  # a Future while ``alongside`` runs the pass over return lines

    @contextmanager
    def alongside(self):
        """Within this block, the pass over return lines — the build's longest query, and one
        PostgreSQL cannot share among parallel workers (GROUPING SETS) — runs on a connection of
        its own while the other sections' queries run on this one.

        Only on PostgreSQL outside a transaction, as in a worker's build: inside a transaction
        another connection could not see its uncommitted rows, so there everything runs in turn.
        Each query already reads its own snapshot (autocommit), so running two at once changes
        nothing about what a report can see. (Spend on a third connection was slower on two cores.)"""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            yield
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-lines") as pool:
            self._delivery_started = pool.submit(self._delivery_on_own_connection)
            # Meanwhile this connection's queries run without parallel workers: they gain ~10% from
            # them alone, and with the side pass holding a core they would only contend with it.
            with connection.cursor() as cursor:
                cursor.execute("SET max_parallel_workers_per_gather = 0")
            try:
                yield  # leaving waits for the thread, so nothing outlives the build
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET max_parallel_workers_per_gather")

    def _delivery_on_own_connection(self):
        try:
            return self._delivery_in_one_pass()
        finally:
            connection.close()  # this thread's own connection

    def breakdown(self, amounts_by_measure: dict) -> dict:
        """``breakdown``, looking up each measure's place in the policy once per report."""
        missing = [pk for pk in amounts_by_measure if pk not in self._places]
        if missing:
            self._places.update(_measure_places(missing))
        return breakdown(amounts_by_measure, self._places)

    # -- commitments

    @cached_property
    def awards(self):
        return Award.objects.filter(
            procurement__council=self.council, awarded_at__gte=self.start, awarded_at__lt=self.end
        )

    @cached_property
    def commitments_by_measure(self) -> dict[int, tuple[Decimal, Decimal]]:
        """Measure id → (£ committed in awards of the year, £ in awards of the year before)."""
        this_year = Q(tender__award__awarded_at__gte=self.start)
        rows = (
            Commitment.objects.filter(
                tender__award__procurement__council=self.council,
                tender__award__awarded_at__gte=self.previous_start,
                tender__award__awarded_at__lt=self.end,
            )
            .order_by()
            .values_list("measure")
            .annotate(this=_sum("value", this_year), before=_sum("value", ~this_year))
            .values_list("measure", "this", "before")
        )
        return {measure: (this, before) for measure, this, before in rows}

    # -- delivery

    @cached_property
    def delivered_by_measure(self) -> dict[int | None, Decimal]:
        """Measure id (None: a KPI of no TOMs measure) → £ of accepted lines verified in the year."""
        return self._delivery[0]

    @cached_property
    def delivered_by_contract(self) -> dict[int, tuple[Decimal, Decimal]]:
        """Contract id → (£ accepted and verified before the year's end, £ verified the year before)."""
        return self._delivery[1]

    @cached_property
    def _delivery(self):
        if self._delivery_started is not None:
            return self._delivery_started.result()
        return self._delivery_in_one_pass() if connection.vendor == "postgresql" else self._delivery_in_two()

    def _delivery_in_two(self):
        lines = ReturnLine.objects.filter(
            kpi__contract__council=self.council,
            status=LineStatus.ACCEPTED,
            verified_at__lt=self.end,
            kpi__proxy_value__isnull=False,
        ).order_by()  # no Meta.ordering joins in a GROUP BY
        by_measure = {
            measure: _pence(total)
            for measure, total in lines.filter(verified_at__gte=self.start)
            .values_list("kpi__measure")
            .annotate(total=_sum(LINE_VALUE))
            .values_list("kpi__measure", "total")
        }
        before = Q(verified_at__gte=self.previous_start, verified_at__lt=self.start)
        by_contract = {
            contract: (to_end, previous)
            for contract, to_end, previous in lines.values_list("kpi__contract")
            .annotate(to_end=_sum(LINE_VALUE), before=_sum(LINE_VALUE, before))
            .values_list("kpi__contract", "to_end", "before")
        }
        return by_measure, by_contract

    def _delivery_in_one_pass(self):
        """The same two results from one scan of the return lines, with PostgreSQL's GROUPING SETS
        (which the ORM cannot write). Alone it takes about as long as the two queries (~125 ms at
        400,000 lines), but on one core instead of three processes, which leaves the machine free
        for the rest of the build while it runs (``alongside``)."""
        # Each line's £ is worked out once, in the inner query (OFFSET 0 keeps PostgreSQL from
        # folding it into the three sums, which would multiply three times).
        sql = """
            SELECT GROUPING(measure_id) = 0 AS by_measure, measure_id, contract_id,
                   SUM(value) FILTER (WHERE verified_at >= %(start)s),
                   SUM(value),
                   SUM(value) FILTER (WHERE verified_at >= %(previous_start)s AND verified_at < %(start)s)
              FROM (SELECT k.measure_id, k.contract_id, l.verified_at, l.quantity * k.proxy_value AS value
                      FROM procurement_returnline l
                      JOIN procurement_kpi k ON k.id = l.kpi_id
                      JOIN procurement_contract c ON c.id = k.contract_id
                     WHERE c.council_id = %(council)s AND l.status = %(accepted)s AND l.verified_at < %(end)s
                       AND k.proxy_value IS NOT NULL
                    OFFSET 0) AS line
             GROUP BY GROUPING SETS ((measure_id), (contract_id))
        """
        params = {
            "council": self.council.pk,
            "accepted": LineStatus.ACCEPTED.value,
            "start": self.start,
            "previous_start": self.previous_start,
            "end": self.end,
        }
        by_measure, by_contract = {}, {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for is_measure, measure, contract, in_year, to_end, previous in cursor.fetchall():
                if not is_measure:
                    by_contract[contract] = (to_end or ZERO, previous or ZERO)
                elif in_year is not None:
                    by_measure[measure] = _pence(in_year)
        return by_measure, by_contract

    # -- contracts active in the year

    @cached_property
    def active_contracts(self):
        return Contract.objects.filter(
            council=self.council, start_date__lt=self.end.date(), end_date__gte=self.start.date()
        )

    @cached_property
    def targets_by_contract(self) -> dict[int, Decimal]:
        """Active contract id → £ its KPIs commit (the sum of their targets)."""
        return dict(
            Kpi.objects.filter(contract__in=self.active_contracts)
            .order_by()
            .values_list("contract")
            .annotate(t=Sum("target_value"))
            .values_list("contract", "t")
        )

    # -- spend

    @cached_property
    def spend_sums(self) -> dict:
        """Spend in the year by kind of supplier, and SME or VCSE spend the year before.

        One pass groups both years' payments by supplier; the (at most a few thousand) supplier
        totals are then classed here. Summing with a join and a filter per kind in SQL took twice
        as long at 200,000 payments."""
        rows = SpendRow.objects.filter(
            council=self.council, paid_on__gte=self.previous_start.date(), paid_on__lt=self.end.date()
        ).order_by()
        this_year = Q(paid_on__gte=self.start.date())
        per_supplier = list(
            rows.values_list("supplier")
            .annotate(
                this=_sum("amount", this_year), n=Count("pk", filter=this_year), before=_sum("amount", ~this_year)
            )
            .values_list("supplier", "this", "n", "before")
        )
        kinds = _supplier_kinds([supplier for supplier, *_ in per_supplier if supplier], self.council)
        sums = dict.fromkeys(["total", "sme", "vcse", "sme_or_vcse", "local", "unmatched", "sme_or_vcse_before"], ZERO)
        sums["payments"] = 0
        for supplier, this, n, before in per_supplier:
            sums["total"] += this
            sums["payments"] += n
            if supplier is None:
                sums["unmatched"] += this
                continue
            sme, vcse, local = kinds[supplier]
            sums["sme"] += this if sme else ZERO
            sums["vcse"] += this if vcse else ZERO
            sums["local"] += this if local else ZERO
            if sme or vcse:
                sums["sme_or_vcse"] += this
                sums["sme_or_vcse_before"] += before
        # Payees not matched to a supplier (the officers' review list), from a partial index.
        sums["unmatched_payees"] = rows.filter(this_year, supplier__isnull=True).values("payee_key").distinct().count()
        return sums


def _supplier_kinds(supplier_ids, council) -> dict[int, tuple[bool, bool, bool]]:
    """Supplier id → (SME, VCSE or social enterprise, local to the council), as the report counts them."""
    kinds, local_areas = {}, set(council.postcode_areas)
    for i in range(0, len(supplier_ids), 900):  # under SQLite's limit of query parameters
        chunk = Supplier.objects.filter(pk__in=supplier_ids[i : i + 900]).values_list(
            "pk", "size_class", "is_vcse", "is_social_enterprise", "postcode_area"
        )
        for pk, size, is_vcse, is_social_enterprise, area in chunk:
            kinds[pk] = (size in SME_SIZES, is_vcse or is_social_enterprise, area in local_areas)
    return kinds


LINE_VALUE = F("quantity") * F("kpi__proxy_value")


def _sum(expression, condition=None):
    """SUM, or 0 where nothing matches, as money."""
    return Coalesce(Sum(expression, filter=condition, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _pence(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def committed(data: ReportYear) -> dict:
    """Social value committed in contracts awarded in the year, against their value."""
    totals = data.awards.aggregate(
        contracts=Count("pk"),
        contract_value=Coalesce(Sum("tender__price"), Value(ZERO), output_field=MONEY),
    )
    per_measure = {m: this for m, (this, _before) in data.commitments_by_measure.items() if this}
    total = sum(per_measure.values(), ZERO)
    return {
        "contracts": totals["contracts"],
        "contract_value": money(totals["contract_value"]),
        "value": money(total),
        "percent_of_contract_value": percent(total, totals["contract_value"]),
        **data.breakdown(per_measure),
    }


def procurements(data: ReportYear) -> dict:
    """Procurements started in the year, how many considered social value, and the weighting rules."""
    council = data.council
    qs = Procurement.objects.filter(council=council, created_at__gte=data.start, created_at__lt=data.end).exclude(
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


def spend(data: ReportYear) -> dict:
    """Spend with SMEs, VCSEs and local suppliers against the council's target (NELC: 25%)."""
    sums = data.spend_sums
    share = percent(sums["sme_or_vcse"], sums["total"])
    target = data.council.sme_spend_target
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
        "target_percent": str(target),
        "target_met": share is not None and Decimal(share) >= target,
    }


def diversity(data: ReportYear) -> dict | None:
    """The year's supplier diversity baseline: suppressed aggregates only, never an answer."""
    campaign = Campaign.objects.filter(council=data.council, year=data.year).order_by("-opens_on").first()
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


def delivered(data: ReportYear) -> dict:
    """Social value delivered: accepted return lines verified in the year, at each KPI's £ per unit."""
    # The contracts' figures first: the pass over return lines may still be running alongside.
    contract_value = data.active_contracts.aggregate(v=Coalesce(Sum("value"), Value(ZERO), output_field=MONEY))["v"]
    committed_active = sum(data.targets_by_contract.values(), ZERO)
    per_measure = data.delivered_by_measure
    total = sum(per_measure.values(), ZERO)
    return {
        "value": money(total),
        "contract_value": money(contract_value),
        "committed_active": money(committed_active),
        "percent_of_contract_value": percent(total, contract_value),
        "percent_of_committed": percent(total, committed_active),
        **data.breakdown(per_measure),
    }


def monitoring(data: ReportYear) -> dict:
    """Contracts by RAG at the year's end, the Procurement Act ratings recorded in the year, and the
    contracts delivering most and furthest behind. The KPI targets and the accepted delivery to the
    year's end come as two GROUP BY results joined per contract here: far cheaper than a correlated
    subquery per contract when there are thousands."""
    as_of = min(data.end.date() - datetime.timedelta(days=1), timezone.localdate())
    tolerances = contract_monitoring.tolerances_for(data.council)
    targets, delivery = data.targets_by_contract, data.delivered_by_contract
    counts = dict.fromkeys(performance.Rag.LABELS, 0)
    # (contract id, start, end, committed, delivered, exact pace) of each active contract with commitments
    assessed = []
    for pk, start, end in data.active_contracts.order_by("pk").values_list("pk", "start_date", "end_date"):
        committed_value = targets.get(pk) or ZERO
        if not committed_value:
            continue
        delivered_value = delivery[pk][0] if pk in delivery else ZERO
        _expected, pace, rag = performance.pace_and_rag(
            target=committed_value, delivered=delivered_value, start=start, end=end, today=as_of, tolerances=tolerances
        )
        counts[rag] += 1
        assessed.append((pk, start, end, committed_value, delivered_value, pace))
    delivering_most = heapq.nsmallest(5, assessed, key=lambda a: (-a[4], a[0]))
    furthest_behind = heapq.nsmallest(5, (a for a in assessed if a[5] is not None), key=lambda a: (a[5], a[0]))
    shown = {
        c["pk"]: c
        for c in Contract.objects.filter(pk__in=[a[0] for a in delivering_most + furthest_behind]).values(
            "pk", "reference", "title", "supplier__name"
        )
    }

    def row(pk, start, end, committed_value, delivered_value, _pace):
        c = shown[pk]
        progress = performance.progress(
            target=committed_value, delivered=delivered_value, start=start, end=end, today=as_of, tolerances=tolerances
        )
        return {
            "reference": c["reference"],
            "title": c["title"],
            "supplier": c["supplier__name"],
            "committed": money(committed_value),
            "delivered": money(delivered_value),
            "percent_delivered": None if progress.percent_delivered is None else str(progress.percent_delivered),
            "pace": None if progress.pace is None else str(progress.pace),
            "rag": progress.rag,
        }

    ratings = dict(
        PerformanceRating.objects.filter(
            contract__council=data.council, rated_on__gte=data.start.date(), rated_on__lt=data.end.date()
        )
        .order_by()
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    return {
        "kpis": {
            "contracts": len(assessed),
            "rag": [{"rag": k, "label": performance.Rag.LABELS[k], "count": counts[k]} for k in performance.Rag.LABELS],
            "ratings": [{"rating": label, "count": ratings.get(value, 0)} for value, label in Rating.choices],
        },
        "contracts": {
            "delivering_most": [row(*a) for a in delivering_most],
            "furthest_behind": [row(*a) for a in furthest_behind],
        },
    }


def previous_year(data: ReportYear) -> dict:
    """The year-before figures the headlines compare with: totals only, no breakdowns."""
    return {
        "committed": {"value": money(sum((before for _this, before in data.commitments_by_measure.values()), ZERO))},
        "delivered": {"value": money(sum((before for _to_end, before in data.delivered_by_contract.values()), ZERO))},
        "spend": {"sme_or_vcse": money(data.spend_sums["sme_or_vcse_before"])},
    }
