"""Contract reads for the monitoring pages, each one SQL query however many contracts.

Per-contract figures are correlated subqueries (not joins), so summing KPI targets and summing
accepted return lines never multiply each other's rows. RAG is then computed in Python from these
aggregates (``procurement/monitoring.py``), never by a query per contract.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Count, DecimalField, Exists, F, IntegerField, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

MONEY = DecimalField(max_digits=20, decimal_places=4)


def _aggregate(queryset, expression, output_field):
    """One value per outer contract: ``expression`` aggregated over ``queryset`` (already filtered)."""
    grouped = queryset.order_by().values("grouping").annotate(result=expression).values("result")[:1]
    zero = Value(Decimal("0") if isinstance(output_field, DecimalField) else 0)
    return Coalesce(Subquery(grouped, output_field=output_field), zero, output_field=output_field)


class ContractMonitoringQuerySet(models.QuerySet):
    def for_council(self, council):
        return self.filter(council=council)

    def with_performance(self):
        """Annotate ``kpi_count``, ``committed_value`` (£ of KPI targets) and ``delivered_value``.

        Delivered £ = Σ accepted quantity × the KPI's proxy value (only accepted lines count,
        contract monitoring item 4); KPIs without a proxy value add nothing in £.
        """
        from .contract_models import LineStatus, ReturnLine
        from .models import Kpi

        kpis = Kpi.objects.filter(contract=OuterRef("pk")).annotate(grouping=F("contract"))
        accepted = ReturnLine.objects.filter(kpi__contract=OuterRef("pk"), status=LineStatus.ACCEPTED).annotate(
            grouping=F("kpi__contract")
        )
        return self.annotate(
            kpi_count=_aggregate(kpis, Count("pk"), IntegerField()),
            committed_value=_aggregate(kpis, Sum("target_value"), MONEY),
            delivered_value=_aggregate(accepted, Sum(F("quantity") * F("kpi__proxy_value")), MONEY),
        )

    def for_register(self):
        """What the contract register table shows, in one query."""
        return self.select_related("supplier", "contract_manager").with_performance()

    def for_dashboard(self):
        """Everything "Contracts needing attention" needs about each contract, in one query."""
        from .contract_models import KpiReturn, LineStatus, PerformanceRating, ReturnLine, ReturnStatus

        ratings = PerformanceRating.objects.filter(contract=OuterRef("pk"))
        awaiting = ReturnLine.objects.filter(
            kpi_return__contract=OuterRef("pk"),
            kpi_return__status=ReturnStatus.SUBMITTED,
            status=LineStatus.PENDING,
        ).annotate(grouping=F("kpi_return__contract"))
        returns_awaiting = KpiReturn.objects.filter(contract=OuterRef("pk"), status=ReturnStatus.SUBMITTED)
        return self.for_register().annotate(
            last_rated_on=Subquery(ratings.order_by().values("contract").annotate(d=Max("rated_on")).values("d")[:1]),
            has_final_rating=Exists(ratings.filter(is_final=True)),
            lines_awaiting=_aggregate(awaiting, Count("pk"), IntegerField()),
            returns_awaiting=Exists(returns_awaiting),
        )
