"""Supplier organisations and the people who act for them.

Minimal for now: an organisation and its users. Registration, size classification and the
diversity questionnaire build on this.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class SupplierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A supplier user sees only the organisations they belong to."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(members__user=user).distinct()


class Supplier(models.Model):
    name = models.CharField("legal name", max_length=300)

    history = HistoricalRecords()
    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SupplierMember(models.Model):
    """A user acting for a supplier organisation; a supplier admin may invite colleagues."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_memberships")
    is_admin = models.BooleanField("supplier admin", default=False)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supplier", "user"], name="unique_supplier_member")]
        ordering = ["supplier__name", "user__email"]

    def __str__(self):
        return f"{self.user} at {self.supplier}"
