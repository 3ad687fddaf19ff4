# ruff: noqa: S603, S310 - fixed argument lists of our own tools; the only URL opened is our server on 127.0.0.1
"""Fuzz the REST API with schemathesis against a real server: no 500s, no response off its schema.

`make fuzz-api` (and CI, after the test runs). Steps: a throwaway SQLite database in a temporary
directory; migrate; the seed councils' policies, demo sign-ins and example measures; a few
procurements taken through tender, opening and award by the services (one with commercially
sensitive commitments, one still tendering); KPI returns for the demo supplier (one submitted on
its awarded contract, and a draft on a contract a year into three, so its early periods are open
whatever today's date: the fuzzer's ``POST /api/returns/`` can save and submit real returns);
a token for a demo officer and one for a demo supplier. Then ``manage.py runserver`` on a free
127.0.0.1 port with production-like settings (debug off) and schemathesis against ``/api/schema/``
with each token, bounded per operation and in time. The server and the temporary directory are removed whatever happens.

Exit status: 0 when schemathesis passes for both tokens; otherwise schemathesis's own status.
"""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# schemathesis's own command line, with one change: ast.parse one thread at a time. On CPython 3.11,
# ast.parse in several threads at once can fail with "SystemError: AST constructor recursion depth
# mismatch" (python/cpython#106905); schemathesis's --workers reach it through Hypothesis describing
# filtered strategies, which stopped about one run in two with a "Runtime Error" on a random operation.
SCHEMATHESIS = """
import ast, sys, threading
_parse, _lock = ast.parse, threading.Lock()
def _one_at_a_time(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)
ast.parse = _one_at_a_time
from schemathesis.cli import schemathesis
sys.argv[0] = "schemathesis"
sys.exit(schemathesis())
"""
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "20")
TIME_LIMIT = int(os.environ.get("FUZZ_TIME_LIMIT", "80"))  # seconds per token, at most; two tokens
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'fuzz.sqlite3'}",
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        CELERY_TASK_ALWAYS_EAGER="1",
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
    )
    return env


def _manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


# Run inside `manage.py shell` so it uses exactly the server's settings and database.
DEMO_DATA = """
from decimal import Decimal
from rest_framework.authtoken.models import Token
from api.tests.factories import awarded_procurement, kpi_return
from procurement import contract_services
from procurement.models import Stage
from procurement.tests.factories import ContractFactory, ProcurementFactory
from socialvalue.models import Council, User
from suppliers.models import Supplier

council = Council.objects.get(slug="coventry")
officer = User.objects.get(email="officer@coventry.example")
manager = User.objects.get(email="manager@coventry.example")
builders = Supplier.objects.get(name="Midlands Community Builders Ltd")
builder = User.objects.get(email="supplier@midlands-builders.example")
green = Supplier.objects.get(name="Humber Green Services CIC")
award = awarded_procurement(council=council, officer=officer, supplier=builders)
kpi_return(award.contract, by=builder, comment="Two local apprentices started")
awarded_procurement(council=council, officer=officer, supplier=green, sensitive=True)
ProcurementFactory(council=council, lead_officer=officer, stage=Stage.TENDERING)
entered = ContractFactory(council=council, supplier=builders, contract_manager=manager, reference="SV-FUZZ-RETURNS")
for name, unit in (("Local people employed", "FTE"), ("Apprenticeship weeks", "weeks")):
    contract_services.kpi_add(contract=entered, name=name, unit=unit, target_quantity=Decimal("10"), by=officer)
kpi_return(entered, by=builder, submit=False)
for email in ("officer@coventry.example", "supplier@midlands-builders.example"):
    print(Token.objects.get_or_create(user=User.objects.get(email=email))[0].key)
"""


def _wait_until_up(url: str, server: subprocess.Popen, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server exited with status {server.returncode} before answering.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer {url} within {seconds}s.")


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuzz-api-") as tmp:
        env = _environment(Path(tmp))
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "seed_policies")
        _manage(env, "load_demo_data", "--allow-production")
        _manage(env, "load_example_measures")
        keys = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", DEMO_DATA],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(tmp) / "server.log", "w"),  # noqa: SIM115 - closed with the directory
        )
        status = 0
        try:
            _wait_until_up(f"{base}/healthz", server)
            for who, key in zip(("officer", "supplier"), keys[-2:], strict=True):
                print(f"\n== schemathesis as the demo {who} ==", flush=True)
                try:
                    result = subprocess.run(
                        [
                            PYTHON,
                            "-c",
                            SCHEMATHESIS,
                            "run",
                            f"{base}/api/schema/",
                            "--header",
                            f"Authorization: Token {key}",
                            "--checks",
                            CHECKS,
                            "--max-examples",
                            MAX_EXAMPLES,
                            # Stateful testing needs OpenAPI links between operations; this API declares none.
                            "--phases",
                            "examples,coverage,fuzzing",
                            "--workers",
                            "4",
                            "--request-timeout",
                            "10",
                            "--seed",
                            os.environ.get("FUZZ_SEED", "8"),
                            "--no-color",
                            "--generation-database",
                            "none",
                        ],
                        cwd=tmp,
                        env=env,
                        timeout=TIME_LIMIT,
                    )
                except subprocess.TimeoutExpired:
                    print(f"fuzz-api: schemathesis ran past {TIME_LIMIT}s as the {who}; stopped", flush=True)
                    status = status or 1
                    continue
                status = status or result.returncode
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            if status:
                print("--- server log", (Path(tmp) / "server.log").read_text()[-5000:], sep="\n")
    print(f"\nfuzz-api: {'passed' if not status else 'FAILED'} in {time.monotonic() - started:.0f}s")
    return status


if __name__ == "__main__":
    sys.exit(main())
