"""Procurements with their social value plan, sealed tenders, evaluation, award and contracts."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from socialvalue.models import Council, Membership, Outcome
from suppliers.models import Supplier
from toms.models import Calculator, Measure

from . import rules
from .contract_querysets import ContractMonitoringQuerySet
from .thresholds import threshold_on

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
MONEY = {"max_digits": 14, "decimal_places": 2}


class Category(models.TextChoices):
    GOODS = "goods", "Goods"
    SERVICES = "services", "Services"
    WORKS = "works", "Works"


class Stage(models.TextChoices):
    PLANNING = "planning", "Planning"
    MARKET_ENGAGEMENT = "market_engagement", "Market engagement"
    TENDERING = "tendering", "Tendering"
    EVALUATION = "evaluation", "Evaluation"
    AWARDED = "awarded", "Awarded"
    CANCELLED = "cancelled", "Cancelled"


class Procedure(models.TextChoices):
    OPEN = "open", "Open procedure"
    COMPETITIVE_FLEXIBLE = "competitive_flexible", "Competitive flexible procedure"
    FRAMEWORK = "framework", "Call-off from a framework"
    BELOW_THRESHOLD = "below_threshold", "Below-threshold quotation"
    DIRECT_AWARD = "direct_award", "Direct award"


class ValueBand(models.TextChoices):
    UNDER_100K = "under_100k", "Up to £100,000"
    TO_350K = "100k_350k", "Over £100,000 to £350,000"
    TO_1M = "350k_1m", "Over £350,000 to £1 million"
    OVER_1M = "over_1m", "Over £1 million"


VALUE_BANDS = {
    ValueBand.UNDER_100K: Q(estimated_value__lte=100000),
    ValueBand.TO_350K: Q(estimated_value__gt=100000, estimated_value__lte=350000),
    ValueBand.TO_1M: Q(estimated_value__gt=350000, estimated_value__lte=1000000),
    ValueBand.OVER_1M: Q(estimated_value__gt=1000000),
}

SUPPLIER_VISIBLE_STAGES = (Stage.TENDERING, Stage.EVALUATION, Stage.AWARDED)


_council_ids = Membership.objects.council_ids  # one definition, in socialvalue


def _supplier_ids(user):
    return Supplier.objects.filter(members__user=user).values("pk")


class ProcurementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Council members see their council's register; a supplier sees what is open to it."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        # "Open to all" means all suppliers: a user acting for no supplier (another council's
        # officer, say) must not read other councils' registers through it.
        acts_for_a_supplier = Exists(Supplier.objects.filter(members__user=user))
        open_to_supplier = Q(stage__in=SUPPLIER_VISIBLE_STAGES) & (
            (Q(open_to_all=True) & Q(acts_for_a_supplier)) | Q(invited_suppliers__in=_supplier_ids(user))
        )
        return self.filter(Q(council__in=_council_ids(user)) | open_to_supplier).distinct()

    def open_to(self, supplier):
        """Published procurements this supplier may see: open to all, or it was invited."""
        return self.filter(
            Q(stage__in=SUPPLIER_VISIBLE_STAGES) & (Q(open_to_all=True) | Q(invited_suppliers=supplier))
        ).distinct()

    def for_register(self):
        """What the register table shows, in a fixed number of queries."""
        return self.select_related("council", "lead_officer").annotate(
            tenders_submitted=Count("tenders", filter=Q(tenders__submitted_at__isnull=False), distinct=True)
        )

    def awarded(self):
        """Procurements with an award: what a council publishes as open contracting data."""
        return self.filter(stage=Stage.AWARDED, award__isnull=False)

    def for_open_contracting(self):
        """Awarded procurements with all ``procurement.ocds_publish`` reads, in a fixed number of queries."""
        return (
            self.awarded()
            .select_related("council", "award__tender__supplier", "award__contract")
            .prefetch_related(
                Prefetch("outcomes", queryset=Outcome.objects.select_related("theme")),
                Prefetch("award__tender__commitments", queryset=Commitment.objects.select_related("measure")),
            )
            .annotate(
                tenderers=Count("tenders", filter=Q(tenders__submitted_at__isnull=False), distinct=True),
            )
            .order_by("award__awarded_at", "pk")
        )

    def in_value_band(self, band):
        return self.filter(VALUE_BANDS[band])


class Procurement(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="procurements")
    reference = models.CharField(max_length=50, help_text="The council's own reference, like SV-2026-014")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    estimated_value = models.DecimalField(
        "estimated value (£)",
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="The whole-life value including VAT, in pounds",
    )
    procedure = models.CharField(max_length=30, choices=Procedure.choices, default=Procedure.OPEN)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="procurements_led"
    )
    tender_deadline = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.PLANNING)
    open_to_all = models.BooleanField(
        "open to all suppliers", default=True, help_text="If not, only invited suppliers can see it and tender"
    )
    invited_suppliers = models.ManyToManyField(Supplier, blank=True, related_name="procurement_invitations")

    # The social value plan.
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="procurements")
    calculator = models.ForeignKey(
        Calculator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procurements",
        help_text="The TOMs calculator suppliers use to commit social value",
    )
    price_weight = models.DecimalField(
        "price (%)", max_digits=5, decimal_places=2, default=Decimal("60"), validators=PERCENT
    )
    quality_weight = models.DecimalField(
        "quality (%)", max_digits=5, decimal_places=2, default=Decimal("30"), validators=PERCENT
    )
    social_value_quantitative_weight = models.DecimalField(
        "social value – quantitative, from the calculator (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=PERCENT,
    )
    social_value_qualitative_weight = models.DecimalField(
        "social value – qualitative, the method statement (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=PERCENT,
    )
    opted_out = models.BooleanField("opt out of social value", default=False)
    opt_out_justification = models.TextField(blank=True)
    opt_out_evidence = models.TextField(
        blank=True, help_text="What was explored, and why social value cannot be included (NELC policy)"
    )

    # Approval, recorded with who and when.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_reference = models.CharField(
        max_length=200, blank=True, help_text="The decision record, like 'Cabinet 12 March 2026, minute 45'"
    )

    # Opening of sealed tenders after the deadline.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()
    objects = ProcurementQuerySet.as_manager()

    class Meta:
        ordering = ["tender_deadline", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="unique_procurement_reference"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("procurement_detail", kwargs={"council": self.council.slug, "pk": self.pk})

    # -- the council's rules, explained on the page
    @property
    def weights(self) -> rules.Weights:
        return rules.Weights(
            self.price_weight,
            self.quality_weight,
            self.social_value_quantitative_weight,
            self.social_value_qualitative_weight,
        )

    @property
    def social_value_weight(self) -> Decimal:
        return self.weights.social_value

    @property
    def social_value_mandatory(self) -> bool:
        return rules.social_value_mandatory(
            self.estimated_value, mandatory_above=self.council.social_value_mandatory_above
        )

    @property
    def approval_route(self) -> str:
        return rules.approval_route(
            self.estimated_value,
            leadership_above=self.council.leadership_approval_above,
            cabinet_above=self.council.cabinet_approval_above,
        )

    @property
    def approval_route_label(self) -> str:
        return rules.ApprovalRoute.LABELS[self.approval_route]

    @property
    def needs_approval(self) -> bool:
        return self.approval_route != rules.ApprovalRoute.OFFICER

    @property
    def is_approved(self) -> bool:
        return not self.needs_approval or self.approved_at is not None

    def procurement_act_threshold(self, on=None):
        """(threshold £, whether the estimated value is above it) for the category, on a date."""
        on = on or (self.created_at or timezone.now()).date()
        amount, _ = threshold_on(self.category, on)
        return amount, self.estimated_value > amount

    @property
    def deadline_passed(self) -> bool:
        return self.tender_deadline is not None and timezone.now() >= self.tender_deadline

    @property
    def accepting_tenders(self) -> bool:
        return self.stage == Stage.TENDERING and self.tender_deadline is not None and not self.deadline_passed

    @property
    def is_opened(self) -> bool:
        return self.opened_at is not None

    @property
    def commitment_year(self) -> int:
        """Commitments are valued with the proxy values of the financial year of the deadline."""
        day = timezone.localdate(self.tender_deadline) if self.tender_deadline else timezone.localdate()
        return self.council.financial_year_of(day)


class TenderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A supplier sees its own tenders; council members see tenders only once they are opened.

        Sealed until the deadline (procurement issue, item 4): before the procurement's tenders are
        opened, no council user — whatever their role — can read a tender.
        """
        if not user.is_authenticated:
            return self.none()
        own = Q(supplier__in=_supplier_ids(user))
        opened_for_council = Q(
            procurement__council__in=_council_ids(user),
            procurement__opened_at__isnull=False,
            submitted_at__isnull=False,
        )
        return self.filter(own | opened_for_council)

    def with_committed_value(self):
        """Annotate ``committed_value``: the £ of the tender's social value commitments."""
        from django.db.models import DecimalField, Sum, Value
        from django.db.models.functions import Coalesce

        return self.annotate(
            committed_value=Coalesce(
                Sum("commitments__value"),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )


class Tender(models.Model):
    procurement = models.ForeignKey(Procurement, on_delete=models.PROTECT, related_name="tenders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="tenders")
    price = models.DecimalField(
        "tendered price (£)", **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))]
    )
    social_value_response = models.TextField(
        "social value method statement",
        blank=True,
        help_text="How you will deliver social value on this contract, and how you will evidence it",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = TenderQuerySet.as_manager()

    class Meta:
        ordering = ["procurement", "supplier__name"]
        constraints = [models.UniqueConstraint(fields=["procurement", "supplier"], name="one_tender_per_supplier")]

    def __str__(self):
        return f"{self.supplier} – {self.procurement.reference}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(tender__in=Tender.objects.visible_to(user))


class Commitment(models.Model):
    """A quantity of a TOMs measure a supplier commits to deliver, valued when the tender is saved.

    The proxy value is frozen here, so a later change to the measure library never changes what a
    tender committed (TOMs issue: "changing next year's value never changes a past calculation").
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="commitments")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="commitments")
    quantity = models.DecimalField(max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0"))])
    year = models.PositiveSmallIntegerField(help_text="The financial year whose proxy value was used")
    proxy_value = models.DecimalField(max_digits=14, decimal_places=4)
    value = models.DecimalField("social value (£)", **MONEY)

    history = HistoricalRecords()
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "measure__code"]
        constraints = [models.UniqueConstraint(fields=["tender", "measure"], name="one_commitment_per_measure")]

    def __str__(self):
        return f"{self.quantity} × {self.measure.code} for {self.tender}"


class Criterion(models.TextChoices):
    QUALITY = "quality", "Quality"
    SOCIAL_VALUE_QUALITATIVE = "social_value_qualitative", "Social value method statement"


SCORE_RANGE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ScoreQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Evaluators' scores: council members of an opened procurement; a supplier its own, after award."""
        if not user.is_authenticated:
            return self.none()
        council = Q(tender__procurement__council__in=_council_ids(user), tender__procurement__opened_at__isnull=False)
        supplier = Q(tender__supplier__in=_supplier_ids(user), tender__procurement__stage=Stage.AWARDED)
        return self.filter(council | supplier)


class Score(models.Model):
    """One evaluator's score of one tender against one criterion, 0–100."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2, validators=SCORE_RANGE)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "criterion", "evaluator__email"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "criterion", "evaluator"], name="one_score_per_evaluator")
        ]

    def __str__(self):
        return f"{self.get_criterion_display()} {self.score} by {self.evaluator} for {self.tender}"


class AgreedScore(models.Model):
    """The moderated score the evaluators agreed for a tender and criterion."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="agreed_scores")
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    score = models.DecimalField(max_digits=5, decimal_places=2, validators=SCORE_RANGE)
    note = models.TextField("moderation note", blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "criterion"]
        constraints = [models.UniqueConstraint(fields=["tender", "criterion"], name="one_agreed_score")]

    def __str__(self):
        return f"Agreed {self.get_criterion_display()} {self.score} for {self.tender}"


class AwardQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Council members see their council's awards; a supplier sees only the awards it won."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(Q(procurement__council__in=_council_ids(user)) | Q(tender__supplier__in=_supplier_ids(user)))


class Award(models.Model):
    """The decision to award a procurement to one tender, with the reason recorded."""

    procurement = models.OneToOneField(Procurement, on_delete=models.PROTECT, related_name="award")
    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="award")
    reason = models.TextField(help_text="Why this tender wins: the ranking and anything else the decision rests on")
    commitments_commercially_sensitive = models.BooleanField(
        "commitments are commercially sensitive",
        default=False,
        help_text="If ticked, the award notice does not list the social value commitments (NELC policy, "
        "Delivery and Reporting 4: published subject to commercial sensitivity)",
    )
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now, db_index=True)  # reports select awards by year

    history = HistoricalRecords()
    objects = AwardQuerySet.as_manager()

    def __str__(self):
        return f"{self.procurement.reference} awarded to {self.tender.supplier}"


class ContractQuerySet(ContractMonitoringQuerySet):
    def visible_to(self, user):
        """Council members see their council's contracts; a supplier sees only its own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(Q(council__in=_council_ids(user)) | Q(supplier__in=_supplier_ids(user)))


class ContractStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    TERMINATED = "terminated", "Terminated"


class ContractSource(models.TextChoices):
    AWARD = "award", "Awarded in this system"
    ENTERED = "entered", "Entered by hand"
    OCDS = "ocds", "Imported from open contracting data"


class Contract(models.Model):
    """An awarded contract: created at award, entered by hand, or imported from OCDS."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="contracts")
    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    award = models.OneToOneField(Award, on_delete=models.PROTECT, null=True, blank=True, related_name="contract")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=100)
    title = models.CharField(max_length=500)
    value = models.DecimalField("contract value (£)", **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    start_date = models.DateField()
    end_date = models.DateField()
    contract_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts_managed"
    )
    status = models.CharField(max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    reporting_period_months = models.PositiveSmallIntegerField(
        "reporting period (months)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="How often the supplier reports on its KPIs; quarterly by default",
    )
    source = models.CharField(max_length=20, choices=ContractSource.choices, default=ContractSource.ENTERED)
    ocid = models.CharField("OCDS identifier", max_length=200, blank=True)
    description = models.TextField(blank=True)
    # What the open contracting data said about the supplier and buyer, kept as published so the
    # supplier record can be enriched from it (SME/VCSE flags feed the NELC 25% spend target).
    ocds_buyer_name = models.CharField("buyer named in the OCDS data", max_length=300, blank=True)
    supplier_identifier = models.CharField(max_length=200, blank=True, help_text="Scheme and id, like GB-COH-01234567")
    supplier_postcode = models.CharField(max_length=20, blank=True)
    supplier_is_sme = models.BooleanField("supplier is an SME", null=True, blank=True)
    supplier_is_vcse = models.BooleanField("supplier is a VCSE", null=True, blank=True)
    ocds_suppliers = models.JSONField(
        "all suppliers named in the OCDS award", default=list, blank=True, help_text="Frameworks name many"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["end_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="unique_contract_reference"),
            models.UniqueConstraint(
                fields=["council", "ocid"], condition=~Q(ocid=""), name="one_contract_per_ocid_per_council"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_start",
                violation_error_message="The end date must be on or after the start date",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("contract_detail", kwargs={"council": self.council.slug, "pk": self.pk})

    # Procurement Act 2023 s.52: a contract over £5m needs at least three KPIs.
    KPI_RULE_ABOVE = Decimal("5000000")
    KPI_RULE_MINIMUM = 3

    def kpis_short_by(self, kpi_count: int) -> int:
        """How many KPIs this contract lacks under s.52 (0 when none are needed or it has enough)."""
        if self.value is None or self.value <= self.KPI_RULE_ABOVE:
            return 0
        return max(0, self.KPI_RULE_MINIMUM - kpi_count)

    def periods(self):
        """The reporting periods, from ``reporting_period_months`` (quarterly by default)."""
        from .schedule import periods

        return periods(self.start_date, self.end_date, months=self.reporting_period_months)


class KpiQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(contract__in=Contract.objects.visible_to(user))


class Kpi(models.Model):
    """What the supplier must deliver: a social value commitment made at tender, or a KPI an officer adds."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    commitment = models.OneToOneField(Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="kpi")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="kpis")
    name = models.CharField(max_length=500)
    unit = models.CharField(max_length=100)
    target_quantity = models.DecimalField(max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0"))])
    proxy_value = models.DecimalField("£ per unit", max_digits=14, decimal_places=4, null=True, blank=True)
    target_value = models.DecimalField("target social value (£)", **MONEY, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    objects = KpiQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "position", "pk"]
        verbose_name = "KPI"

    def __str__(self):
        return self.name


# Contract monitoring: supplier returns, evidence, verification, ratings and remedies.
from .contract_models import (  # noqa: E402, F401
    Evidence,
    KpiReturn,
    PerformanceRating,
    RemedialAction,
    ReminderSent,
    ReturnLine,
)
