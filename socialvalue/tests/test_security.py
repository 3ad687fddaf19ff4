"""Security baseline: argon2, lock-out, CSP, health check, production settings refuse to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from socialvalue.tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _run_python(code, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "SECRET_KEY"}}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=60, check=False
    )


def test_argon2_hashes_passwords():
    from socialvalue import settings as project_settings  # the real setting, not the test override

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='socialvalue.settings'; django.setup()",
        DJANGO_DEBUG="0",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_healthz_answers_503_when_the_database_does_not():
    """A real outage: a database server that is not there (port 9 on loopback refuses)."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='socialvalue.settings'; django.setup();"
        "from django.test import Client; r = Client().get('/healthz'); print(r.status_code)"
    )
    result = _run_python(code, DJANGO_DEBUG="1", DATABASE_URL="postgres://nobody@127.0.0.1:9/none")
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr


def test_repeated_failed_sign_ins_lock_the_account(client, settings):
    user = UserFactory(email="mallory@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.email, "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_shows_a_gov_uk_error(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.email, "password": "nope"})
    html = response.content.decode()
    assert "There is a problem" in html and "Please enter a correct email address and password" in html


def test_pages_carry_a_content_security_policy(client):
    csp = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_password_reset_sends_a_working_link_by_email(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="reset.me@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued on commit
        response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert "Choose a new password" in response.content.decode()


def test_error_pages_use_the_service_layout(client, officer):
    client.force_login(officer)
    response = client.get("/councils/nowhere/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-generic-header" in response.content.decode()
