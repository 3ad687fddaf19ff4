"""Contract monitoring records: supplier returns per reporting period, their lines and evidence,
the contract manager's verification, performance ratings, remedies and reminders sent.

Imported at the end of ``procurement/models.py`` so Django finds them in the ``procurement`` app.
Only accepted return lines count as delivered (contract monitoring, item 4).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 4}


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Not submitted"
    SUBMITTED = "submitted", "Awaiting verification"
    CHANGES_REQUESTED = "changes_requested", "Needs correction"
    VERIFIED = "verified", "Verified"


class LineStatus(models.TextChoices):
    PENDING = "pending", "Awaiting verification"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class KpiReturnQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The returns of contracts the user may see: their council's, or their own supplier's."""
        from .models import Contract

        return self.filter(contract__in=Contract.objects.visible_to(user))


class ReturnLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The lines of returns the user may see (``KpiReturn.objects.visible_to``)."""
        return self.filter(kpi_return__in=KpiReturn.objects.visible_to(user))


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The evidence of returns the user may see (``KpiReturn.objects.visible_to``)."""
        return self.filter(kpi_return__in=KpiReturn.objects.visible_to(user))


class KpiReturn(models.Model):
    """A supplier's report on every KPI of a contract for one reporting period."""

    contract = models.ForeignKey("procurement.Contract", on_delete=models.CASCADE, related_name="returns")
    number = models.PositiveSmallIntegerField(help_text="The reporting period's number, from 1")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = KpiReturnQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "period_start"]
        verbose_name = "KPI return"
        constraints = [models.UniqueConstraint(fields=["contract", "period_start"], name="one_return_per_period")]

    def __str__(self):
        return f"Return {self.number} for {self.contract.reference}"

    @property
    def supplier_can_edit(self) -> bool:
        return self.status in (ReturnStatus.DRAFT, ReturnStatus.CHANGES_REQUESTED)

    @property
    def status_tag(self) -> str:
        return RETURN_TAGS[self.status]


RETURN_TAGS = {
    ReturnStatus.DRAFT: "govuk-tag--grey",
    ReturnStatus.SUBMITTED: "govuk-tag--blue",
    ReturnStatus.CHANGES_REQUESTED: "govuk-tag--orange",
    ReturnStatus.VERIFIED: "govuk-tag--green",
}


class ReturnLine(models.Model):
    """The quantity delivered against one KPI in one return, and the contract manager's decision."""

    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.CASCADE, related_name="lines")
    kpi = models.ForeignKey("procurement.Kpi", on_delete=models.CASCADE, related_name="return_lines")
    quantity = models.DecimalField("quantity delivered", **QUANTITY, validators=[MinValueValidator(Decimal("0"))])
    comment = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=LineStatus.choices, default=LineStatus.PENDING)
    reason = models.TextField("reason for the decision", blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ReturnLineQuerySet.as_manager()

    class Meta:
        ordering = ["kpi_return", "kpi__position", "kpi__pk"]
        constraints = [models.UniqueConstraint(fields=["kpi_return", "kpi"], name="one_line_per_kpi_per_return")]
        # The annual report sums accepted lines by when they were verified.
        indexes = [models.Index(fields=["status", "verified_at"], name="returnline_status_verified")]

    def __str__(self):
        return f"{self.quantity} {self.kpi.unit} of {self.kpi}"


def evidence_path(instance, filename):
    # Never the uploaded name in the path: it is shown from ``original_name`` instead.
    return f"evidence/{instance.kpi_return.contract_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file a supplier attaches to a return (or one line of it); its type is read from the content."""

    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.CASCADE, related_name="evidence")
    line = models.ForeignKey(ReturnLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["kpi_return", "uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.original_name


class Rating(models.TextChoices):
    """The performance assessment the Procurement Act 2023 (s.71) asks contracting authorities to publish."""

    GOOD = "good", "Good"
    APPROACHING = "approaching", "Approaching target"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    OTHER = "other", "Other"


RATING_TAGS = {
    Rating.GOOD: "govuk-tag--green",
    Rating.APPROACHING: "govuk-tag--light-blue",
    Rating.REQUIRES_IMPROVEMENT: "govuk-tag--yellow",
    Rating.INADEQUATE: "govuk-tag--red",
    Rating.OTHER: "govuk-tag--grey",
}


class PerformanceRating(models.Model):
    """The contract manager's rating of the supplier's performance: at least yearly, and at the end."""

    contract = models.ForeignKey("procurement.Contract", on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(max_length=30, choices=Rating.choices)
    reason = models.TextField(help_text="What the rating rests on: KPI performance, returns, anything else")
    rated_on = models.DateField("date of the assessment", default=timezone.localdate)
    is_final = models.BooleanField("this is the final assessment, at the end of the contract", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-rated_on", "-pk"]

    def __str__(self):
        return f"{self.get_rating_display()} on {self.rated_on} for {self.contract.reference}"

    @property
    def tag(self) -> str:
        return RATING_TAGS[self.rating]


class RemedyKind(models.TextChoices):
    REMEDIAL_ACTION = "remedial_action", "Remedial action"
    PENALTY = "penalty", "Penalty for non-delivery"


class RemedialAction(models.Model):
    """An action or penalty for non-delivery of social value (Warwickshire policy 2.6)."""

    contract = models.ForeignKey("procurement.Contract", on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField(max_length=20, choices=RemedyKind.choices, default=RemedyKind.REMEDIAL_ACTION)
    description = models.TextField()
    amount = models.DecimalField(
        "amount (£)", **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))]
    )
    date = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-date", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.contract.reference}"


class ReminderSent(models.Model):
    """A reminder email already sent, so the daily task never sends the same one twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    contract = models.ForeignKey("procurement.Contract", on_delete=models.CASCADE, related_name="reminders")
    period_start = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period_start", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder for {self.contract_id} period {self.period_start}"
