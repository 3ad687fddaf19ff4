"""Writes that touch several models: registration, invitations, campaigns, answers, erasure.

Each is keyword-only and atomic, and raises ``ValidationError`` with a message a person can act
on; nothing is stored when it does. Emails go out through Celery tasks queued on commit.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from socialvalue.models import Council

from . import diversity, questions, schedule
from .models import (
    Campaign,
    CampaignEmail,
    CampaignRecipient,
    CampaignResponse,
    CampaignSnapshot,
    DiversityAccess,
    DiversitySettings,
    Supplier,
    SupplierCouncil,
    SupplierInvitation,
    SupplierMember,
    TargetGroup,
)

User = get_user_model()

INVITATION_SALT = "suppliers.invitation"
INVITATION_MAX_AGE = datetime.timedelta(days=14)

DEFAULT_PRIVACY_NOTICE = (
    "{council} asks for this information to understand the diversity of businesses in its local "
    "supply chain and the barriers they face in tendering, and to plan targeted support such as "
    "Meet the Buyer events. Answers about the people who own and lead your business are special "
    "category personal data under UK GDPR; the questionnaire is not anonymous so that the council "
    "can follow up with you. Only named council staff can see your individual answers, and each "
    "time they do it is recorded. Reports show only totals, with numbers under 5 hidden. Your "
    "answers are kept for {months} months after the questionnaire closes and then erased, leaving "
    "only the totals. You can change or withdraw your answers while the questionnaire is open, and "
    "ask the council to erase them at any time. Answering is voluntary and does not affect any "
    "tender you make."
)


def _on_commit(task, *args):
    transaction.on_commit(lambda: task.delay(*args))


# --------------------------------------------------------------------------- organisations


@transaction.atomic
def supplier_register(
    *,
    organisation: dict,
    full_name: str,
    email: str,
    password: str,
    council: Council | None = None,
    invitation: SupplierInvitation | None = None,
) -> tuple[Supplier, "User"]:
    """Create an organisation and its first user, a supplier admin.

    The account stays inactive until the email address is verified, unless the person came by a
    council's emailed invitation to that same address (following it proved the address).
    """
    from .tasks import send_verification_email

    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": "An account with this email address already exists: sign in, or reset your password"}
        )
    supplier = Supplier(**organisation)
    supplier.full_clean()
    supplier.classify()
    supplier.save()

    verified = invitation is not None and invitation.email.lower() == email
    user = User(email=email, full_name=full_name, is_active=verified)
    user.set_password(password)
    user.full_clean()
    user.save()
    SupplierMember.objects.create(supplier=supplier, user=user, is_admin=True)

    if invitation is not None and invitation.council_id:
        council = invitation.council
        SupplierCouncil.objects.get_or_create(
            supplier=supplier, council=council, relationship=SupplierCouncil.Relationship.INVITED
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    elif council is not None:
        SupplierCouncil.objects.get_or_create(
            supplier=supplier, council=council, relationship=SupplierCouncil.Relationship.REGISTERED
        )
    if not verified:
        _on_commit(send_verification_email, user.pk)
    return supplier, user


def email_verification_path_args(user) -> dict:
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


@transaction.atomic
def email_verify(*, uidb64: str, token: str) -> "User":
    """Activate the account a verification link was sent for. The link works once."""
    try:
        user = User.objects.select_for_update().get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationError(
            "This link has expired or has already been used. Sign in if you have verified your email "
            "address already, or register again."
        )
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def supplier_update(*, supplier: Supplier, by) -> Supplier:
    """Save changed details (from a bound form's instance) and refresh the size class."""
    if not Supplier.objects.administered_by(by).filter(pk=supplier.pk).exists() and not by.is_superuser:
        raise ValidationError("Only a supplier admin can change the organisation's details")
    supplier.full_clean()
    supplier.classify()
    supplier.save()
    return supplier


def invitation_token(invitation: SupplierInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> SupplierInvitation:
    """The pending invitation a link was sent for, or ValidationError saying why not."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError("This invitation has expired. Ask whoever invited you to send a new one.") from None
    except signing.BadSignature:
        raise ValidationError("This invitation link is not valid. Check you copied the whole link.") from None
    invitation = SupplierInvitation.objects.select_related("supplier", "council").filter(pk=data["i"]).first()
    if invitation is None or invitation.email != data["e"]:
        raise ValidationError("This invitation has been withdrawn. Ask whoever invited you to send a new one.")
    if invitation.accepted_at:
        raise ValidationError("This invitation has already been used. Sign in instead.")
    return invitation


@transaction.atomic
def supplier_invite_from_council(*, council: Council, email: str, organisation_name: str, by) -> SupplierInvitation:
    """A council officer invites an organisation to register; the link arrives by email."""
    from .tasks import send_invitation_email

    email = User.objects.normalize_email(email).lower()
    invitation = SupplierInvitation(council=council, email=email, organisation_name=organisation_name, invited_by=by)
    invitation.full_clean()
    invitation.save()
    _on_commit(send_invitation_email, invitation.pk)
    return invitation


@transaction.atomic
def supplier_invite_colleague(*, supplier: Supplier, email: str, by) -> SupplierInvitation:
    """A supplier admin invites a colleague to act for the organisation."""
    from .tasks import send_invitation_email

    if not Supplier.objects.administered_by(by).filter(pk=supplier.pk).exists():
        raise ValidationError("Only a supplier admin can invite colleagues")
    email = User.objects.normalize_email(email).lower()
    if SupplierMember.objects.filter(supplier=supplier, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} already acts for {supplier}"})
    invitation = SupplierInvitation(supplier=supplier, email=email, organisation_name=supplier.name, invited_by=by)
    invitation.full_clean()
    invitation.save()
    _on_commit(send_invitation_email, invitation.pk)
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: SupplierInvitation, user=None, full_name: str = "", password: str = "") -> "User":
    """Join the inviting organisation, as the signed-in ``user`` or as a new account.

    A new account is active at once: following the emailed link proved the address.
    """
    if not invitation.is_colleague_invitation:
        raise ValidationError("This invitation is to register a new organisation")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(f"There is already an account for {invitation.email}: sign in to accept")
        user = User(email=invitation.email, full_name=full_name, is_active=True)
        user.set_password(password)
        user.full_clean()
        user.save()
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(f"This invitation is for {invitation.email}. Sign in with that email address.")
    SupplierMember.objects.get_or_create(supplier=invitation.supplier, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


# --------------------------------------------------------------------------- campaigns


def financial_year_of(day: datetime.date, start_month: int) -> int:
    """The year the financial year containing ``day`` starts (April–March for UK councils)."""
    return day.year if day.month >= start_month else day.year - 1


def settings_for(council: Council) -> DiversitySettings:
    return DiversitySettings.objects.filter(council=council).first() or DiversitySettings(council=council)


@transaction.atomic
def campaign_create(
    *,
    council: Council,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    target_group: str,
    by,
    today: datetime.date | None = None,
) -> Campaign:
    """Start a year's diversity questionnaire with the current question set and privacy notice."""
    from .tasks import send_campaign_emails

    today = today or timezone.localdate()
    errors = {}
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = "The closing date must be the same as or after the opening date"
    elif closes_on and closes_on < today:
        errors["closes_on"] = "The closing date must be today or in the future"
    if target_group not in TargetGroup.values:
        errors["target_group"] = "Choose who the questionnaire goes to"
    if errors:
        raise ValidationError(errors)
    year = financial_year_of(opens_on, council.financial_year_start_month)
    if Campaign.objects.filter(council=council, year=year).exists():
        from socialvalue.formatting import financial_year

        raise ValidationError(
            {
                "opens_on": f"There is already a diversity questionnaire for {financial_year(year)}: "
                "a council runs one a year. Choose an opening date in another financial year."
            }
        )
    config = settings_for(council)
    notice = config.privacy_notice or DEFAULT_PRIVACY_NOTICE.format(
        council=council.name, months=config.retention_months
    )
    campaign = Campaign(
        council=council,
        title=title,
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        target_group=target_group,
        question_set_version=questions.CURRENT_VERSION,
        questions=questions.question_set(questions.CURRENT_VERSION),
        privacy_notice=notice,
        created_by=by,
    )
    campaign.full_clean()
    campaign.save()
    if campaign.is_open(today):
        _on_commit(send_campaign_emails, campaign.pk)
    return campaign


def campaign_targets(campaign: Campaign):
    """The suppliers in a campaign's target group (Coventry note 3.2.2: all SMEs in the city).

    Local groups reach every supplier in the council's postcode areas, not only those already
    dealing with it; being sent the questionnaire then links them to the council.
    """
    council = campaign.council
    suppliers = Supplier.objects.all()
    match campaign.target_group:
        case TargetGroup.LOCAL_SMES:
            return suppliers.local_to(council).smes()
        case TargetGroup.LOCAL_SME_VCSE:
            return suppliers.local_to(council).sme_or_vcse()
        case TargetGroup.ALL_SMES:
            return suppliers.for_council(council).smes()
        case _:
            return suppliers.for_council(council)


@transaction.atomic
def campaign_target(*, campaign: Campaign) -> int:
    """Add every supplier now in the target group as a recipient. Idempotent; returns how many were new."""
    existing = set(campaign.recipients.values_list("supplier_id", flat=True))
    new_ids = [pk for pk in campaign_targets(campaign).values_list("pk", flat=True) if pk not in existing]
    CampaignRecipient.objects.bulk_create(
        [CampaignRecipient(campaign=campaign, supplier_id=pk) for pk in new_ids], ignore_conflicts=True
    )
    SupplierCouncil.objects.bulk_create(
        [
            SupplierCouncil(
                supplier_id=pk, council=campaign.council, relationship=SupplierCouncil.Relationship.CAMPAIGN
            )
            for pk in new_ids
        ],
        ignore_conflicts=True,
    )
    Campaign.objects.filter(pk=campaign.pk).update(targeted_at=timezone.now())
    return len(new_ids)


def campaign_emails_due(*, campaign: Campaign, today: datetime.date) -> list[tuple[int, str]]:
    """(recipient id, email kind) for every recipient who has not answered and is due an email."""
    recipients = campaign.recipients.awaiting_answer().prefetch_related("emails")
    due = []
    for recipient in recipients:
        sent = {e.kind: timezone.localdate(e.sent_at) for e in recipient.emails.all() if e.sent_at}
        kind = schedule.next_email(opens_on=campaign.opens_on, closes_on=campaign.closes_on, today=today, sent=sent)
        if kind:
            due.append((recipient.pk, kind))
    return due


def campaign_email_claim(*, recipient_id: int, kind: str) -> CampaignEmail | None:
    """Claim the right to send one email; None if it was sent already (so it never goes twice)."""
    with transaction.atomic():
        email, _ = CampaignEmail.objects.get_or_create(recipient_id=recipient_id, kind=kind)
        email = CampaignEmail.objects.select_for_update().get(pk=email.pk)
        if email.sent_at:
            return None
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at"])
        return email


# --------------------------------------------------------------------------- answers


def _check_can_answer(campaign: Campaign, supplier: Supplier, today: datetime.date):
    if today < campaign.opens_on:
        raise ValidationError(f"This questionnaire opens on {campaign.opens_on:%-d %B %Y}.")
    if today > campaign.closes_on:
        raise ValidationError(
            f"This questionnaire closed on {campaign.closes_on:%-d %B %Y}: answers can no longer be given, "
            "changed or withdrawn here. Contact the council to have your answers erased."
        )
    if not CampaignRecipient.objects.filter(campaign=campaign, supplier=supplier).exists():
        raise ValidationError(f"This questionnaire was not sent to {supplier}.")


@transaction.atomic
def response_submit(
    *, campaign: Campaign, supplier: Supplier, answers: dict, consent: bool, by, today: datetime.date | None = None
) -> CampaignResponse:
    """Save (or change) a supplier's answers while the campaign is open, with its explicit consent."""
    today = today or timezone.localdate()
    if not SupplierMember.objects.filter(supplier=supplier, user=by).exists():
        raise ValidationError(f"Only people acting for {supplier} can answer for it.")
    _check_can_answer(campaign, supplier, today)
    if not consent:
        raise ValidationError(
            {"consent": "Confirm you have read the privacy notice and agree to the council using your answers"}
        )
    try:
        cleaned = questions.validate_answers(campaign.questions, answers)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    now = timezone.now()
    facts = {
        "size_class": supplier.size_class,
        "is_local": supplier.is_local_to(campaign.council),
    }
    response = CampaignResponse.objects.select_for_update().filter(campaign=campaign, supplier=supplier).first()
    if response is None:
        response = CampaignResponse(campaign=campaign, supplier=supplier, consent_given_at=now, submitted_at=now)
    response.question_set_version = campaign.question_set_version
    response.answers = cleaned
    response.submitted_by = by
    response.updated_at = now
    for key, value in facts.items():
        setattr(response, key, value)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError("Your answers were saved from another window at the same time: check them") from None
    return response


@transaction.atomic
def response_withdraw(*, campaign: Campaign, supplier: Supplier, by, today: datetime.date | None = None) -> None:
    """Withdraw a supplier's answers and consent while the campaign is open: the answers are deleted."""
    today = today or timezone.localdate()
    if not SupplierMember.objects.filter(supplier=supplier, user=by).exists():
        raise ValidationError(f"Only people acting for {supplier} can withdraw its answers.")
    _check_can_answer(campaign, supplier, today)
    deleted, _ = CampaignResponse.objects.filter(campaign=campaign, supplier=supplier).delete()
    if not deleted:
        raise ValidationError("There are no answers to withdraw.")


# --------------------------------------------------------------------------- aggregates, erasure, retention


def response_facts(responses) -> list[diversity.ResponseFacts]:
    return [diversity.ResponseFacts(answers=r.answers, size_class=r.size_class, is_local=r.is_local) for r in responses]


@transaction.atomic
def campaign_freeze(*, campaign: Campaign) -> CampaignSnapshot:
    """Keep the campaign's suppressed totals before individual answers go. Idempotent."""
    existing = CampaignSnapshot.objects.filter(campaign=campaign).first()
    if existing:
        return existing
    responses = CampaignResponse.objects.filter(campaign=campaign).only("answers", "size_class", "is_local")
    published = diversity.aggregates(campaign.questions, response_facts(responses))
    return CampaignSnapshot.objects.create(
        campaign=campaign, recipients=campaign.recipients.count(), published=published
    )


@transaction.atomic
def diversity_answers_erase(
    *, supplier: Supplier, council: Council | None = None, today: datetime.date | None = None
) -> int:
    """Erase a supplier's individual answers on request (UK GDPR art. 17); returns how many.

    A closed campaign's suppressed totals are frozen first, so they still count the supplier
    without identifying it and do not change (a change would reveal its answers by difference).
    An open campaign shows no diversity totals yet, so its answers simply go, as on withdrawal.
    """
    today = today or timezone.localdate()
    responses = CampaignResponse.objects.filter(supplier=supplier).select_related("campaign")
    if council is not None:
        responses = responses.filter(campaign__council=council)
    erased = 0
    for response in responses:
        if response.campaign.is_closed(today):
            campaign_freeze(campaign=response.campaign)
        response.delete()
        erased += 1
    return erased


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


@transaction.atomic
def diversity_retention_apply(*, today: datetime.date | None = None) -> int:
    """Erase individual answers older than each council's retention period; returns how many."""
    today = today or timezone.localdate()
    retention = dict(DiversitySettings.objects.values_list("council_id", "retention_months"))
    default = DiversitySettings._meta.get_field("retention_months").default
    erased = 0
    campaigns = Campaign.objects.filter(closes_on__lt=today, responses__isnull=False).distinct()
    for campaign in campaigns:
        if add_months(campaign.closes_on, retention.get(campaign.council_id, default)) >= today:
            continue
        campaign_freeze(campaign=campaign)
        deleted, _ = CampaignResponse.objects.filter(campaign=campaign).delete()
        erased += deleted
    return erased


# --------------------------------------------------------------------------- diversity access


@transaction.atomic
def diversity_access_grant(*, council: Council, user, by) -> DiversityAccess:
    if not user.has_council_role(council):
        raise ValidationError({"user": f"{user} is not a member of {council}"})
    access, created = DiversityAccess.objects.get_or_create(user=user, council=council, defaults={"granted_by": by})
    if not created:
        raise ValidationError({"user": f"{user} can already see individual answers"})
    return access


@transaction.atomic
def diversity_access_revoke(*, access: DiversityAccess, by) -> None:
    access.delete()
