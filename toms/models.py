"""The TOMs measure library, proxy values by financial year, calculators and import jobs.

TOMs are Themes, Outcomes and Measures. Each council keeps its own library: a measure has a
reference code, a unit and a proxy value in £ per unit for each financial year (DESIGN.md,
"TOMs"). A calculation for year Y reads Y's proxy value, so adding or changing another year's
value never changes it. Calculators are a council's named sets of measures for a contract
category (Coventry's "suite of TOMs calculators" for goods, services and works).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from simple_history.models import HistoricalRecords

from socialvalue.formatting import money
from socialvalue.models import Council, CouncilScopedQuerySet, Indicator, Outcome

from . import calculation

# --------------------------------------------------------------------------- measures


class MeasureQuerySet(CouncilScopedQuerySet):
    council_path = "council"

    def for_library(self):
        """Everything the measure list shows, in a fixed number of queries however long it is."""
        return self.order_by("code").prefetch_related(
            Prefetch(
                "outcomes", queryset=Outcome.objects.select_related("theme").order_by("theme__position", "position")
            ),
            Prefetch("proxy_values", queryset=ProxyValue.objects.order_by("-year")),
        )

    def for_calculation(self):
        """What the calculation engine needs: outcomes with their themes and every proxy value."""
        return self.prefetch_related(
            Prefetch(
                "outcomes", queryset=Outcome.objects.select_related("theme").order_by("theme__position", "position")
            ),
            Prefetch("proxy_values", queryset=ProxyValue.objects.order_by("year")),
        )


class Measure(models.Model):
    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", "Quantitative"
        QUALITATIVE = "qualitative", "Qualitative"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="measures")
    code = models.CharField("reference code", max_length=40, help_text="Unique in the council, like EC1.")
    name = models.CharField(max_length=500)
    unit = models.CharField(max_length=100, help_text="What a supplier counts, like 'weeks' or 'tonnes CO2e'.")
    guidance = models.TextField("guidance for suppliers", blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.QUANTITATIVE)
    local_only = models.BooleanField(
        "only local delivery counts", default=False, help_text="Only delivery in the council's area counts."
    )
    outcomes = models.ManyToManyField(Outcome, related_name="measures", blank=True)
    indicators = models.ManyToManyField(Indicator, related_name="measures", blank=True)

    history = HistoricalRecords()
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["council", "code"], name="unique_measure_code_per_council")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("measure_detail", kwargs={"council": self.council.slug, "pk": self.pk})

    @property
    def is_quantitative(self) -> bool:
        return self.kind == self.Kind.QUANTITATIVE

    def primary_outcome(self):
        """The first outcome in policy order (uses the prefetch from ``for_library``/``for_calculation``)."""
        outcomes = list(self.outcomes.all())
        return outcomes[0] if outcomes else None

    def latest_proxy_value(self):
        values = sorted(self.proxy_values.all(), key=lambda pv: pv.year)
        return values[-1] if values else None

    def as_calculation_input(self) -> calculation.MeasureInput:
        """This measure as the pure engine sees it (needs the ``for_calculation`` prefetch).

        A measure evidencing several outcomes counts in full under the first in policy order,
        so subtotals add up to the total and nothing is counted twice.
        """
        outcome = self.primary_outcome()
        return calculation.MeasureInput(
            code=self.code,
            name=self.name,
            unit=self.unit,
            theme=outcome.theme.name if outcome else calculation.NO_OUTCOME,
            outcome=outcome.name if outcome else calculation.NO_OUTCOME,
            proxy_values={pv.year: pv.value for pv in self.proxy_values.all()},
        )


class ProxyValueQuerySet(CouncilScopedQuerySet):
    council_path = "measure__council"


class ProxyValue(models.Model):
    """£ per unit of a measure for one financial year (the integer year it starts: 2025 = 2025/26)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="proxy_values")
    year = models.PositiveSmallIntegerField(
        "financial year", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # Four decimal places: some proxies are pence per unit (like £0.2500 per £1 of local spend).
    value = models.DecimalField(
        "proxy value (£ per unit)", max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    source = models.CharField(max_length=1000, blank=True, help_text="Where the figure comes from.")

    history = HistoricalRecords()
    objects = ProxyValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "year"]
        constraints = [models.UniqueConstraint(fields=["measure", "year"], name="unique_proxy_value_per_year")]

    def __str__(self):
        return f"{self.measure.code} {self.year}: £{self.value}"

    @property
    def value_display(self) -> str:
        """£1,234.50, or with the fractions of a penny it has (£0.0125, £283.125)."""
        if self.value == self.value.quantize(Decimal("0.01")):
            return money(self.value)
        return f"£{self.value.normalize():,f}"


# --------------------------------------------------------------------------- calculators


class CalculatorQuerySet(CouncilScopedQuerySet):
    council_path = "council"

    def for_list(self):
        return self.annotate(measure_count=models.Count("entries")).order_by("category", "name")


class Calculator(models.Model):
    """A named, ordered set of measures for one category of contract."""

    class Category(models.TextChoices):
        GOODS = "goods", "Goods"
        SERVICES = "services", "Services"
        WORKS = "works", "Works"
        OTHER = "other", "Other"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="calculators")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.SERVICES)
    measures = models.ManyToManyField(Measure, through="CalculatorMeasure", related_name="calculators")

    history = HistoricalRecords()
    objects = CalculatorQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="unique_calculator_name_per_council")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("calculator_detail", kwargs={"council": self.council.slug, "pk": self.pk})

    def ordered_measures(self):
        """This calculator's measures in its order, prefetched for the engine (fixed queries)."""
        return list(
            Measure.objects.filter(calculator_entries__calculator=self)
            .order_by("calculator_entries__position", "code")
            .for_calculation()
        )


class CalculatorMeasureQuerySet(CouncilScopedQuerySet):
    council_path = "calculator__council"


class CalculatorMeasure(models.Model):
    calculator = models.ForeignKey(Calculator, on_delete=models.CASCADE, related_name="entries")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="calculator_entries")
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    objects = CalculatorMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["calculator", "measure"], name="unique_measure_per_calculator")]

    def __str__(self):
        return f"{self.calculator_id}: {self.measure_id} at {self.position}"


# --------------------------------------------------------------------------- imports


class ImportJobQuerySet(CouncilScopedQuerySet):
    council_path = "council"


class ImportJob(models.Model):
    """A large measure import run by a Celery task, with progress for the person waiting.

    The uploaded file is kept in the database (not on local disk) so a worker on another
    machine can read it; it is cleared once the job finishes.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=255)
    content = models.BinaryField(blank=True, default=b"")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="Each problem as a person reads it.")
    summary = models.CharField(max_length=500, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import of {self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total_rows:
            return 0
        # Checking rows is most of the work; saving takes the last tenth.
        return min(90, int(self.rows_checked * 90 / self.total_rows))
