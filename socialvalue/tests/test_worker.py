"""Celery: eager in the embedded default, and the same task through a real worker on Redis."""

import pytest
from django.core import mail

from socialvalue.tasks import send_email


def test_tasks_run_eagerly_in_the_embedded_default():
    result = send_email.delay("Subject", "Body", ["someone@example.org"])
    assert result.get(timeout=1) == 1
    assert mail.outbox[0].subject == "Subject"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_email(real_worker):
    result = send_email.delay("From the worker", "Body", ["someone@example.org"])
    assert result.get(timeout=60) == 1
    assert not mail.outbox  # sent by the worker process, not this one
