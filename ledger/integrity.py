"""Tamper-evident history: every history row is sealed into one hash chain.

The sources are every django-simple-history model (``Historical*``) of every installed app,
found in the app registry, and the workflows' ``StatusChange`` rows. When such a row is
written, ``seal_rows`` — in the writer's transaction — locks the chain head, reads the row back
from the database, serialises its columns deterministically, and appends a ``HistorySeal``:

    digest = sha256(canonical JSON of the row's columns)
    hash   = sha256(prev_hash | sequence | label | row id | columns | digest)

``verify`` walks the seals in order (each one's hash from its fields and the previous hash)
and, table by table, the rows beside their seals (each row's digest). An edited, deleted or
inserted history row, or an edited, deleted or inserted seal, breaks the chain at a link it
names. See docs/decisions.md ("Tamper-evident history").
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Subquery
from django.db.models.signals import post_save
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalChanges
from simple_history.signals import post_create_historical_m2m_records, post_create_historical_record

from ledger.models.integrity import GENESIS, HistoryChain, HistoryFieldSet, HistorySeal

CHUNK = 2000


# --- Sources ----------------------------------------------------------------------------


def _status_change() -> type[models.Model]:
    """The workflow trail's model, looked up (``ledger.models.workflow`` seals through this
    module, so it cannot be imported here)."""
    return apps.get_model("ledger", "StatusChange")


def is_source(model: type[models.Model]) -> bool:
    """A model whose rows are sealed: a simple-history model, or the workflow trail."""
    return (issubclass(model, HistoricalChanges) and not model._meta.abstract) or (
        model is _status_change()
    )


@cache
def sources() -> dict[str, type[models.Model]]:
    """Every sealed model by its label (``app.historicalcustomer``), from the app registry."""
    return {m._meta.label_lower: m for m in apps.get_models() if is_source(m)}


@cache
def columns(model: type[models.Model]) -> tuple[str, ...]:
    """The model's columns, sorted: what a new seal covers."""
    return tuple(sorted(f.attname for f in model._meta.concrete_fields))


def _decimal_places(model: type[models.Model]) -> dict[str, int]:
    return {
        f.attname: f.decimal_places
        for f in model._meta.concrete_fields
        if isinstance(f, models.DecimalField) and f.decimal_places is not None
    }


# --- Canonical content ------------------------------------------------------------------


def canonical(value: Any, places: int | None = None) -> Any:
    """A value as a stable JSON value: the same on every run, process and database."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal):
        if places is not None and value.is_finite():
            value = value.quantize(decimal.Decimal(1).scaleb(-places))
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value.total_seconds())
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return str(value)


def digest(values: dict[str, Any], names: Sequence[str], places: dict[str, int]) -> str:
    """sha256 of the row's columns ``names`` as sorted, compact JSON."""
    content = {name: canonical(values[name], places.get(name)) for name in names}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(
    *, prev_hash: str, sequence: int, label: str, row_id: int, fields: str, digest: str
) -> str:
    text = f"{prev_hash}|{sequence}|{label}|{row_id}|{fields}|{digest}"
    return hashlib.sha256(text.encode()).hexdigest()


# --- Sealing ----------------------------------------------------------------------------


def _lock_head(using: str) -> HistoryChain:
    locked = HistoryChain.objects.using(using).select_for_update()
    head = locked.filter(pk=1).first()
    if head is None:  # a database flushed by a test, or created without the migration
        HistoryChain.objects.using(using).get_or_create(pk=1)
        head = locked.get(pk=1)
    return head


def _field_set(label: str, names: Sequence[str], using: str) -> HistoryFieldSet:
    field_set, _ = HistoryFieldSet.objects.using(using).get_or_create(
        label=label, fields=",".join(names)
    )
    return field_set


def seal_rows(
    model: type[models.Model],
    row_ids: Iterable[int],
    *,
    using: str | None = None,
    fresh: bool = False,
):
    """Append seals for these rows of ``model`` (in key order) to the chain.

    Runs in the caller's transaction (one is opened if there is none): the chain head stays
    locked until it commits, so the rows and their seals are committed together or not at all.
    Rows already sealed are skipped, unless the caller knows they are ``fresh`` (just written).
    """
    using = using or DEFAULT_DB_ALIAS
    row_ids = sorted(set(row_ids))
    if not row_ids:
        return 0
    label = model._meta.label_lower
    names = columns(model)
    places = _decimal_places(model)
    pk = model._meta.pk.attname
    fields = ",".join(names)
    with transaction.atomic(using=using, savepoint=False):
        head = _lock_head(using)
        if not fresh:
            sealed = HistorySeal.objects.using(using).filter(label=label, row_id__in=row_ids)
            done = set(sealed.values_list("row_id", flat=True))
            row_ids = [row_id for row_id in row_ids if row_id not in done]
        # The rows, and the id of their field set in the same query (None the first time).
        field_set_id = Subquery(
            HistoryFieldSet.objects.using(using).filter(label=label, fields=fields).values("pk")[:1]
        )
        rows = (
            model._base_manager.using(using)
            .filter(pk__in=row_ids)
            .order_by(pk)
            .annotate(integrity_field_set=field_set_id)
            .values(*names, "integrity_field_set")
        )
        seals = []
        sequence, prev = head.sequence, head.hash
        new_field_set = None
        for values in rows:
            if values["integrity_field_set"] is None:
                new_field_set = new_field_set or _field_set(label, names, using).pk
                values["integrity_field_set"] = new_field_set
            sequence += 1
            row_digest = digest(values, names, places)
            link = link_hash(
                prev_hash=prev,
                sequence=sequence,
                label=label,
                row_id=values[pk],
                fields=fields,
                digest=row_digest,
            )
            seals.append(
                HistorySeal(
                    sequence=sequence,
                    label=label,
                    row_id=values[pk],
                    field_set_id=values["integrity_field_set"],
                    digest=row_digest,
                    prev_hash=prev,
                    hash=link,
                )
            )
            prev = link
        if not seals:
            return 0
        if len(seals) == 1:
            seals[0].save(using=using, force_insert=True)
        else:
            HistorySeal.objects.using(using).bulk_create(seals, batch_size=CHUNK)
        HistoryChain.objects.using(using).filter(pk=1).update(sequence=sequence, hash=prev)
    return len(seals)


def _on_history_row(sender, history_instance, using=None, **kwargs):
    seal_rows(sender, [history_instance.pk], using=using or history_instance._state.db, fresh=True)


def _on_m2m_history_rows(sender, created_rows, **kwargs):
    if is_source(sender):
        ids = [row.pk for row in created_rows if row.pk is not None]
        if ids:
            seal_rows(sender, ids, using=created_rows[0]._state.db)


def _on_status_change(sender, instance, created, raw=False, using=None, **kwargs):
    if created and not raw:
        seal_rows(_status_change(), [instance.pk], using=using, fresh=True)


_bulk_history_create = HistoryManager.bulk_history_create


def _sealed_bulk_history_create(self, objs, *args, **kwargs):
    """simple-history's bulk path (``bulk_create_with_history``) writes rows without its
    per-row signal: seal them here, in the same transaction."""
    with transaction.atomic(savepoint=False):
        rows = _bulk_history_create(self, objs, *args, **kwargs)
        if rows:
            ids = [row.pk for row in rows if row.pk is not None]
            if len(ids) < len(rows):  # a database that does not return keys: the newest ones
                newest = self.model._base_manager.order_by("-pk").values_list("pk", flat=True)
                ids = list(newest[: len(rows)])
            seal_rows(self.model, ids)
    return rows


def connect() -> None:
    """Seal every history row from now on (``LedgerConfig.ready``)."""
    post_create_historical_record.connect(_on_history_row, dispatch_uid="ledger.integrity")
    post_create_historical_m2m_records.connect(
        _on_m2m_history_rows, dispatch_uid="ledger.integrity.m2m"
    )
    post_save.connect(
        _on_status_change, sender="ledger.StatusChange", dispatch_uid="ledger.integrity.sc"
    )
    HistoryManager.bulk_history_create = _sealed_bulk_history_create


def seal_existing(*, using: str | None = None, progress=None) -> int:
    """Seal the rows written before sealing existed (or outside the application): every
    unsealed row of every source, table by table, oldest first. Returns how many."""
    using = using or DEFAULT_DB_ALIAS
    total = 0
    for label, model in sorted(sources().items()):
        pk = model._meta.pk.attname
        # Rows and seals side by side in key order (a merge, not NOT IN over a million ids).
        rows = (
            (row_id,)
            for row_id in model._base_manager.using(using)
            .order_by(pk)
            .values_list(pk, flat=True)
            .iterator(CHUNK)
        )
        seals = (
            HistorySeal.objects.using(using)
            .filter(label=label)
            .order_by("row_id")
            .values_list("row_id")
            .iterator(CHUNK)
        )
        ids = [row[0] for row, seal in _merge(rows, seals) if row is not None and seal is None]
        for start in range(0, len(ids), CHUNK):
            total += seal_rows(model, ids[start : start + CHUNK], using=using)
        if ids and progress:
            progress(label, len(ids))
    return total


# --- Verification -----------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """One broken link: where, and what differs."""

    label: str
    table: str
    row_id: int | None
    sequence: int | None
    problem: str

    def __str__(self) -> str:
        where = f"table {self.table} ({self.label})"
        if self.row_id is not None:
            where += f", history id {self.row_id}"
        if self.sequence is not None:
            where += f", seal #{self.sequence}"
        return f"{where}: {self.problem}"

    @property
    def order(self) -> tuple:
        return (self.sequence is None, self.sequence or 0, self.label, self.row_id or 0)


@dataclass
class Report:
    seals: int = 0
    rows: int = 0
    head_sequence: int = 0
    head_hash: str = GENESIS
    breaks: list[Break] = None

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first(self) -> Break | None:
        return min(self.breaks, key=lambda b: b.order) if self.breaks else None


def _table(label: str) -> str:
    model = sources().get(label)
    return model._meta.db_table if model else "?"


def _check_links(using: str, report: Report, limit: int) -> None:
    """The seals in order: numbered 1, 2, 3 …, each hash from its fields and the previous."""
    field_sets = dict(HistoryFieldSet.objects.using(using).values_list("pk", "fields"))
    # The head first: seals committed while the check runs come after it, never before.
    head = HistoryChain.objects.using(using).filter(pk=1).first()
    head_sequence, head_hash = (head.sequence, head.hash) if head else (0, GENESIS)
    prev, expected = GENESIS, 1
    seals = (
        HistorySeal.objects.using(using)
        .order_by("sequence")
        .values_list("sequence", "label", "row_id", "field_set_id", "digest", "prev_hash", "hash")
    )
    for sequence, label, row_id, fs_id, row_digest, prev_hash, link in seals.iterator(CHUNK):
        report.seals += 1
        if len(report.breaks) >= limit:
            continue

        def add(problem, label=label, row_id=row_id, sequence=sequence):
            report.breaks.append(Break(label, _table(label), row_id, sequence, problem))

        if sequence != expected:
            add(f"seals #{expected}–#{sequence - 1} are missing (deleted from the chain)")
        if prev_hash != prev:
            add("the seal's previous hash is not the hash of the seal before it")
        fields = field_sets.get(fs_id)
        recomputed = link_hash(
            prev_hash=prev_hash,
            sequence=sequence,
            label=label,
            row_id=row_id,
            fields=fields or "",
            digest=row_digest,
        )
        if fields is None or recomputed != link:
            add("the seal was edited: its hash does not match its content")
        if sequence == head_sequence and link != head_hash:
            add("the chain head's hash is not this seal's: the head was edited")
        prev, expected = link, sequence + 1
    report.head_sequence, report.head_hash = expected - 1, prev
    if expected - 1 < head_sequence:
        report.breaks.append(
            Break(
                "ledger.historychain",
                HistoryChain._meta.db_table,
                None,
                head_sequence,
                f"the chain head (#{head_sequence}) is past the last seal (#{expected - 1}): "
                "seals at the end were removed",
            )
        )


def _merge(rows: Iterator, seals: Iterator) -> Iterator[tuple[Any, Any]]:
    """Pair rows and seals by row id (both sorted): (row, seal), (row, None), (None, seal)."""
    row, seal = next(rows, None), next(seals, None)
    while row is not None or seal is not None:
        if seal is None or (row is not None and row[0] < seal[0]):
            yield row, None
            row = next(rows, None)
        elif row is None or seal[0] < row[0]:
            yield None, seal
            seal = next(seals, None)
        else:
            yield row, seal
            row, seal = next(rows, None), next(seals, None)


def _check_rows(label: str, model, using: str, report: Report, limit: int) -> None:
    """One table's rows beside their seals: every row sealed, every seal's row there and
    unchanged."""
    field_sets = {
        pk: tuple(fields.split(","))
        for pk, fields in HistoryFieldSet.objects.using(using)
        .filter(label=label)
        .values_list("pk", "fields")
    }
    names = columns(model)
    places = _decimal_places(model)
    pk = model._meta.pk.attname
    table = model._meta.db_table
    at = names.index(pk)
    rows = (
        (values[at], values)
        for values in model._base_manager.using(using)
        .order_by(pk)
        .values_list(*names)
        .iterator(CHUNK)
    )
    seals = (
        HistorySeal.objects.using(using)
        .filter(label=label)
        .order_by("row_id")
        .values_list("row_id", "sequence", "field_set_id", "digest")
        .iterator(CHUNK)
    )
    for row, seal in _merge(rows, seals):
        if row is not None:
            report.rows += 1
        if len(report.breaks) >= limit:
            continue
        if seal is None:
            report.breaks.append(
                Break(
                    label,
                    table,
                    row[0],
                    None,
                    "the row has no seal (written outside the "
                    "application, or before sealing began: see verify_history --seal-existing)",
                )
            )
            continue
        row_id, sequence, fs_id, sealed_digest = seal
        if row is None:
            report.breaks.append(Break(label, table, row_id, sequence, "the row was deleted"))
            continue
        sealed_names = field_sets.get(fs_id)
        if sealed_names is None:
            report.breaks.append(
                Break(label, table, row_id, sequence, "the seal names unknown columns")
            )
            continue
        gone = [name for name in sealed_names if name not in names]
        if gone:
            report.breaks.append(
                Break(label, table, row_id, sequence, f"sealed columns are gone: {', '.join(gone)}")
            )
            continue
        values = dict(zip(names, row[1], strict=True))
        if digest(values, sealed_names, places) != sealed_digest:
            report.breaks.append(
                Break(
                    label,
                    table,
                    row_id,
                    sequence,
                    "the row's content differs from its seal (edited after it was written)",
                )
            )


def verify(*, using: str | None = None, limit: int = 100) -> Report:
    """Check the whole chain; the report lists up to ``limit`` breaks, ``first`` the earliest."""
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # One snapshot for every query: writers go on, the check sees none of their rows.
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _verify(using, limit)
    return _verify(using, limit)


def _verify(using: str, limit: int) -> Report:
    report = Report(breaks=[])
    _check_links(using, report, limit)
    known = sources()
    for label, model in sorted(known.items()):
        _check_rows(label, model, using, report, limit)
    stray = (
        HistorySeal.objects.using(using)
        .exclude(label__in=list(known))
        .values_list("label", "row_id", "sequence")
        .order_by("sequence")[:1]
    )
    for label, row_id, sequence in stray:
        report.breaks.append(Break(label, "?", row_id, sequence, "the table is no longer known"))
    return report
