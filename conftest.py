"""Shared fixtures: a council with a policy, and one user per role (STYLE.md practice 9).

Browser fixtures drive Debian's Chromium through Playwright against pytest-django's live server.
"""

import os
import shutil
from pathlib import Path

import pytest

from socialvalue.models import Role
from socialvalue.tests.factories import (
    CouncilFactory,
    IndicatorFactory,
    OutcomeFactory,
    PolicyFactory,
    ThemeFactory,
    member,
)
from suppliers.tests.factories import SupplierMemberFactory

ROOT = Path(__file__).resolve().parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ROLE_FIXTURES = [
    "anonymous",
    "council_admin",
    "officer",
    "diversity_viewer",
    "contract_manager",
    "cabinet_member",
    "other_council_officer",
    "supplier_user",
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that create many users use a fast hasher.

    ``socialvalue/tests/test_security.py`` checks the real setting puts Argon2 first.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (evidence) go to a temporary folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def council(db):
    council = CouncilFactory(name="Coventry City Council", short_name="Coventry", slug="coventry")
    policy = PolicyFactory(council=council, title="Social Value and Sustainability Policy")
    theme = ThemeFactory(policy=policy, name="Economic")
    outcome = OutcomeFactory(theme=theme, name="More local people in work")
    IndicatorFactory(outcome=outcome, text="No. of local people employed")
    IndicatorFactory(outcome=outcome, text="No. of apprentices")
    ThemeFactory(policy=policy, name="Social")
    return council


@pytest.fixture
def other_council(db):
    council = CouncilFactory(name="Southend-on-Sea City Council", short_name="Southend", slug="southend")
    policy = PolicyFactory(council=council)
    OutcomeFactory(theme=ThemeFactory(policy=policy, name="Safe"), name="Residents feel safe")
    return council


@pytest.fixture
def council_admin(council):
    return member(council, Role.COUNCIL_ADMIN, "alice.admin@coventry.example")


@pytest.fixture
def officer(council):
    return member(council, Role.PROCUREMENT_OFFICER, "bob.officer@coventry.example")


@pytest.fixture
def diversity_viewer(council):
    """A procurement officer given the dedicated permission to see individual diversity answers."""
    from suppliers.models import DiversityAccess

    user = member(council, Role.PROCUREMENT_OFFICER, "helen.diversity@coventry.example")
    DiversityAccess.objects.create(user=user, council=council)
    return user


@pytest.fixture
def contract_manager(council):
    return member(council, Role.CONTRACT_MANAGER, "carol.manager@coventry.example")


@pytest.fixture
def cabinet_member(council):
    return member(council, Role.CABINET_MEMBER, "dan.cabinet@coventry.example")


@pytest.fixture
def other_council_officer(other_council):
    return member(other_council, Role.PROCUREMENT_OFFICER, "erin.officer@southend.example")


@pytest.fixture
def supplier_user(db):
    return SupplierMemberFactory(supplier__name="Acme Builders Ltd", user__email="frank@acme.example").user


@pytest.fixture
def other_supplier_user(db):
    return SupplierMemberFactory(supplier__name="Other Works Ltd", user__email="grace@other.example").user


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def real_worker(settings):
    """Send tasks to the real Celery worker of the CI services run (Redis broker, PostgreSQL).

    Skipped in the embedded run, which has no broker; in the services run a missing worker fails.
    Data the worker must read has to be committed: use ``django_db(transaction=True)``.
    """
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs CELERY_BROKER_URL and a running worker (the CI services run)")
    from socialvalue.celery import app

    if not app.control.ping(timeout=10):
        pytest.fail("No Celery worker answered on the configured broker.")
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


# ------------------------------------------------------------------------------- browser


def _chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: `make test` installs it (apt-get install chromium).")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=_chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.DEBUG = False
    # bypass_csp lets the axe fixture inject axe-core; the pages themselves keep their CSP.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    """Sign in through the real form, as a person would."""
    from socialvalue.tests.factories import PASSWORD

    def _sign_in(user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return _sign_in


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def axe(page):
    """Run axe-core on the current page; fail listing every WCAG 2.2 A/AA violation."""

    def _check(context_name=""):
        # Evaluated through the DevTools protocol, not added as a <script>: the CSP (script-src
        # 'self') rightly blocks an inline script tag, and the page's CSP stays on under test.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = result["violations"]
        report = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
        )
        assert not violations, f"axe found {len(violations)} violation(s) on {context_name or page.url}:\n{report}"
        return result

    return _check
