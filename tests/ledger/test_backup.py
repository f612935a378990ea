"""Backups that are known to restore: backup, restore into a fresh database, compare row
counts and the history chain with the backup's manifest (SQLite here, PostgreSQL marked)."""

import contextlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from ledger import backup
from ledger.models import Customer, HistoryChain
from ledger.services.customers import customer_create, customer_update

# Committed data: a copy is taken outside the writer's transaction, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(org):
    customer = customer_create(
        actor=org.sales1,
        data={"name": "备份测试有限公司", "category": "regular", "phone": "0571-86660001"},
        contacts=[{"name": "李工", "kind": "primary", "phone": "13966660001"}],
    )
    customer_update(
        actor=org.sales1, customer=customer, data={"industry": "电子"}, expected_version=1
    )
    return customer


@pytest.fixture
def fresh(tmp_path):
    """``fresh(name)`` → where a restore may go, and the restore's options: a new SQLite file,
    or a new PostgreSQL database beside the tests' one (dropped afterwards)."""
    created = []

    def _fresh(name="restored"):
        if connection.vendor == "sqlite":
            return str(tmp_path / f"{name}.sqlite3"), {}
        source = connection.settings_dict
        database = f"{source['NAME']}_{name}"[:63]
        host = f"{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}"
        url = f"postgres://{source['USER']}@{host}/{database}"
        created.append(url)
        drop(url)
        return url, {"create": True}

    yield _fresh
    for url in created:
        drop(url)


def drop(url):
    config = backup.target_config(url)
    with contextlib.closing(backup._pg_admin(config)) as admin, admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def execute_on(config, *statements):
    with backup._database(config) as alias, connections[alias].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def run(command, *args, **options):
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err, **options)
    except CommandError as exc:
        return False, f"{exc}\n{err.getvalue()}"
    return True, out.getvalue()


def test_round_trip_restores_every_row_and_a_verified_chain(data, tmp_path, fresh):
    """SQLite (online backup API) or PostgreSQL (pg_dump, pg_restore), as the tests run."""
    ok, out = run("backup", output_dir=tmp_path / "b", name="ledger-test")
    assert ok, out
    dump = tmp_path / "b" / f"ledger-test{backup.SUFFIX[connection.vendor]}"
    manifest = backup.Manifest.read(backup.manifest_path(dump))
    assert manifest.engine == connection.vendor
    assert set(manifest.tables) == set(connection.introspection.table_names())
    assert manifest.tables["ledger_customer"] == 1
    assert manifest.tables["ledger_historicalcustomer"] == 2
    assert manifest.tables["ledger_historyseal"] == manifest.history_head["sequence"] > 0
    assert manifest.history_head["hash"] == HistoryChain.objects.get().hash

    target, options = fresh()
    ok, out = run("restore", str(dump), into=target, **options)
    assert ok, out
    assert "restore check passed" in out
    config = backup.target_config(target)
    with backup._database(config) as alias:
        names = list(Customer.objects.using(alias).values_list("name", flat=True))
    assert names == ["备份测试有限公司"]

    # A database that is not fresh is refused.
    with pytest.raises(backup.BackupError, match="fresh database"):
        backup.restore(dump, target, **options)

    # The check finds missing rows and a rewritten history.
    execute_on(
        config,
        "DELETE FROM ledger_contact",
        "UPDATE ledger_historicalcustomer SET name = '改过的'",
    )
    result = backup.check(manifest, config)
    assert not result.ok
    text = "\n".join(result.differences)
    assert "table ledger_contact: 0 rows, the backup had 1" in text
    assert "history chain broken at table ledger_historicalcustomer" in text
    ok, out = run("verify_restore", str(backup.manifest_path(dump)), database_url=target)
    assert not ok
    assert "restore check failed" in out


def test_damaged_dumps_are_refused_and_old_backups_pruned(data, tmp_path, fresh):
    suffix = backup.SUFFIX[connection.vendor]
    for stamp in ("20261101-020000", "20261102-020000", "20261103-020000"):
        backup.backup(tmp_path, name=f"ledger-{stamp}")
    ok, out = run("backup", output_dir=tmp_path, name="ledger-20261104-020000", keep=2)
    assert ok, out
    assert "removed old backup" in out
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        f"ledger-20261103-020000{suffix}",
        f"ledger-20261103-020000{suffix}.json",
        f"ledger-20261104-020000{suffix}",
        f"ledger-20261104-020000{suffix}.json",
    ]
    dump = tmp_path / f"ledger-20261104-020000{suffix}"
    with open(dump, "r+b") as f:
        f.seek(200)
        f.write(b"\x00damaged\x00")
    target, options = fresh("other")
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.restore(dump, target, **options)


@pytest.mark.postgres
def test_postgresql_round_trip_with_pg_dump_and_pg_restore(data, tmp_path, fresh):
    """The dump is taken on an exported snapshot while the application keeps writing."""
    dump, manifest = backup.backup(tmp_path, name="ledger-pg")
    assert manifest.engine == "postgresql"
    assert int(manifest.server_version) >= 100000
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    customer_update(actor=data.owner, customer=data, data={"industry": "化工"}, expected_version=2)
    target, options = fresh()
    ok, out = run("restore", str(dump), into=target, **options)
    assert ok, out
    # The restored database is the backup's, not today's: one update fewer.
    with backup._database(backup.target_config(target)) as alias:
        assert Customer.history.using(alias).filter(id=data.pk).count() == 2
    assert "restore check passed" in out
    ok, out = run("restore", str(dump), into=target)
    assert not ok
    assert "not empty" in out
