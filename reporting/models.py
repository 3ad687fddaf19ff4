"""Annual report snapshots and the spend data they draw on.

A report's figures are computed once, by a Celery task, and frozen in ``figures`` (JSON): later
edits to procurements, returns or spend never change a report already read. Rebuilding makes a
new version; an officer publishes one version for cabinet members.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from socialvalue.models import Council, Membership, Role
from suppliers.models import Supplier

_council_ids = Membership.objects.council_ids  # one definition, in socialvalue


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers and admins see every version; cabinet members see published reports only."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        staff = Q(council__in=_council_ids(user, [Role.COUNCIL_ADMIN, Role.PROCUREMENT_OFFICER, Role.CONTRACT_MANAGER]))
        cabinet = Q(council__in=_council_ids(user, [Role.CABINET_MEMBER]), published_at__isnull=False)
        return self.filter(staff | cabinet)

    def in_progress(self):
        return self.filter(status__in=[AnnualReport.Status.QUEUED, AnnualReport.Status.RUNNING])


class AnnualReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(help_text="The year the financial year starts: 2025 is 2025/26")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done")
    stage = models.CharField(max_length=200, blank=True, help_text="What the build is doing now")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    figures = models.JSONField(null=True, blank=True, help_text="Frozen when the build succeeds")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["council", "year", "version"], name="unique_report_version"),
            # Only one build per council and year runs at once (annual reporting issue, item 4).
            models.UniqueConstraint(
                fields=["council", "year"],
                condition=Q(status__in=["queued", "running"]),
                name="one_report_build_at_a_time",
            ),
        ]

    def __str__(self):
        return f"{self.council.short_name} {self.year}/{(self.year + 1) % 100:02d} version {self.version}"

    def get_absolute_url(self):
        return reverse("report_detail", kwargs={"council": self.council.slug, "pk": self.pk})

    @property
    def is_finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class SpendFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        staff = [Role.COUNCIL_ADMIN, Role.PROCUREMENT_OFFICER, Role.CONTRACT_MANAGER]
        return self.filter(council__in=_council_ids(user, staff))


class SpendFile(models.Model):
    """One uploaded file of the council's published spending over £500 (Transparency Code)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="spend_files")
    filename = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    rows = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    objects = SpendFileQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.filename


class SpendRowQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(file__in=SpendFile.objects.visible_to(user))


class SpendRow(models.Model):
    """A payment, with the supplier it was matched to (by registration number, else name)."""

    class Match(models.TextChoices):
        NUMBER = "number", "Registration number"
        NAME = "name", "Name"
        MANUAL = "manual", "Chosen by an officer"
        NONE = "none", "Not matched"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="spend_rows")
    file = models.ForeignKey(SpendFile, on_delete=models.CASCADE, related_name="spend_rows")
    body = models.CharField(max_length=200)
    paid_on = models.DateField(db_index=True)
    transaction_number = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    payee = models.CharField(max_length=300)
    payee_key = models.CharField(max_length=300, db_index=True, help_text="The name normalised for matching")
    payee_number = models.CharField(max_length=20, blank=True, help_text="Companies House or charity number")
    expense_type = models.CharField(max_length=200, blank=True)
    service_area = models.CharField(max_length=200, blank=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.SET_NULL, null=True, blank=True, related_name="spend")
    match = models.CharField(max_length=10, choices=Match.choices, default=Match.NONE)
    # The same payment in a second file (published files overlap) is recognised and not counted twice.
    fingerprint = models.CharField(max_length=64)

    objects = SpendRowQuerySet.as_manager()

    class Meta:
        ordering = ["paid_on", "transaction_number"]
        constraints = [models.UniqueConstraint(fields=["council", "fingerprint"], name="unique_spend_row")]
        indexes = [
            models.Index(fields=["council", "paid_on"]),
            # The payees still to match: the review list and the annual report's count of them.
            models.Index(
                fields=["council", "paid_on", "payee_key"],
                condition=models.Q(supplier__isnull=True),
                name="spendrow_unmatched",
            ),
        ]

    def __str__(self):
        return f"{self.transaction_number} {self.payee} £{self.amount}"
