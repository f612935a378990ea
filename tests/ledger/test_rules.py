"""One way to do each thing: one rule per "may this user …" question, one path for writes
to a customer's timeline, no import cycles, a timeline without a query per event, history
texts in one language."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.engine import site
from ledger.models import CustomerEvent
from ledger.selectors import can_delete_products, can_hand_over, events_of
from ledger.services.customers import (
    customer_event_record,
    customer_event_record_from_source,
    customers_hand_over,
)
from ledger.services.products import product_delete
from tests.conftest import ROLES
from tests.factories import CustomerFactory, EventFactory, ProductFactory, ServiceRecordFactory

LEDGER = Path(__file__).resolve().parents[2] / "ledger"


def text(response) -> str:
    return response.content.decode()


# --- "may this user …" rules, each in one selector ------------------------------------------


def test_only_active_admins_may_delete_products_everywhere(org, login):
    product = ProductFactory()
    allowed = [role for role in ROLES if can_delete_products(getattr(org, role))]
    assert allowed == ["admin"]
    # The service, the delete page and the edit page's button follow the same selector.
    with pytest.raises(PermissionDenied):
        product_delete(actor=org.manager1, product=product)
    manager = login(org.manager1)
    assert manager.get(f"/products/{product.pk}/delete/").status_code == 403
    assert f"/products/{product.pk}/delete/" not in text(
        manager.get(f"/products/{product.pk}/edit/")
    )
    admin = login(org.admin)
    assert f"/products/{product.pk}/delete/" in text(admin.get(f"/products/{product.pk}/edit/"))
    org.admin.is_active = False
    assert not can_delete_products(org.admin)
    with pytest.raises(PermissionDenied):
        product_delete(actor=org.admin, product=product)


def test_the_handover_rule_is_one_selector_with_the_active_check(org):
    allowed = [role for role in ROLES if can_hand_over(getattr(org, role))]
    assert allowed == ["admin", "manager1", "manager2"]
    register = site.get("customers")
    action_urls = [url for _label, url in register.actions(org.manager1)]
    assert "/customers/handover/" in action_urls
    org.manager1.is_active = False  # a manager who has left
    assert not can_hand_over(org.manager1)
    assert "/customers/handover/" not in [url for _l, url in register.actions(org.manager1)]


# --- import cycles ---------------------------------------------------------------------------


def _ledger_imports() -> dict[str, set[str]]:
    modules = {}
    for path in LEDGER.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = ("ledger", *path.relative_to(LEDGER).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {}
    for name, path in modules.items():
        deps = set()
        # Every import counts, also those inside functions (a deferred import is a cycle
        # hidden, not untied); only those for type annotations, which never run, do not.
        tree = ast.parse(path.read_text())
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module:
                deps.add(node.module)
                deps.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def test_ledger_modules_import_each_other_without_cycles():
    graph = _ledger_imports()
    assert "ledger.selectors" not in graph["ledger.history"]
    assert "ledger.registers" not in graph["ledger.filters"]
    cycles = []
    state: dict[str, str] = {}

    def visit(name, path):
        state[name] = "open"
        for dep in sorted(graph[name]):
            if state.get(dep) == "open":
                cycles.append([*path[path.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


# --- the timeline ----------------------------------------------------------------------------


def _timeline_with_sources(customer, count):
    for day in range(count):
        EventFactory(
            customer=customer,
            occurred_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
            source=ServiceRecordFactory(customer=customer),
        )


def _page_queries(client, customer) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    return len(queries)


def test_the_timeline_loads_its_linked_records_without_a_query_per_event(org, login):
    few, many = CustomerFactory(owner=org.sales1), CustomerFactory(owner=org.sales1)
    _timeline_with_sources(few, 5)
    _timeline_with_sources(many, 50)
    assert all(e.source is not None for e in events_of(many))
    client = login(org.sales1)
    _page_queries(client, few)  # warm the content-type cache
    assert _page_queries(client, few) == _page_queries(client, many)
    events = list(events_of(many))
    with CaptureQueriesContext(connection) as queries:
        sources = [e.source for e in events]
    assert len(queries) == 0 and len(sources) == 50


# --- writes to a customer's timeline ---------------------------------------------------------


def test_the_user_path_always_checks_permission(org):
    other = CustomerFactory(owner=org.sales3)
    record = ServiceRecordFactory(customer=other)
    with pytest.raises(PermissionDenied):
        customer_event_record(
            actor=org.sales1,
            customer=other,
            kind="meeting",
            occurred_on=datetime.date(2026, 11, 1),
            title="越权",
        )
    # Naming a linked record no longer opens the door: the user path takes no source.
    with pytest.raises(TypeError):
        customer_event_record(
            actor=org.sales1,
            customer=other,
            kind="meeting",
            occurred_on=datetime.date(2026, 11, 1),
            title="越权",
            source=record,
        )
    assert not CustomerEvent.objects.exists()


def test_a_family_service_writes_on_another_customers_timeline_explicitly(org):
    other = CustomerFactory(owner=org.sales3)
    record = ServiceRecordFactory(customer=other)
    event = customer_event_record_from_source(
        source=record,
        customer=other,
        kind="contract",
        occurred_on=datetime.date(2026, 11, 2),
        title="合同已签订",
        actor=org.sales1,
    )
    assert event.source == record and event.created_by == org.sales1
    other.refresh_from_db()
    assert other.last_contact_on == datetime.date(2026, 11, 2)
    with pytest.raises(ValueError):
        customer_event_record_from_source(
            source=None,
            customer=other,
            kind="contract",
            occurred_on=datetime.date(2026, 11, 2),
            title="无来源",
        )
    assert CustomerEvent.objects.count() == 1


# --- history texts in one language -----------------------------------------------------------


def test_history_texts_do_not_follow_the_clickers_language(org, login):
    customer = CustomerFactory(owner=org.sales1)
    client = login(org.manager1)
    client.cookies["django_language"] = "en"
    choice = {"from_user": org.sales1.pk, "to_user": org.sales2.pk}
    confirm = {**choice, "step": "confirm", "customers": [customer.pk]}
    done = client.post("/customers/handover/", confirm, follow=True)
    assert "customers handed over from" in text(done)  # the clicker reads English
    expected = f"客户移交：由{org.sales1}移交给{org.sales2}"
    assert customer.history.order_by("-history_id").first().history_change_reason == expected
    assert list(customer.events.values_list("title", flat=True)) == [expected]


def test_the_handover_service_stores_chinese_under_an_english_ui(org):
    from django.utils import translation

    customer = CustomerFactory(owner=org.sales1)
    with translation.override("en"):
        customers_hand_over(actor=org.admin, from_user=org.sales1, to_user=org.sales3)
    reason = customer.history.order_by("-history_id").first().history_change_reason
    assert reason.startswith("客户移交") and "handed" not in reason
