"""Background work for contract monitoring, run by Celery beat (``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from . import contract_services


@shared_task
def send_return_reminders() -> int:
    """Email suppliers about returns due and overdue; safe to rerun (each reminder is sent once)."""
    return contract_services.return_reminders_send()
