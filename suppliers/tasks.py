"""Emails and housekeeping, run by Celery (eagerly in-process by default).

Tasks take ids and are idempotent: a campaign email is claimed in ``CampaignEmail`` before it
goes, so a retried or duplicated task never emails a supplier twice for the same reminder.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import services
from .models import Campaign, CampaignRecipient, SupplierInvitation, SupplierMember

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(template: str, context: dict, to: list[str]):
    context = {"service_name": settings.SERVICE_NAME, **context}
    subject, _, body = render_to_string(template, context).strip().partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, to)


@shared_task
def send_verification_email(user_id: int):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=False).first()
    if user is None:  # verified already, or gone
        return
    link = absolute(reverse("register_verify", kwargs=services.email_verification_path_args(user)))
    _send("suppliers/email/verify.txt", {"user": user, "link": link}, [user.email])


@shared_task
def send_invitation_email(invitation_id: int):
    invitation = (
        SupplierInvitation.objects.select_related("council", "supplier", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    link = absolute(reverse("invitation_accept", kwargs={"token": services.invitation_token(invitation)}))
    _send("suppliers/email/invitation.txt", {"invitation": invitation, "link": link}, [invitation.email])


@shared_task
def send_campaign_email(recipient_id: int, kind: str):
    recipient = (
        CampaignRecipient.objects.select_related("campaign__council", "supplier").filter(pk=recipient_id).first()
    )
    if recipient is None or services.campaign_email_claim(recipient_id=recipient_id, kind=kind) is None:
        return
    to = list(
        SupplierMember.objects.filter(supplier=recipient.supplier, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    if not to:
        logger.warning("No one to email at supplier %s for campaign %s", recipient.supplier_id, recipient.campaign_id)
        return
    link = absolute(
        reverse("questionnaire", kwargs={"supplier": recipient.supplier_id, "campaign": recipient.campaign_id})
    )
    _send(
        "suppliers/email/campaign.txt",
        {"recipient": recipient, "campaign": recipient.campaign, "kind": kind, "link": link},
        to,
    )


@shared_task
def send_campaign_emails(campaign_id: int):
    """Bring the target group up to date, then send each recipient whatever email is due today."""
    campaign = Campaign.objects.select_related("council").filter(pk=campaign_id).first()
    today = timezone.localdate()
    if campaign is None or not campaign.is_open(today):
        return
    services.campaign_target(campaign=campaign)
    for recipient_id, kind in services.campaign_emails_due(campaign=campaign, today=today):
        send_campaign_email.delay(recipient_id, kind)


@shared_task
def send_due_campaign_emails():
    """Daily (Celery beat): invitations and reminders for every open campaign."""
    for campaign_id in Campaign.objects.open_on(timezone.localdate()).values_list("pk", flat=True):
        send_campaign_emails.delay(campaign_id)


@shared_task
def apply_diversity_retention():
    """Daily (Celery beat): erase individual answers past each council's retention period."""
    erased = services.diversity_retention_apply()
    if erased:
        logger.info("Erased %s diversity responses past their retention period", erased)
