"""Supplier organisations, the councils they deal with, and the annual diversity questionnaire.

Who sees what (DESIGN.md; STYLE.md practice 3): every model has ``visible_to(user)``.

- A supplier user sees their own organisations, the campaigns sent to them and their own answers.
- Council members see the suppliers that deal with their council (``SupplierCouncil``).
- Individual diversity answers are special category personal data: only users with a
  ``DiversityAccess`` grant for the council see them, and every view is logged
  (``DiversityAccessLog``). Everyone else sees suppressed aggregates (``suppliers.diversity``).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from socialvalue.models import Council, CouncilScopedQuerySet, Membership, Role

from . import diversity, sizing
from .validators import (
    postcode_area,
    validate_charity_number,
    validate_companies_house_number,
    validate_postcode,
)

# Comfortably above the largest UK employer; a larger figure is a typing mistake.
MAX_HEADCOUNT = 2_000_000
MONEY = {"max_digits": 15, "decimal_places": 2}


_council_ids_for = Membership.objects.council_ids  # one definition, in socialvalue


# --------------------------------------------------------------------------- organisations


class OrganisationType(models.TextChoices):
    COMPANY = "company", "Limited company"
    SOLE_TRADER = "sole_trader", "Sole trader"
    PARTNERSHIP = "partnership", "Partnership"
    CHARITY = "charity", "Charity or voluntary and community organisation"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    PUBLIC_BODY = "public_body", "Public body"


class SupplierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supplier users: their own organisations. Council members: suppliers dealing with their council."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        in_councils = SupplierCouncil.objects.filter(supplier=OuterRef("pk"), council__in=_council_ids_for(user))
        own = SupplierMember.objects.filter(supplier=OuterRef("pk"), user=user)
        return self.filter(Q(Exists(own)) | Q(Exists(in_councils)))

    def acting_for(self, user):
        """Organisations the user acts for as a member (what supplier pages work on)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Exists(SupplierMember.objects.filter(supplier=OuterRef("pk"), user=user)))

    def administered_by(self, user):
        """Organisations where ``user`` is a supplier admin (may change details and invite colleagues)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(members__user=user, members__is_admin=True)

    def for_council(self, council):
        return self.filter(Exists(SupplierCouncil.objects.filter(supplier=OuterRef("pk"), council=council)))

    def local_to(self, council):
        """Suppliers whose postcode area is one of the council's local areas (its settings)."""
        return self.filter(postcode_area__in=council.postcode_areas)

    def smes(self):
        return self.filter(size_class__in=sizing.SME_SIZES)

    def sme_or_vcse(self):
        """What NELC's 25% spend target counts: micro, small and medium businesses, social
        enterprises and voluntary and community organisations (NELC policy, aim 4)."""
        return self.filter(Q(size_class__in=sizing.SME_SIZES) | Q(is_vcse=True) | Q(is_social_enterprise=True))

    def for_list(self):
        return self.order_by("name", "pk")


class Supplier(models.Model):
    name = models.CharField("legal name", max_length=300)
    organisation_type = models.CharField(
        "type of organisation", max_length=32, choices=OrganisationType.choices, default=OrganisationType.COMPANY
    )
    companies_house_number = models.CharField(
        "Companies House number", max_length=8, blank=True, validators=[validate_companies_house_number]
    )
    charity_number = models.CharField("charity number", max_length=10, blank=True, validators=[validate_charity_number])
    address_line_1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    # Kept beside the postcode so "local to a council" is a plain query (council.postcode_areas).
    postcode_area = models.CharField(max_length=2, blank=True, editable=False, db_index=True)
    is_vcse = models.BooleanField("voluntary, community or social enterprise (VCSE)", default=False)
    is_social_enterprise = models.BooleanField("social enterprise", default=False)

    headcount = models.PositiveIntegerField(
        "number of employees",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_HEADCOUNT, f"Enter a number of employees of {MAX_HEADCOUNT:,} or fewer")],
    )
    turnover = models.DecimalField(
        "annual turnover (£)",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Turnover cannot be negative")],
    )
    balance_sheet_total = models.DecimalField(
        "balance sheet total (£)",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Balance sheet total cannot be negative")],
    )
    figures_year = models.PositiveSmallIntegerField(
        "year the figures are for",
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
        help_text="The financial year the figures are for, by the year it ends, like 2026.",
    )
    # Set by ``classify()`` from the figures above (Coventry note 3.2.3); stored so reports and
    # campaign targeting can filter on it.
    size_class = models.CharField(
        "size", max_length=10, choices=sizing.SizeClass.choices, blank=True, editable=False, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.organisation_type == OrganisationType.COMPANY and not self.companies_house_number:
            errors["companies_house_number"] = "Enter your Companies House number: every limited company has one"
        # The type implies the flag reports count (NELC's SME and VCSE target); the flags also
        # cover a company that is a social enterprise (a CIC) or a VCSE.
        if self.organisation_type == OrganisationType.CHARITY:
            self.is_vcse = True
        if self.organisation_type == OrganisationType.SOCIAL_ENTERPRISE:
            self.is_social_enterprise = True
        if errors:
            raise ValidationError(errors)

    @property
    def size(self) -> sizing.SizeResult | None:
        """The size class with the reason, or None until the figures are given."""
        if self.headcount is None or (self.turnover is None and self.balance_sheet_total is None):
            return None
        return sizing.classify(headcount=self.headcount, turnover=self.turnover, balance_sheet=self.balance_sheet_total)

    def classify(self):
        """Refresh the stored size class and postcode area from the figures; call before saving."""
        result = self.size
        self.size_class = result.size if result else ""
        self.postcode_area = postcode_area(self.postcode)

    @property
    def is_sme(self) -> bool:
        return self.size_class in sizing.SME_SIZES

    def is_local_to(self, council) -> bool:
        return bool(self.postcode_area) and self.postcode_area in council.postcode_areas


class SupplierMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The people of organisations you act for; councils see organisations, not their people."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(supplier__in=Supplier.objects.acting_for(user))


class SupplierMember(models.Model):
    """A user acting for a supplier organisation; a supplier admin may invite colleagues."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_memberships")
    is_admin = models.BooleanField("supplier admin", default=False)

    history = HistoricalRecords()
    objects = SupplierMemberQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supplier", "user"], name="unique_supplier_member")]
        ordering = ["supplier__name", "user__email"]

    def __str__(self):
        return f"{self.user} at {self.supplier}"


class SupplierCouncilQuerySet(CouncilScopedQuerySet):
    def visible_to(self, user):
        if user.is_authenticated and not user.is_superuser:
            return self.filter(Q(council__in=_council_ids_for(user)) | Q(supplier__members__user=user)).distinct()
        return super().visible_to(user)


class SupplierCouncil(models.Model):
    """Why a supplier deals with a council; officers see suppliers with at least one.

    Procurement adds "tendered" when a supplier bids, without changing who sees what.
    """

    class Relationship(models.TextChoices):
        REGISTERED = "registered", "Registered with the council"
        INVITED = "invited", "Invited by the council"
        CAMPAIGN = "campaign", "Sent a diversity questionnaire"
        TENDERED = "tendered", "Tendered to the council"

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="council_links")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="supplier_links")
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = SupplierCouncilQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supplier", "council", "relationship"], name="unique_supplier_council_link")
        ]

    def __str__(self):
        return f"{self.supplier} – {self.council}: {self.get_relationship_display()}"


class SupplierInvitationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Council members see their council's invitations; supplier admins their colleagues'."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(council__in=_council_ids_for(user)) | Q(supplier__in=Supplier.objects.administered_by(user))
        )

    def pending(self):
        return self.filter(accepted_at__isnull=True)


class SupplierInvitation(models.Model):
    """An emailed link to register an organisation (from a council) or to join one (from a colleague)."""

    email = models.EmailField("email address")
    organisation_name = models.CharField("organisation name", max_length=300, blank=True)
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = SupplierInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(council__isnull=False) | Q(supplier__isnull=False),
                name="invitation_from_council_or_supplier",
            )
        ]

    def __str__(self):
        return f"Invitation to {self.email}"

    @property
    def is_colleague_invitation(self) -> bool:
        return self.supplier_id is not None


# --------------------------------------------------------------------------- diversity data


class DiversitySettings(models.Model):
    """A council's diversity-questionnaire settings: how long answers are kept, its privacy notice."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="diversity_settings")
    retention_months = models.PositiveSmallIntegerField(
        "keep individual answers for (months after the questionnaire closes)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="After this, individual answers are erased and only the suppressed totals are kept.",
    )
    privacy_notice = models.TextField(
        blank=True,
        help_text="Shown to suppliers before they answer. Leave blank for the standard notice.",
    )

    history = HistoricalRecords()
    objects = CouncilScopedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "diversity settings"

    def __str__(self):
        return f"Diversity settings – {self.council}"


class DiversityAccessQuerySet(CouncilScopedQuerySet):
    def visible_to(self, user):
        """Council admins manage grants; everyone may see their own."""
        if user.is_authenticated and not user.is_superuser:
            return self.filter(Q(council__in=_council_ids_for(user, [Role.COUNCIL_ADMIN])) | Q(user=user))
        return super().visible_to(user)


class DiversityAccess(models.Model):
    """The dedicated permission to see individual diversity answers in one council."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diversity_access")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="diversity_access")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = DiversityAccessQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "council"], name="unique_diversity_access")]
        verbose_name_plural = "diversity access"

    def __str__(self):
        return f"{self.user} may see diversity answers at {self.council}"

    @staticmethod
    def held_by(user, council) -> bool:
        """A council member with a grant. The grant lapses with the last role in the council."""
        if not user.is_authenticated:
            return False
        return user.has_council_role(council) and DiversityAccess.objects.filter(user=user, council=council).exists()


class TargetGroup(models.TextChoices):
    # Coventry note 3.2.2 / 3.2.4: "all SMEs within the city of Coventry".
    LOCAL_SMES = "local_smes", "Local small and medium businesses"
    LOCAL_SME_VCSE = "local_sme_vcse", "Local small and medium businesses, social enterprises and VCSEs"
    ALL_SMES = "all_smes", "All small and medium businesses that deal with the council"
    ALL = "all", "All suppliers that deal with the council"


class CampaignQuerySet(CouncilScopedQuerySet):
    def visible_to(self, user):
        """Council members see their council's campaigns; supplier users those sent to them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        sent_to_me = CampaignRecipient.objects.filter(campaign=OuterRef("pk"), supplier__members__user=user)
        return self.filter(Q(council__in=_council_ids_for(user)) | Q(Exists(sent_to_me)))

    def open_on(self, day: datetime.date):
        return self.filter(opens_on__lte=day, closes_on__gte=day)

    def latest_first(self):
        return self.order_by("-year", "-opens_on", "-pk")


class Campaign(models.Model):
    """One year's diversity questionnaire from a council (Coventry note 3.2.10: annual)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="diversity_campaigns")
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(
        "financial year", editable=False, help_text="The year the financial year starts, set from the opening date."
    )
    opens_on = models.DateField("opens on")
    closes_on = models.DateField("closes on", help_text="Suppliers can answer until the end of this day.")
    target_group = models.CharField(max_length=20, choices=TargetGroup.choices, default=TargetGroup.LOCAL_SMES)
    question_set_version = models.PositiveSmallIntegerField(editable=False)
    # The questions as issued, so later versions never change what this campaign asked.
    questions = models.JSONField(editable=False)
    # The privacy notice suppliers consented to, kept as shown.
    privacy_notice = models.TextField(editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    targeted_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["council", "year"], name="one_diversity_campaign_per_year"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "The closing date must be the same as or after the opening date"})

    def is_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on

    def status(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if today < self.opens_on:
            return "Not yet open"
        return "Open" if today <= self.closes_on else "Closed"

    def is_closed(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.closes_on

    def baseline(self, today: datetime.date | None = None) -> dict | None:
        """The suppressed aggregates anyone in the council may see, or None while the campaign is open.

        Withheld until it closes: figures that move as each supplier answers would reveal each
        answer to someone watching who has answered. After erasure the frozen snapshot is used.
        """
        if not self.is_closed(today):
            return None
        snapshot = CampaignSnapshot.objects.filter(campaign=self).first()
        if snapshot is not None:
            published, recipients = snapshot.published, snapshot.recipients
        else:
            responses = self.responses.only("answers", "size_class", "is_local")
            facts = [diversity.ResponseFacts(r.answers, r.size_class, r.is_local) for r in responses]
            published, recipients = diversity.aggregates(self.questions, facts), self.recipients.count()
        responses = published["responses"]
        return {
            **published,
            "recipients": recipients,
            "response_rate": diversity.rate(responses, recipients),
            "frozen": snapshot is not None,
        }


class CampaignRecipientQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(Q(campaign__council__in=_council_ids_for(user)) | Q(supplier__members__user=user)).distinct()

    def with_status(self):
        """Recipients with their supplier and whether they have answered, in one query."""
        answered = CampaignResponse.objects.filter(campaign=OuterRef("campaign"), supplier=OuterRef("supplier"))
        return self.select_related("supplier").annotate(has_answered=Exists(answered))

    def awaiting_answer(self):
        answered = CampaignResponse.objects.filter(campaign=OuterRef("campaign"), supplier=OuterRef("supplier"))
        return self.exclude(Exists(answered))


class CampaignRecipient(models.Model):
    """A supplier a campaign was sent to: the denominator of the response rate."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="campaign_recipients")
    added_at = models.DateTimeField(default=timezone.now)

    objects = CampaignRecipientQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "supplier"], name="unique_campaign_recipient")]
        ordering = ["supplier__name"]

    def __str__(self):
        return f"{self.campaign} → {self.supplier}"


class CampaignEmailQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(recipient__in=CampaignRecipient.objects.visible_to(user))


class CampaignEmail(models.Model):
    """One email of a kind to one recipient; the unique constraint makes sending idempotent."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Reminder a week before closing"
        FINAL_REMINDER = "final_reminder", "Final reminder the day before closing"

    recipient = models.ForeignKey(CampaignRecipient, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = CampaignEmailQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "kind"], name="one_campaign_email_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient.supplier}"


class CampaignResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Individual answers: the supplier's own people, and holders of a DiversityAccess grant."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        granted = DiversityAccess.objects.filter(user=user, council__in=_council_ids_for(user)).values("council")
        return self.filter(Q(supplier__members__user=user) | Q(campaign__council__in=granted)).distinct()

    def for_list(self):
        return self.select_related("supplier").order_by("supplier__name", "pk")


class CampaignResponse(models.Model):
    """One supplier's answers to one campaign.

    Deliberately without django-simple-history: erasure on request (UK GDPR art. 17) and the
    retention period must leave no copy of the answers behind. Who read them is in
    ``DiversityAccessLog``; when they were given and changed is on the row.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="diversity_responses")
    question_set_version = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict)
    consent_given_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The supplier's facts when it answered, so the baseline does not shift when details change.
    size_class = models.CharField(max_length=10, choices=sizing.SizeClass.choices, blank=True)
    is_local = models.BooleanField(default=False)

    objects = CampaignResponseQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "supplier"], name="one_response_per_supplier")]

    def __str__(self):
        return f"{self.supplier}'s answers to {self.campaign}"


class CampaignSnapshotQuerySet(CouncilScopedQuerySet):
    council_path = "campaign__council"


class CampaignSnapshot(models.Model):
    """Suppressed aggregates frozen before any individual answers are erased.

    Once a closed campaign has one, its dashboard and export read it, not the live answers, so
    erasing one supplier never changes published figures (which would reveal that supplier's
    answers by difference).
    """

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="snapshot")
    recipients = models.PositiveIntegerField()
    published = models.JSONField()
    frozen_at = models.DateTimeField(default=timezone.now)

    objects = CampaignSnapshotQuerySet.as_manager()

    def __str__(self):
        return f"Frozen totals for {self.campaign}"


class DiversityAccessLogQuerySet(CouncilScopedQuerySet):
    def visible_to(self, user):
        """Council admins audit their council's log."""
        return self._for_roles(user, [Role.COUNCIL_ADMIN])


class DiversityAccessLog(models.Model):
    """Every view of a supplier's individual diversity answers by someone at a council."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, null=True, on_delete=models.SET_NULL, related_name="+")
    supplier = models.ForeignKey(Supplier, null=True, on_delete=models.SET_NULL, related_name="+")
    response = models.ForeignKey(CampaignResponse, null=True, on_delete=models.SET_NULL, related_name="access_log")
    viewed_at = models.DateTimeField(default=timezone.now)

    objects = DiversityAccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.user} viewed {self.supplier}'s answers at {self.viewed_at:%Y-%m-%d %H:%M}"
