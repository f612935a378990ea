"""Production settings pass Django's deployment checks; the machine checks warn."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from ledger import checks

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Gq2vN9pLk4Rt8Wz1Yb6Hc3Jd5Fm0Sa-QeUoIiPlKjHgFdSaZxCvBnM",
    "ALLOWED_HOSTS": "ledger.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://ledger.example.com",
}


def _manage(*args, env):
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))
    }
    base.pop("DJANGO_SETTINGS_MODULE", None)
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "LEDGER_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION, "SECRET_KEY": "", "LEDGER_VAR_DIR": str(tmp_path)}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_pdf_checks_pass_on_this_machine():
    assert checks.check_pdf_dependencies(None) == []
    assert checks.harfbuzz_subsetter_available()


def test_the_pdf_checks_warn_when_something_is_missing():
    with (
        mock.patch.object(checks, "cjk_font_available", return_value=False),
        mock.patch.object(checks, "harfbuzz_subsetter_available", return_value=False),
    ):
        ids = [w.id for w in checks.check_pdf_dependencies(None)]
    assert ids == ["ledger.W001", "ledger.W002"]


def test_cjk_font_lookup_knows_what_is_absent():
    assert checks.cjk_font_available("Noto Sans CJK SC")
    assert not checks.cjk_font_available("No Such Font Family 12345")


@pytest.mark.django_db
def test_seed_demo_is_safe_to_run_twice():
    from django.core.management import call_command

    from accounts.models import User
    from ledger.models import Customer, Product

    call_command("seed_demo")
    counts = (User.objects.count(), Customer.objects.count(), Product.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Customer.objects.count(), Product.objects.count()) == counts
    assert counts[0] == 11 and 55 <= counts[1] <= 65 and 35 <= counts[2] <= 45
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["sales1"] == "sales" and roles["assistant1"] == "assistant" and roles["gm"] == "gm"
    sales1 = User.objects.get(username="sales1")
    assert sales1.check_password("demo12345") and sales1.department.name == "销售一部"
    assert User.objects.get(username="assistant1").department.name == "市场总部"
    owners = set(Customer.objects.values_list("owner__username", flat=True))
    assert {"sales1", "sales2", "sales3"} <= owners
    assert len(set(Customer.objects.values_list("category", flat=True))) == 4
    # The demo's sales went in without the services: its monthly roll-ups are summed after.
    from sales.models import SalespersonMonth
    from sales.services.rollups import rollup_differences

    assert SalespersonMonth.objects.filter(lines__gt=0).exists()
    assert rollup_differences() == []
    # Its contracts and reviews carry their owners as the services copy them.
    from contracts.models import ReviewStep
    from contracts.services.readers import stale_contracts, stale_steps

    assert ReviewStep.objects.exclude(opinion="").exists()
    assert not stale_contracts().exists() and not stale_steps().exists()


@pytest.mark.django_db(transaction=True)  # the workflow mails leave on commit
def test_seed_demo_sends_no_mail_and_prints_none(capsys, settings):
    """The demo's workflows would mail the demo users: ``seed_demo`` keeps those messages
    in memory (counted), whatever the configured backend, so the console shows no e-mail."""
    from django.core import mail
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    before = list(mail.outbox)
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Subject:" not in out
    assert "Demo data ready" in out
    assert "workflow e-mails of the demo data were not sent" in out
    assert mail.outbox == before  # the caller's outbox is left as it was


@pytest.mark.django_db
def test_the_system_checks_warn_of_nothing_on_this_database():
    """``make run`` starts with the system checks: a warning there (SQLite and covering
    indexes, say) would greet every new user. ``--fail-level WARNING`` makes any warning fail."""
    from django.core.management import call_command

    call_command("check", databases=["default"], fail_level="WARNING")
