"""Core models: users, councils with their policy settings, roles, and policy frameworks.

A council's policy is a framework of themes → outcomes → indicators, each kept in order, under a
dated policy version. Policy settings (weighting, thresholds, targets) are per council, with the
seed documents' values as defaults, because each council sets its own rules.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

# --------------------------------------------------------------------------- users and roles


class UserManager(BaseUserManager):
    """Users sign in with their email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class Role(models.TextChoices):
    COUNCIL_ADMIN = "council_admin", "Council admin"
    PROCUREMENT_OFFICER = "procurement_officer", "Procurement officer"
    CONTRACT_MANAGER = "contract_manager", "Contract manager"
    CABINET_MEMBER = "cabinet_member", "Cabinet member"


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def council_roles(self) -> dict[int, set[str]]:
        """Council id → the roles this user holds there, read once per request."""
        roles: dict[int, set[str]] = {}
        for council_id, role in self.memberships.values_list("council_id", "role"):
            roles.setdefault(council_id, set()).add(role)
        return roles

    def has_council_role(self, council, *roles: str) -> bool:
        """True if the user holds any of ``roles`` in ``council`` (any role when none given)."""
        held = self.council_roles.get(council.pk, set())
        return bool(held & set(roles)) if roles else bool(held)


class CouncilQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Councils the user belongs to in any role; suppliers and strangers see none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user).distinct()


class Council(models.Model):
    """A council and its social value policy settings.

    Defaults are North East Lincolnshire's Social Value Policy figures (seed 002), the one
    seed that states them all; every council can change its own.
    """

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)

    # NELC policy: social value at a minimum 10% of the overall evaluation score.
    min_social_value_weighting = models.DecimalField(
        "minimum social value weighting (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="The least share of the overall evaluation score given to social value.",
    )
    # NELC policy: social value is required in every procurement over £100,000.
    social_value_mandatory_above = models.DecimalField(
        "social value mandatory above (£)",
        max_digits=14,
        decimal_places=2,
        default=Decimal("100000"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Procurements over this estimated value must include social value.",
    )
    # NELC policy: contracts over £100k are approved by the Leadership Team, over £350k by Cabinet.
    leadership_approval_above = models.DecimalField(
        "Leadership Team approval above (£)",
        max_digits=14,
        decimal_places=2,
        default=Decimal("100000"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    cabinet_approval_above = models.DecimalField(
        "Cabinet approval above (£)",
        max_digits=14,
        decimal_places=2,
        default=Decimal("350000"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # NELC policy: at least 25% of spend with micro, small and medium businesses, social
    # enterprises and voluntary and community organisations.
    sme_spend_target = models.DecimalField(
        "SME and VCSE spend target (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("25"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    financial_year_start_month = models.PositiveSmallIntegerField(
        "financial year starts in month",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="1 is January; UK councils' financial year starts in April (4).",
    )
    local_postcode_areas = models.CharField(
        "local postcode areas",
        max_length=200,
        blank=True,
        validators=[
            RegexValidator(
                r"^\s*[A-Za-z]{1,2}(\s*,\s*[A-Za-z]{1,2})*\s*$",
                "Enter postcode areas as letters separated by commas, like CV, B",
            )
        ],
        help_text="Postcode areas that count as local, separated by commas, like CV, B.",
    )
    # Contract monitoring RAG: a KPI's pace is delivered ÷ what should have been delivered by now,
    # as a percentage; these are the lower bounds of each status (procurement/performance.py).
    rag_ahead_from = models.DecimalField(
        "ahead of schedule from (% of expected delivery)",
        max_digits=5,
        decimal_places=1,
        default=Decimal("110"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    rag_on_track_from = models.DecimalField(
        "on track from (% of expected delivery)",
        max_digits=5,
        decimal_places=1,
        default=Decimal("90"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    rag_at_risk_from = models.DecimalField(
        "at risk from (% of expected delivery)",
        max_digits=5,
        decimal_places=1,
        default=Decimal("70"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
        help_text="Below this a KPI is failing.",
    )
    setting_sources = models.JSONField(
        default=dict,
        blank=True,
        help_text="For each setting, the policy paragraph it comes from.",
    )

    history = HistoricalRecords()
    objects = CouncilQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("council_dashboard", kwargs={"council": self.slug})

    def clean(self):
        if (
            self.leadership_approval_above is not None
            and self.cabinet_approval_above is not None
            and self.cabinet_approval_above < self.leadership_approval_above
        ):
            raise ValidationError(
                {"cabinet_approval_above": "Cabinet approval must start at or above the Leadership Team threshold."}
            )
        rag = [self.rag_ahead_from, self.rag_on_track_from, self.rag_at_risk_from]
        if None not in rag and not rag[0] > rag[1] > rag[2]:
            raise ValidationError(
                {"rag_on_track_from": "Ahead of schedule must start above on track, and on track above at risk."}
            )

    @property
    def postcode_areas(self) -> list[str]:
        return [a.strip().upper() for a in self.local_postcode_areas.split(",") if a.strip()]

    def financial_year_of(self, day) -> int:
        """The financial year ``day`` falls in, as the year it starts (April–March by default)."""
        start_month = self.financial_year_start_month
        return day.year if day.month >= start_month else day.year - 1

    @cached_property
    def current_policy(self):
        """The policy version in force: the one with the latest effective date."""
        return self.policies.latest_first().first()


class MembershipQuerySet(models.QuerySet):
    def council_ids(self, user, roles=None):
        """The councils ``user`` belongs to (holding any of ``roles``), as a subquery for ``__in``."""
        memberships = self.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return memberships.values("council")


class Membership(models.Model):
    """One role of one user in one council; a user may hold several roles in a council."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "council", "role"], name="unique_membership_role")]
        ordering = ["council__name", "role"]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.council}"


# --------------------------------------------------------------------------- policy framework


class CouncilScopedQuerySet(models.QuerySet):
    """Visibility for policy data: everyone in the council reads; council admins edit.

    ``council_path`` is the lookup from the model to its council.
    """

    council_path = "council"

    def _for_roles(self, user, roles=None):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(**{f"{self.council_path}__in": Membership.objects.council_ids(user, roles)})

    def visible_to(self, user):
        return self._for_roles(user)

    def editable_by(self, user):
        return self._for_roles(user, [Role.COUNCIL_ADMIN])


class PolicyQuerySet(CouncilScopedQuerySet):
    council_path = "council"

    def latest_first(self):
        """Newest effective date first; an undated version counts as the oldest."""
        return self.order_by(models.F("effective_date").desc(nulls_last=True), "-pk")


class ThemeQuerySet(CouncilScopedQuerySet):
    council_path = "policy__council"


class OutcomeQuerySet(CouncilScopedQuerySet):
    council_path = "theme__policy__council"


class IndicatorQuerySet(CouncilScopedQuerySet):
    council_path = "outcome__theme__policy__council"


class Policy(models.Model):
    """A dated version of a council's social value policy."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="policies")
    title = models.CharField(max_length=200)
    effective_date = models.DateField(
        null=True,
        blank=True,
        help_text="The date this version took effect. Leave blank if the policy document gives none.",
    )
    source = models.CharField(max_length=500, blank=True, help_text="The document this policy comes from.")

    history = HistoricalRecords()
    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["council__name", models.F("effective_date").desc(nulls_last=True)]
        verbose_name_plural = "policies"
        constraints = [models.UniqueConstraint(fields=["council", "effective_date"], name="unique_policy_version_date")]

    def __str__(self):
        return f"{self.title} ({self.effective_date:%-d %B %Y})" if self.effective_date else self.title


class Ordered(models.Model):
    """Kept in the order a council admin sets; new items go last."""

    position = models.PositiveIntegerField(default=0, editable=False)
    parent_field: str = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding and not self.position:
            last = self.siblings().aggregate(m=Max("position"))["m"]
            self.position = (last or 0) + 1
        super().save(*args, **kwargs)

    def siblings(self):
        return type(self)._default_manager.filter(**{self.parent_field: getattr(self, f"{self.parent_field}_id")})

    def move(self, direction: str) -> bool:
        """Swap places with the neighbour above ("up") or below ("down"); False at an end."""
        siblings = self.siblings().exclude(pk=self.pk)
        if direction == "up":
            neighbour = siblings.filter(position__lte=self.position).order_by("-position", "-pk").first()
        else:
            neighbour = siblings.filter(position__gte=self.position).order_by("position", "pk").first()
        if neighbour is None:
            return False
        if neighbour.position == self.position:  # repair ties left by older data
            neighbour.position += 1 if direction == "down" else -1
        self.position, neighbour.position = neighbour.position, self.position
        neighbour.save(update_fields=["position"])
        self.save(update_fields=["position"])
        return True


class Theme(Ordered):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    parent_field = "policy"
    history = HistoricalRecords()
    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def council(self):
        return self.policy.council


class Outcome(Ordered):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="outcomes")
    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)

    parent_field = "theme"
    history = HistoricalRecords()
    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def council(self):
        return self.theme.policy.council


class Indicator(Ordered):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="indicators")
    text = models.CharField(max_length=1000)

    parent_field = "outcome"
    history = HistoricalRecords()
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def council(self):
        return self.outcome.theme.policy.council
