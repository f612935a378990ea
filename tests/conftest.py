"""Shared test state: the demo organisation's shape, one fixture per role."""

import os
from types import SimpleNamespace

import pytest
from django.db import connection

from accounts.models import Role
from tests.factories import DepartmentFactory, UserFactory

REQUIRE_POSTGRES = os.environ.get("LEDGER_REQUIRE_POSTGRES") == "1"


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests and run them last (they keep a browser open)."""
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(autouse=True)
def _postgres_only(request, django_db_blocker):
    """Run ``@pytest.mark.postgres`` tests on PostgreSQL; elsewhere skip them, unless
    LEDGER_REQUIRE_POSTGRES=1 (CI), where running on anything else is an error."""
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        if REQUIRE_POSTGRES:
            pytest.fail("LEDGER_REQUIRE_POSTGRES=1 but the tests are not on PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def org(db):
    """The departments and one user of every role, as in the demo data."""
    hq = DepartmentFactory(name="市场总部")
    dept1 = DepartmentFactory(name="销售一部", parent=hq)
    dept2 = DepartmentFactory(name="销售二部", parent=hq)
    production = DepartmentFactory(name="生产部", is_sales=False)
    quality = DepartmentFactory(name="品质部", is_sales=False)
    purchasing = DepartmentFactory(name="采购部", is_sales=False)
    office = DepartmentFactory(name="总经理办公室", is_sales=False)
    it = DepartmentFactory(name="信息部", is_sales=False)
    users = {
        "admin": UserFactory(username="admin", role=Role.ADMIN, department=it),
        "gm": UserFactory(username="gm", role=Role.GM, department=office),
        "manager1": UserFactory(username="manager1", role=Role.MANAGER, department=dept1),
        "sales1": UserFactory(username="sales1", role=Role.SALES, department=dept1),
        "sales2": UserFactory(username="sales2", role=Role.SALES, department=dept1),
        "sales3": UserFactory(username="sales3", role=Role.SALES, department=dept2),
        "manager2": UserFactory(username="manager2", role=Role.MANAGER, department=dept2),
        "assistant1": UserFactory(username="assistant1", role=Role.ASSISTANT, department=hq),
        "production1": UserFactory(
            username="production1", role=Role.PRODUCTION, department=production
        ),
        "quality1": UserFactory(username="quality1", role=Role.QUALITY, department=quality),
        "purchasing1": UserFactory(
            username="purchasing1", role=Role.PURCHASING, department=purchasing
        ),
    }
    return SimpleNamespace(hq=hq, dept1=dept1, dept2=dept2, users=users, **users)


ROLES = [
    "admin",
    "gm",
    "manager1",
    "sales1",
    "sales2",
    "sales3",
    "manager2",
    "assistant1",
    "production1",
    "quality1",
    "purchasing1",
]


@pytest.fixture
def admin_user(org):
    return org.admin


@pytest.fixture
def gm(org):
    return org.gm


@pytest.fixture
def manager1(org):
    return org.manager1


@pytest.fixture
def manager2(org):
    return org.manager2


@pytest.fixture
def sales1(org):
    return org.sales1


@pytest.fixture
def sales2(org):
    return org.sales2


@pytest.fixture
def sales3(org):
    return org.sales3


@pytest.fixture
def assistant1(org):
    return org.assistant1


@pytest.fixture
def production1(org):
    return org.production1


@pytest.fixture
def quality1(org):
    return org.quality1


@pytest.fixture
def purchasing1(org):
    return org.purchasing1


@pytest.fixture
def login(client):
    """``login(user)`` → the test client, logged in as ``user``."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
