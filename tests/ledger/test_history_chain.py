"""Tamper-evident history: every history row is sealed into a hash chain that
``verify_history`` checks; an edited, deleted or forged row is found and named."""

import datetime
import decimal
import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from ledger import integrity
from ledger.models import (
    Contact,
    Customer,
    HistoryChain,
    HistorySeal,
    Product,
    ServiceRecord,
    StatusChange,
)
from ledger.services.customers import customer_create, customer_delete, customer_update
from tests.factories import ProductFactory, ServiceRecordFactory

pytestmark = pytest.mark.django_db

HCustomer = Customer.history.model


def make_customer(org, name="恒通机械有限公司", **extra):
    data = {"name": name, "category": "regular", "phone": "0571-88880001", **extra}
    return customer_create(
        actor=org.sales1,
        data=data,
        contacts=[{"name": "王经理", "kind": "primary", "phone": "139" + data["phone"][-8:]}],
    )


def edit(org, customer, **data):
    customer.refresh_from_db()
    return customer_update(
        actor=org.sales1, customer=customer, data=data, expected_version=customer.version
    )


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify_command():
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_history", stdout=out, stderr=err)
    except CommandError as exc:
        return False, str(exc), err.getvalue()
    return True, out.getvalue(), err.getvalue()


@pytest.fixture
def history(org):
    """A customer with a contact, edited twice: five history rows, all sealed."""
    customer = make_customer(org)
    edit(org, customer, industry="机械制造")
    edit(org, customer, address="杭州市滨江区")
    return customer


def test_every_history_row_is_sealed_in_one_numbered_chain(history):
    rows = HCustomer.objects.filter(id=history.pk).order_by("history_id")
    assert rows.count() == 3
    seals = list(HistorySeal.objects.order_by("sequence"))
    labels = {s.label for s in seals}
    assert {"ledger.historicalcustomer", "ledger.historicalcontact"} <= labels
    assert [s.sequence for s in seals] == list(range(1, len(seals) + 1))
    for before, after in itertools.pairwise(seals):
        assert after.prev_hash == before.hash
    sealed_ids = set(
        HistorySeal.objects.filter(label="ledger.historicalcustomer").values_list("row_id", flat=1)
    )
    assert sealed_ids == set(rows.values_list("history_id", flat=True))
    head = HistoryChain.objects.get()
    assert (head.sequence, head.hash) == (seals[-1].sequence, seals[-1].hash)
    report = integrity.verify()
    assert report.ok, report.breaks
    assert report.seals == report.rows == len(seals)


def test_the_check_passes_with_exit_status_zero(history):
    ok, out, _ = verify_command()
    assert ok
    assert "history chain intact" in out


def test_a_history_row_edited_with_sql_is_found_and_named(history):
    first = HCustomer.objects.filter(id=history.pk).earliest("history_id")
    sql(
        f"UPDATE {HCustomer._meta.db_table} SET name = %s WHERE history_id = %s",
        ["伪造的名称", first.history_id],
    )
    ok, message, err = verify_command()
    assert not ok
    assert f"table {HCustomer._meta.db_table}" in message
    assert f"history id {first.history_id}" in message
    assert "content differs from its seal" in message
    assert "broken:" in err
    report = integrity.verify()
    assert [(b.label, b.row_id) for b in report.breaks] == [
        ("ledger.historicalcustomer", first.history_id)
    ]


def test_an_edited_date_or_user_is_found_too(history, org):
    row = HCustomer.objects.filter(id=history.pk).latest("history_id")
    sql(
        f"UPDATE {HCustomer._meta.db_table} SET history_user_id = %s WHERE history_id = %s",
        [org.admin.pk, row.history_id],
    )
    assert integrity.verify().first.row_id == row.history_id
    sql(
        f"UPDATE {HCustomer._meta.db_table} SET history_user_id = %s, history_date = %s "
        "WHERE history_id = %s",
        [org.sales1.pk, row.history_date - datetime.timedelta(days=3), row.history_id],
    )
    assert integrity.verify().first.row_id == row.history_id


def test_a_deleted_history_row_is_found(history):
    middle = HCustomer.objects.filter(id=history.pk).order_by("history_id")[1]
    sql(f"DELETE FROM {HCustomer._meta.db_table} WHERE history_id = %s", [middle.history_id])
    ok, message, _ = verify_command()
    assert not ok
    assert f"history id {middle.history_id}" in message
    assert "the row was deleted" in message


def test_a_forged_history_row_is_found(history, org):
    forged = HCustomer.objects.filter(id=history.pk).latest("history_id")
    forged.history_id = None
    forged.name = "伪造记录"
    forged.history_change_reason = "补录"
    # Inserted without the application's signals, as raw SQL would.
    HCustomer.objects.bulk_create([forged])  # the manager's own bulk path is not used
    HistorySeal.objects.filter(label="ledger.historicalcustomer", row_id=forged.pk).delete()
    ok, message, _ = verify_command()
    assert not ok
    assert f"history id {forged.pk}" in message
    assert "the row has no seal" in message


def test_an_edited_seal_or_a_removed_seal_breaks_the_chain(history):
    seals = list(HistorySeal.objects.order_by("sequence"))
    target = seals[2]
    sql(
        "UPDATE ledger_historyseal SET digest = %s WHERE sequence = %s", ["0" * 64, target.sequence]
    )
    report = integrity.verify()
    assert not report.ok
    assert report.first.sequence == target.sequence
    assert "seal was edited" in report.first.problem
    sql(
        "UPDATE ledger_historyseal SET digest = %s WHERE sequence = %s",
        [target.digest, target.sequence],
    )
    assert integrity.verify().ok
    sql("DELETE FROM ledger_historyseal WHERE sequence = %s", [target.sequence])
    report = integrity.verify()
    assert report.first.sequence == target.sequence + 1
    assert "missing" in report.first.problem
    problems = " ".join(b.problem for b in report.breaks)
    assert "the row has no seal" in problems


def test_removing_the_newest_rows_and_seals_is_found_by_the_head(history):
    last = HistorySeal.objects.order_by("-sequence").first()
    model = integrity.sources()[last.label]
    sql(f"DELETE FROM {model._meta.db_table} WHERE {model._meta.pk.column} = %s", [last.row_id])
    sql("DELETE FROM ledger_historyseal WHERE sequence = %s", [last.sequence])
    report = integrity.verify()
    assert not report.ok
    assert "chain head" in report.first.problem


def test_an_edited_chain_head_is_found(history):
    HistoryChain.objects.update(hash="e" * 64)
    report = integrity.verify()
    assert not report.ok
    assert "head was edited" in report.first.problem


def test_the_expected_head_is_checked(history):
    head = HistoryChain.objects.get()
    call_command("verify_history", expect_head=head.hash, stdout=StringIO())
    with pytest.raises(CommandError, match="does not end where expected"):
        call_command("verify_history", expect_head="f" * 64, stdout=StringIO())


def test_rows_written_before_sealing_are_sealed_on_request(history):
    sql("DELETE FROM ledger_historyseal")
    HistoryChain.objects.update(sequence=0, hash="0" * 64)
    report = integrity.verify()
    assert not report.ok
    assert "the row has no seal" in report.first.problem
    out = StringIO()
    call_command("verify_history", seal_existing=True, stdout=out)
    assert "history chain intact" in out.getvalue()
    assert integrity.verify().ok
    # Sealing again finds nothing left to seal.
    assert integrity.seal_existing() == 0


def test_workflow_status_changes_are_sealed(org):
    change = StatusChange.objects.create(
        content_type_id=1,
        object_id=1,
        transition="submit",
        from_state="draft",
        to_state="submitted",
        actor=org.sales1,
    )
    assert HistorySeal.objects.filter(label="ledger.statuschange", row_id=change.pk).exists()
    assert integrity.verify().ok
    sql("UPDATE ledger_statuschange SET note = %s WHERE id = %s", ["事后补写", change.pk])
    first = integrity.verify().first
    assert (first.label, first.row_id) == ("ledger.statuschange", change.pk)


def test_status_changes_written_in_bulk_are_sealed(org):
    changes = StatusChange.objects.bulk_create(
        StatusChange(
            content_type_id=1,
            object_id=i,
            transition="submit",
            from_state="draft",
            to_state="submitted",
            actor=org.sales1,
        )
        for i in range(3)
    )
    sealed = HistorySeal.objects.filter(label="ledger.statuschange")
    assert sorted(sealed.values_list("row_id", flat=True)) == sorted(c.pk for c in changes)
    # Sealing them again (as a caller that seals its own bulk writes does) adds nothing.
    assert integrity.seal_rows(StatusChange, [c.pk for c in changes]) == 0
    assert sealed.count() == 3
    assert integrity.verify().ok


def test_every_history_model_of_every_app_is_a_source():
    from django.apps import apps
    from simple_history.models import HistoricalChanges

    expected = {m._meta.label_lower for m in apps.get_models() if issubclass(m, HistoricalChanges)}
    assert expected <= set(integrity.sources())
    assert "ledger.historicalcustomer" in integrity.sources()
    assert "ledger.statuschange" in integrity.sources()
    assert "ledger.customer" not in integrity.sources()


def test_bulk_history_rows_are_sealed(org):
    products = [
        Product(
            code=f"BULK-{i}",
            name=f"批量产品{i}",
            wholesale_price=decimal.Decimal("1.50"),
            retail_price=decimal.Decimal("2"),
        )
        for i in range(3)
    ]
    bulk_create_with_history(products, Product, default_user=org.admin)
    rows = Product.history.filter(code__startswith="BULK-")
    assert rows.count() == 3
    assert HistorySeal.objects.filter(label="ledger.historicalproduct").count() == 3
    assert integrity.verify().ok


def test_money_and_times_are_canonical():
    d = decimal.Decimal
    assert integrity.canonical(d("12.5"), 2) == integrity.canonical(d("12.50"), 2) == "12.50"
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    at = datetime.datetime(2026, 11, 29, 8, 0, tzinfo=shanghai)
    assert integrity.canonical(at) == "2026-11-29T00:00:00.000000+00:00"
    assert integrity.canonical(at.astimezone(datetime.UTC)) == integrity.canonical(at)
    assert integrity.canonical(datetime.date(2026, 1, 2)) == "2026-01-02"
    names = ["a", "b"]
    assert integrity.digest({"a": 1, "b": d("1.5")}, names, {"b": 2}) == integrity.digest(
        {"b": d("1.50"), "a": 1}, names, {"b": 2}
    )


def test_a_column_added_later_does_not_break_older_seals(history):
    """Older rows' seals cover the columns they had: a new column is not part of them."""
    seal = HistorySeal.objects.filter(label="ledger.historicalcustomer").first()
    fewer = [n for n in integrity.columns(HCustomer) if n != "address"]
    field_set = integrity._field_set("ledger.historicalcustomer", fewer, "default")
    row = HCustomer.objects.filter(pk=seal.row_id).values(*fewer).get()
    places = integrity._decimal_places(HCustomer)
    # Rewrite the chain from this seal on as if it had been sealed without the column.
    seals = list(HistorySeal.objects.filter(sequence__gte=seal.sequence).order_by("sequence"))
    prev = seal.prev_hash
    for s in seals:
        if s.pk == seal.pk:
            s.field_set, s.digest = field_set, integrity.digest(row, fewer, places)
        s.prev_hash = prev
        s.hash = prev = integrity.link_hash(
            prev_hash=prev,
            sequence=s.sequence,
            label=s.label,
            row_id=s.row_id,
            fields=s.field_set.fields,
            digest=s.digest,
        )
        s.save()
    HistoryChain.objects.update(hash=prev)
    assert integrity.verify().ok
    sql(
        f"UPDATE {HCustomer._meta.db_table} SET address = %s WHERE history_id = %s",
        ["新加的列", seal.row_id],
    )
    assert integrity.verify().ok  # not covered by that seal
    sql(
        f"UPDATE {HCustomer._meta.db_table} SET name = %s WHERE history_id = %s",
        ["改名", seal.row_id],
    )
    assert integrity.verify().first.row_id == seal.row_id


def test_a_deleted_customer_keeps_a_readable_verified_history(org, login):
    customer = make_customer(org, name="将被删除有限公司")
    edit(org, customer, industry="纺织")
    ServiceRecordFactory(customer=customer, handler=org.sales1)
    contact = Contact.objects.get(customer=customer)
    pk = customer.pk
    response = login(org.admin).post(reverse("customer-delete", args=[pk]))
    assert response.status_code == 302
    assert not Customer.objects.filter(pk=pk).exists()
    rows = HCustomer.objects.filter(id=pk).order_by("history_id")
    assert [r.history_type for r in rows] == ["+", "~", "-"]
    assert rows.last().history_user_id == org.admin.pk
    assert rows.last().name == "将被删除有限公司"
    assert Contact.history.filter(id=contact.pk, history_type="-").exists()
    assert ServiceRecord.history.filter(customer_id=pk, history_type="-").exists()
    assert integrity.verify().ok
    # The administration still shows the deleted customer's history.
    page = login(org.admin).get(f"/admin/ledger/customer/{pk}/history/")
    assert page.status_code == 200
    assert "将被删除有限公司" in page.content.decode()


def test_deleting_through_the_service_keeps_the_chain(org):
    customer = make_customer(org, name="服务删除有限公司")
    pk = customer.pk
    customer_delete(actor=org.admin, customer=customer)
    assert HCustomer.objects.filter(id=pk, history_type="-").exists()
    assert integrity.verify().ok


def test_a_failed_write_leaves_neither_row_nor_seal(org):
    before = HistorySeal.objects.count()
    product = ProductFactory()
    sealed = HistorySeal.objects.count()
    assert sealed == before + 1
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        product.name = "回滚的修改"
        product.save()
        raise RuntimeError
    assert HistorySeal.objects.count() == sealed
    assert integrity.verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_extend_one_unbroken_chain(org):
    """Writers on separate connections wait for the chain head in turn: no fork, no gap."""
    from tests.ledger.test_postgres import run_together

    customers = [
        make_customer(org, name=f"并发客户{i}有限公司", phone=f"0571-8000{i:04d}") for i in range(4)
    ]

    def writer(pk, n):
        def _write():
            for round_ in range(n):
                edit(org, Customer.objects.get(pk=pk), address=f"第{round_}次修改")
            return "ok"

        return _write

    results = run_together(*(writer(c.pk, 5) for c in customers))
    assert results == ["ok"] * 4
    seals = list(HistorySeal.objects.order_by("sequence").values_list("sequence", flat=True))
    assert seals == list(range(1, len(seals) + 1))
    assert HCustomer.objects.count() == 4 * 6
    report = integrity.verify()
    assert report.ok, report.breaks
    assert report.rows == len(seals)
