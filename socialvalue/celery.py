"""The Celery application.

With no ``CELERY_BROKER_URL`` the settings make every task run eagerly in-process, so the
embedded default needs no broker. Set it (for example ``redis://127.0.0.1:6379/0``) and run
``make worker`` for real workers; the same tasks run unchanged.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialvalue.settings")

app = Celery("socialvalue")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
