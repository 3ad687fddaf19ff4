"""Loaded by pytest (``-p socialvalue.pytest_environment`` in pytest.ini) before Django starts.

Tests run with development defaults — a throwaway secret key, no HTTPS redirect, plain static
storage — unless the environment says otherwise (CI sets ``DATABASE_URL`` and
``CELERY_BROKER_URL`` for its second run).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
# Tasks run in-process unless a test asks for the real worker (the ``real_worker`` fixture),
# so the suite gives the same results with or without a broker configured.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
# Browser tests drive a live server from pytest's thread; Django refuses ORM calls from an
# async context that Playwright's sync API may leave behind.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
