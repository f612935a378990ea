"""Backups that are known to restore.

``backup`` writes one consistent copy of the database and a manifest beside it (row counts
per table and the history chain's head, taken from the same snapshot as the copy):

* PostgreSQL: ``pg_dump --format=custom`` on a snapshot exported by a REPEATABLE READ
  transaction, which also counts the rows — writers go on while the dump runs;
* SQLite: the online backup API (``sqlite3.Connection.backup``), counted in the copy.

``restore`` puts a dump into a fresh database (refusing one that has tables) and ``check``
compares the restored database with the manifest: the same tables with the same row counts,
and a history chain that verifies and ends at the manifest's head.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend
from django.utils import timezone

from ledger import integrity

SUFFIX = {"postgresql": ".dump", "sqlite": ".sqlite3"}
RESTORE_ALIAS = "ledger_restore_check"


class BackupError(Exception):
    pass


@dataclass
class Manifest:
    engine: str
    file: str
    created_at: str
    sha256: str
    size: int
    tables: dict[str, int]
    history_head: dict
    server_version: str = ""

    @classmethod
    def read(cls, path: Path) -> Manifest:
        return cls(**json.loads(Path(path).read_text()))

    def write(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.__dict__, indent=1, sort_keys=True) + "\n")


def manifest_path(dump: Path) -> Path:
    return Path(dump).with_suffix(Path(dump).suffix + ".json")


def _vendor(config: dict) -> str:
    engine = config["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"unsupported database engine {engine}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts(cursor, table_names) -> dict[str, int]:
    counts = {}
    for name in sorted(table_names):
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
        counts[name] = cursor.fetchone()[0]
    return counts


def _head(cursor) -> dict:
    cursor.execute("SELECT sequence, hash FROM ledger_historychain WHERE id = 1")
    row = cursor.fetchone()
    return {"sequence": row[0], "hash": row[1]} if row else {"sequence": 0, "hash": ""}


def _pg_env(config: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if config.get(key):
            env[var] = str(config[key])
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = config["PASSWORD"]
    env["PGDATABASE"] = config["NAME"]
    return env


def _check_pg_client(tool: str, server_version_num: int) -> None:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} not found: install postgresql-client")
    client = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    match = re.search(r"\)\s*(\d+)", client.stdout)
    client_major = int(match.group(1)) if match else 0
    if client_major < server_version_num // 10000:
        raise BackupError(
            f"{client.stdout.strip()} cannot dump server version {server_version_num}: "
            "install the postgresql-client of the server's major version or newer"
        )


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d-%H%M%S")


def backup(output_dir: Path, *, using: str = DEFAULT_DB_ALIAS, name: str | None = None):
    """Write a consistent copy of the database and its manifest into ``output_dir``."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    vendor = _vendor(connection.settings_dict)
    dump = output_dir / f"{name or 'ledger-' + _stamp()}{SUFFIX[vendor]}"
    if dump.exists():
        raise BackupError(f"{dump} exists")
    partial = dump.with_name(dump.name + ".partial")
    try:
        if vendor == "postgresql":
            tables, head, version = _backup_postgresql(connection, partial)
        else:
            tables, head, version = _backup_sqlite(connection, partial)
        partial.rename(dump)
    finally:
        partial.unlink(missing_ok=True)
    manifest = Manifest(
        engine=vendor,
        file=dump.name,
        created_at=timezone.now().isoformat(),
        sha256=_sha256(dump),
        size=dump.stat().st_size,
        tables=tables,
        history_head=head,
        server_version=version,
    )
    manifest.write(manifest_path(dump))
    return dump, manifest


def _backup_postgresql(connection, path: Path):
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SHOW server_version_num")
        version_num = int(cursor.fetchone()[0])
        _check_pg_client("pg_dump", version_num)
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        result = subprocess.run(
            [
                shutil.which("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--no-privileges",
                f"--file={path}",
            ],
            env=_pg_env(connection.settings_dict),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        # Counted in the snapshot the dump was taken from.
        names = connection.introspection.table_names(cursor)
        tables = table_counts(cursor, names)
        head = _head(cursor)
    return tables, head, str(version_num)


def _backup_sqlite(connection, path: Path):
    # Through the application's own connection: the same database however it is named
    # (a file, or the tests' shared in-memory database).
    if connection.in_atomic_block:
        # The copy would wait for the open transaction forever.
        raise BackupError("back up outside a transaction")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        with target:
            connection.connection.backup(target)
        cursor = target.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = table_counts(cursor, [row[0] for row in cursor.fetchall()])
        head = _head(cursor)
    finally:
        target.close()
    return tables, head, sqlite3.sqlite_version


def prune(output_dir: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` backups (and their manifests) in ``output_dir``."""
    dumps = sorted(
        (p for p in Path(output_dir).glob("ledger-*") if p.suffix in SUFFIX.values()),
        key=lambda p: p.name,
    )
    removed = dumps[:-keep] if keep > 0 else []
    for dump in removed:
        dump.unlink(missing_ok=True)
        manifest_path(dump).unlink(missing_ok=True)
    return removed


# --- Restore ----------------------------------------------------------------------------


def target_config(target: str) -> dict:
    """A database URL (``postgres://…/name``, ``sqlite:////path``) or an SQLite file path."""
    if "://" not in target:
        target = "sqlite:///" + str(Path(target).resolve())
    return dj_database_url.parse(target)


def _pg_admin(config: dict):
    import psycopg2

    params = {k.lower(): config[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if config.get(k)}
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    return conn


def restore(dump: Path, target: str, *, create: bool = False) -> dict:
    """Restore ``dump`` into the fresh database ``target``; returns its connection settings."""
    dump = Path(dump)
    if not dump.exists():
        raise BackupError(f"{dump} not found")
    manifest = Manifest.read(manifest_path(dump))
    if _sha256(dump) != manifest.sha256:
        raise BackupError(f"{dump} does not match its manifest's checksum (damaged copy?)")
    config = target_config(target)
    vendor = _vendor(config)
    if vendor != manifest.engine:
        raise BackupError(f"a {manifest.engine} dump cannot be restored into {vendor}")
    if vendor == "postgresql":
        _restore_postgresql(dump, config, create=create)
    else:
        _restore_sqlite(dump, Path(config["NAME"]))
    return config


def _restore_postgresql(dump: Path, config: dict, *, create: bool) -> None:
    name = config["NAME"]
    if not re.fullmatch(r"[A-Za-z0-9_]+", name or ""):
        raise BackupError(f"bad database name {name!r}")
    admin = _pg_admin(config)
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
            if not exists:
                if not create:
                    raise BackupError(f"database {name} does not exist (use --create)")
                cursor.execute(f'CREATE DATABASE "{name}"')
            cursor.execute("SHOW server_version_num")
            _check_pg_client("pg_restore", int(cursor.fetchone()[0]))
    finally:
        admin.close()
    import psycopg2

    params = {k.lower(): config[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if config.get(k)}
    with contextlib.closing(psycopg2.connect(dbname=name, **params)) as conn, conn.cursor() as c:
        c.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        )
        if c.fetchone()[0]:
            raise BackupError(f"database {name} is not empty: restore into a fresh database")
    result = subprocess.run(
        [
            shutil.which("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={name}",
            str(dump),
        ],
        env=_pg_env(config),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _restore_sqlite(dump: Path, path: Path) -> None:
    if path.exists() and path.stat().st_size:
        raise BackupError(f"{path} exists: restore into a fresh database")
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(path)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


# --- Checking a restored database --------------------------------------------------------


@dataclass
class RestoreCheck:
    differences: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    history: integrity.Report | None = None

    @property
    def ok(self) -> bool:
        return not self.differences


@contextlib.contextmanager
def _database(config: dict):
    """``config`` as a temporary Django connection alias (the connection object only: the
    alias is not added to the project's settings)."""
    config = connections.configure_settings({"default": {}, RESTORE_ALIAS: config})[RESTORE_ALIAS]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, RESTORE_ALIAS)
    connections[RESTORE_ALIAS] = wrapper
    try:
        yield RESTORE_ALIAS
    finally:
        wrapper.close()
        del connections[RESTORE_ALIAS]


def check(manifest: Manifest, config: dict | None = None) -> RestoreCheck:
    """Compare a database (``config``, or the default one) with a backup's manifest."""
    result = RestoreCheck()
    with _database(config) if config else contextlib.nullcontext(DEFAULT_DB_ALIAS) as alias:
        connection = connections[alias]
        with connection.cursor() as cursor:
            names = connection.introspection.table_names(cursor)
            counts = table_counts(cursor, names)
            head = _head(cursor)
        result.tables, result.rows = len(counts), sum(counts.values())
        for name in sorted(set(manifest.tables) | set(counts)):
            if name not in counts:
                result.differences.append(f"table {name} is missing")
            elif name not in manifest.tables:
                result.differences.append(f"table {name} is not in the backup")
            elif counts[name] != manifest.tables[name]:
                result.differences.append(
                    f"table {name}: {counts[name]} rows, the backup had {manifest.tables[name]}"
                )
        if head != manifest.history_head:
            result.differences.append(
                f"history chain head #{head['sequence']} {head['hash']}, the backup had "
                f"#{manifest.history_head['sequence']} {manifest.history_head['hash']}"
            )
        report = integrity.verify(using=alias)
        result.history = report
        if not report.ok:
            result.differences.append(f"history chain broken at {report.first}")
    return result


def default_output_dir() -> Path:
    return Path(os.environ.get("LEDGER_BACKUP_DIR") or settings.VAR_DIR / "backups")
