import pytest


@pytest.fixture(autouse=True)
def on_commit_runs_at_once(monkeypatch):
    """Most tests run inside a transaction that never commits, so work queued with
    ``transaction.on_commit`` (emails) would never happen; run it at once instead."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
