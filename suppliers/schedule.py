"""When each questionnaire email is due. Pure, so the schedule is tested day by day.

Invitation when the campaign opens (or when a supplier joins the target group while it is
open), a reminder a week before it closes, a final reminder the day before; never more than one
email a day to a supplier, never one of a kind twice, and none once the supplier has answered.
"""

import datetime

INVITATION = "invitation"
REMINDER = "reminder"
FINAL_REMINDER = "final_reminder"
REMINDER_DAYS_BEFORE_CLOSE = 7
FINAL_REMINDER_DAYS_BEFORE_CLOSE = 1


def next_email(
    *, opens_on: datetime.date, closes_on: datetime.date, today: datetime.date, sent: dict[str, datetime.date]
) -> str | None:
    """The kind of email to send a supplier that has not answered yet, or None."""
    if not opens_on <= today <= closes_on:
        return None
    if today in sent.values():
        return None
    if INVITATION not in sent:
        return INVITATION
    days_left = (closes_on - today).days
    if days_left <= FINAL_REMINDER_DAYS_BEFORE_CLOSE and FINAL_REMINDER not in sent:
        return FINAL_REMINDER
    if days_left <= REMINDER_DAYS_BEFORE_CLOSE and REMINDER not in sent and FINAL_REMINDER not in sent:
        return REMINDER
    return None
