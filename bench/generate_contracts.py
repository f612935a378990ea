"""Fill the benchmark database with contracts, their reviews and records (表5-14 … 5-25).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/generate_contracts.py --reset

Run ``bench/generate.py`` first (customers, users, products). With the default
``--contracts 50000`` it writes, with ``COPY``:

* 50,000 contracts of the customers' owners, in every state (草稿 1 %, 评审中 1 %, 退回 0.5 %,
  评审通过 1 %, 已盖章 2 %, 执行中 40 %, 已完成 25 %, 已归档 27 %, 已取消 2.5 %), those still
  in review entered in the last 20 days, the others over the last three years, one to
  three product lines each (~90,000 lines);
* one review round per submitted contract and a second one for one in ten (the first
  returned): 50,000 rounds, six boxes each — 300,000 review steps, signed where the round
  got that far (an open round has its first boxes signed, the others waiting);
* the status trail rows of completing and archiving (5-19's 完成日期), an archive record
  with its 档案编号 per archived contract (5-25), an inspection for one contract in five
  in force (5-22), 5,000 uses of contract texts (5-23) and 2,000 letters of
  authorisation (5-24); the gapless counters end where the numbers end.

Secondary indexes are dropped before the load and rebuilt after it; ``VACUUM ANALYZE``
at the end. Deterministic (fixed seed).
"""

from __future__ import annotations

import argparse
import datetime
import io
import itertools
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledger.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuv")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.generate import Timer, secondary_indexes  # noqa: E402
from bench.generate_sales import link_orders_to_contracts  # noqa: E402

SEED = 20261129
CHUNK_ROWS = 50_000
# About 45 contracts a working day over three years: a few hundred open at any time.
STATES = [
    ("draft", 1),
    ("in_review", 1),
    ("returned", 0.5),
    ("approved", 1),
    ("sealed", 2),
    ("in_force", 40),
    ("completed", 25),
    ("archived", 27),
    ("cancelled", 2.5),
]
BOXES = ["manager", "assistant", "production", "quality", "purchasing", "gm"]
BOX_USERS = {
    "assistant": "assistant1",
    "production": "production1",
    "quality": "quality1",
    "purchasing": "purchasing1",
    "gm": "gm",
}
NAMES = ["供货合同", "年度采购合同", "设备订货合同", "框架协议", "技术服务合同", "备件供应合同"]
KINDS = [("sales", 70), ("order", 20), ("framework", 7), ("other", 3)]
TEXTS = ["公司格式销售合同", "订货合同（标准版）", "客户版本采购合同", "框架协议", "补充协议"]
PEOPLE = ["张伟", "刘洋", "陈静", "李明", "赵磊", "王芳", "杨帆"]
# The family's numbered series in the ledger's counters (合同, 变更申请/通知, 档案编号, 授权委托书).
SERIES = ("HT", "BG", "TZ", "GD", "WT")


def _text(value) -> str:
    """One value as COPY text: NULL, booleans, dates, JSON, escaped strings."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return (
        str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")
    )


class Table:
    """COPY rows of one model: dicts of field name → value, every other column its
    default (the model's own), so the script follows the models as they change."""

    def __init__(self, model, *, with_pk: bool = True):
        self.model = model
        # Rows without an id leave it to the table's sequence.
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for f in self.fields:
            if f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = NOW
            elif f.null:
                self.defaults[f.attname] = None
            else:
                self.defaults[f.attname] = ""

    def line(self, row: dict) -> str:
        values = []
        for f in self.fields:
            if f.attname in row:
                values.append(_text(row[f.attname]))
            elif f.name in row:
                values.append(_text(row[f.name]))
            else:
                values.append(_text(self.defaults[f.attname]))
        return "\t".join(values) + "\n"

    def copy(self, raw, rows) -> int:
        sql = f'COPY "{self.model._meta.db_table}" ({", ".join(self.columns)}) FROM STDIN'
        total = 0
        lines = (self.line(r) for r in rows)
        while True:
            chunk = list(itertools.islice(lines, CHUNK_ROWS))
            if not chunk:
                return total
            raw.copy_expert(sql, io.StringIO("".join(chunk)))
            total += len(chunk)


NOW = None  # set in main (timezone-aware now)


def weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


class Plan:
    """Every row, decided in memory first so ids are known (ids start at 1 after --reset)."""

    def __init__(self, n: int, seed: int, users: dict, owners: list, customers: list, products):
        self.rng = random.Random(seed)
        self.n = n
        self.users = users
        self.owners = owners
        self.customers = customers  # [(id, owner_id)]
        self.products = products  # [(id, code, name, spec, unit, price)]
        self.today = NOW.date()

    def build(self):
        rng = self.rng
        self.contracts, self.lines, self.rounds, self.steps = [], [], [], []
        self.changes, self.archives, self.inspections = [], [], []
        counters: dict[int, int] = {}
        archive_counters: dict[int, int] = {}
        line_id = round_id = step_id = 0
        by_owner: dict[int, list[int]] = {}
        for cid, owner_id in self.customers:
            by_owner.setdefault(owner_id, []).append(cid)
        customer_owner = dict(self.customers)
        for pk in range(1, self.n + 1):
            owner_id = rng.choice(self.owners)
            customer_id = rng.choice(by_owner.get(owner_id) or [c for c, _ in self.customers])
            state = weighted(rng, STATES)
            # Contracts still in review (or just approved) were entered in the last weeks.
            recent = state in ("draft", "in_review", "returned", "approved")
            created = self.today - datetime.timedelta(
                days=rng.randint(0, 20) if recent else rng.randint(21, 3 * 365)
            )
            year = created.year
            counters[year] = counters.get(year, 0) + 1
            signed = state not in ("draft", "cancelled", "in_review", "returned")
            signed_on = created + datetime.timedelta(days=rng.randint(1, 20)) if signed else None
            if signed_on and signed_on > self.today:
                signed_on = self.today
            start = signed_on or created
            end = start + datetime.timedelta(days=rng.choice([180, 365, 730]))
            n_lines = rng.choice([1, 1, 2, 2, 3])
            total = Decimal(0)
            for position in range(1, n_lines + 1):
                line_id += 1
                product = rng.choice(self.products)
                quantity = Decimal(rng.randint(1, 200))
                price = product[5] or Decimal("100.00")
                amount = quantity * price
                total += amount
                self.lines.append(
                    {
                        "id": line_id,
                        "contract_id": pk,
                        "position": position,
                        "product_id": product[0],
                        "product_name": product[2],
                        "spec": product[3],
                        "unit": product[4],
                        "quantity": quantity,
                        "unit_price": price,
                        "amount": amount,
                    }
                )
            created_at = datetime.datetime.combine(
                created, datetime.time(9 + pk % 8, pk % 60), tzinfo=NOW.tzinfo
            )
            self.contracts.append(
                {
                    "id": pk,
                    "number": f"HT-{year}-{counters[year]:04d}",
                    "year": year,
                    "customer_id": customer_id,
                    "name": f"{rng.choice(NAMES)}{pk}",
                    "kind": weighted(rng, KINDS),
                    "amount": total,
                    "net_amount": (total * Decimal("0.9")).quantize(Decimal("0.01")),
                    "pay_advance": rng.random() < 0.6,
                    "pay_on_acceptance": rng.random() < 0.7,
                    "pay_retention": rng.random() < 0.4,
                    "payment_terms": "",
                    "signed_on": signed_on,
                    "start_on": start,
                    "end_on": end,
                    "delivery_on": start + datetime.timedelta(days=rng.randint(15, 90)),
                    "advance_due_on": start + datetime.timedelta(days=10),
                    "copies": rng.choice([2, 3, 4]),
                    "pages_per_copy": rng.randint(2, 12),
                    "owner_id": owner_id,
                    "customer_owner_id": customer_owner[customer_id],
                    "executing_department_id": self.users["dept_of"][owner_id],
                    "status": state,
                    "created_by_id": owner_id,
                    "created_at": created_at,
                    "updated_at": created_at,
                }
            )
            if state == "draft":
                continue
            # Review rounds: one in ten submitted contracts was returned once first.
            returned_first = rng.random() < 0.1 or state == "returned"
            n_rounds = 2 if returned_first and state != "returned" else 1
            for number in range(1, n_rounds + 1):
                round_id += 1
                last = number == n_rounds
                submitted = created_at + datetime.timedelta(days=number)
                deadline = submitted.date() + datetime.timedelta(days=5)
                if not last or state == "returned":
                    outcome, signed_boxes = "returned", rng.randint(1, 5)
                elif state == "in_review":
                    outcome, signed_boxes = "open", rng.randint(0, 5)
                elif state == "cancelled":
                    outcome, signed_boxes = "closed", rng.randint(0, 5)
                else:
                    outcome, signed_boxes = "passed", 6
                self.rounds.append(
                    {
                        "id": round_id,
                        "contract_id": pk,
                        "number": number,
                        "outcome": outcome,
                        "submitted_by_id": owner_id,
                        "submitted_at": submitted,
                        "deadline": deadline,
                        "closed_at": None
                        if outcome == "open"
                        else submitted + datetime.timedelta(days=3),
                    }
                )
                for position, box in enumerate(BOXES):
                    step_id += 1
                    signed_step = position < signed_boxes
                    disagree = outcome == "returned" and position == signed_boxes - 1
                    signer = (
                        self.users["manager_of"][owner_id]
                        if box == "manager"
                        else self.users[BOX_USERS[box]]
                    )
                    self.steps.append(
                        {
                            "id": step_id,
                            "round_id": round_id,
                            "box": box,
                            "position": position,
                            "opinion": ("disagree" if disagree else "agree") if signed_step else "",
                            "comment": ("交货期不可行" if disagree else "同意")
                            if signed_step
                            else "",
                            "signer_id": signer if signed_step else None,
                            "signed_at": submitted + datetime.timedelta(hours=2 + position)
                            if signed_step
                            else None,
                            "deadline": deadline,
                            # Who reads the decision (contracts.services.readers).
                            "contract_owner_id": owner_id,
                            "customer_owner_id": customer_owner[customer_id],
                        }
                    )
            if state in ("completed", "archived"):
                done_at = datetime.datetime.combine(
                    min(end, self.today), datetime.time(15, 0), tzinfo=NOW.tzinfo
                )
                self.changes.append(("complete", "in_force", "completed", owner_id, done_at, pk))
                if state == "archived":
                    archived_on = min(done_at.date() + datetime.timedelta(days=7), self.today)
                    y = archived_on.year
                    archive_counters[y] = archive_counters.get(y, 0) + 1
                    number = f"GD-{y}-{archive_counters[y]:04d}"
                    self.archives.append(
                        {
                            "contract_id": pk,
                            "number": number,
                            "archived_on": archived_on,
                            "copies": 2,
                            "archived_by_id": self.users["assistant1"],
                            "created_at": done_at,
                        }
                    )
                    self.changes.append(
                        (
                            "archive",
                            "completed",
                            "archived",
                            self.users["assistant1"],
                            done_at + datetime.timedelta(days=7),
                            pk,
                        )
                    )
            if state == "in_force" and rng.random() < 0.2:
                on = min(start + datetime.timedelta(days=rng.randint(10, 120)), self.today)
                self.inspections.append(
                    {
                        "contract_id": pk,
                        "inspected_on": on,
                        "items": "交货进度",
                        "performance": "按合同约定执行",
                        "problems": "",
                        "measures": "",
                        "inspector_id": self.users["assistant1"],
                        "created_by_id": self.users["assistant1"],
                        "remarks": "",
                        "created_at": NOW,
                    }
                )
        self.contract_counters = counters
        self.archive_counters = archive_counters

    def text_uses(self, n):
        rng = random.Random(f"{SEED}:texts")
        for _ in range(n):
            yield {
                "text_name": rng.choice(TEXTS),
                "text_source": "合同管理部门",
                "copies": rng.randint(1, 4),
                "seal_name": "合同专用章",
                "user_name": rng.choice(PEOPLE),
                "used_on": self.today - datetime.timedelta(days=rng.randint(0, 3 * 365)),
                "contract_id": rng.randint(1, self.n),
                "remarks": "",
                "created_by_id": self.users["assistant1"],
                "created_at": NOW,
            }

    def letters(self, n):
        rng = random.Random(f"{SEED}:letters")
        counters: dict[int, int] = {}
        days = sorted(rng.randint(0, 3 * 365) for _ in range(n))
        for back in reversed(days):
            issued = self.today - datetime.timedelta(days=back)
            counters[issued.year] = counters.get(issued.year, 0) + 1
            person = rng.choice(PEOPLE)
            yield {
                "number": f"WT-{issued.year}-{counters[issued.year]:04d}",
                "department": "销售一部",
                "holder_name": person,
                "position": "销售代表",
                "issued_on": issued,
                "principal": "王建国",
                "agent": person,
                "matter": "签订销售合同",
                "amount": Decimal(rng.choice([200000, 500000, 1000000])),
                "valid_until": issued + datetime.timedelta(days=365),
                "authority": "代表公司签订销售合同",
                "handled_by_id": self.users["assistant1"],
                "remarks": "",
                "created_by_id": self.users["assistant1"],
                "created_at": NOW,
            }
        self.letter_counters = counters


TABLES = [
    "contracts_contract",
    "contracts_contractline",
    "contracts_reviewround",
    "contracts_reviewstep",
    "contracts_contractarchive",
    "contracts_contractinspection",
    "contracts_contracttextuse",
    "contracts_authorizationletter",
]


def main(argv=None) -> int:
    global NOW
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=50_000)
    parser.add_argument("--reset", action="store_true", help="empty the contract tables first")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to a PostgreSQL database")
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Role, User
    from contracts import models as cm
    from ledger.models import Customer, Product, StatusChange

    NOW = timezone.localtime()
    started = time.perf_counter()
    timer = Timer()
    if not Customer.objects.exists():
        print("Run bench/generate.py first (customers, users, products).", file=sys.stderr)
        return 1
    contract_type = ContentType.objects.get_for_model(cm.Contract)
    with connection.cursor() as cursor:
        if args.reset:

            def reset():
                history = [
                    f"contracts_historical{m}"
                    for m in (
                        "contract",
                        "contractline",
                        "changerequest",
                        "contractarchive",
                        "contractinspection",
                        "contracttextuse",
                        "authorizationletter",
                    )
                ]
                cursor.execute(
                    "SELECT tablename FROM pg_tables WHERE tablename = ANY(%s)",
                    [TABLES + history],
                )
                present = [r[0] for r in cursor.fetchall()]
                # Orders name contracts (sales_order.contract_id): CASCADE would empty the
                # sales tables too. Unlink them and lift that constraint for the truncation.
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE contype = 'f' AND conrelid = 'sales_order'::regclass "
                    "AND confrelid = 'contracts_contract'::regclass"
                )
                links = cursor.fetchall()
                cursor.execute(
                    "UPDATE sales_order SET contract_id = NULL WHERE contract_id IS NOT NULL"
                )
                for name, _definition in links:
                    cursor.execute(f'ALTER TABLE sales_order DROP CONSTRAINT "{name}"')
                cursor.execute(f"TRUNCATE {', '.join(present)} RESTART IDENTITY CASCADE")
                # The family's counters live in the ledger's table, beside the other series.
                cursor.execute(
                    "DELETE FROM ledger_numbercounter WHERE series = ANY(%s)", [list(SERIES)]
                )
                for name, definition in links:
                    cursor.execute(f'ALTER TABLE sales_order ADD CONSTRAINT "{name}" {definition}')
                cursor.execute(
                    "DELETE FROM ledger_statuschange WHERE content_type_id = %s",
                    [contract_type.pk],
                )
                return None

            timer.run("truncate", reset)
        elif cm.Contract.objects.exists():
            print("The contract tables are not empty: run with --reset.", file=sys.stderr)
            return 1

    users = {u.username: u.pk for u in User.objects.all()}
    people = list(User.objects.select_related("department"))
    users["dept_of"] = {u.pk: u.department_id for u in people}
    managers = {u.department_id: u.pk for u in people if u.role == Role.MANAGER}
    users["manager_of"] = {
        u.pk: managers.get(u.department_id, users["gm"]) if u.role != Role.MANAGER else users["gm"]
        for u in people
    }
    owners = [u.pk for u in people if u.role in (Role.SALES, Role.MANAGER)]
    customers = list(Customer.objects.values_list("pk", "owner_id"))
    products = list(
        Product.objects.values_list("pk", "code", "name", "spec", "unit", "retail_price")
    )
    plan = Plan(args.contracts, args.seed, users, owners, customers, products)
    timer.run("plan (in memory)", lambda: plan.build())

    with connection.cursor() as cursor:
        indexes = secondary_indexes(cursor, TABLES)
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        raw = cursor.cursor

        def rebuild():
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, sql in indexes:
                cursor.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            return len(indexes)

        try:
            timer.run("contracts", lambda: Table(cm.Contract).copy(raw, iter(plan.contracts)))
            timer.run("contract lines", lambda: Table(cm.ContractLine).copy(raw, iter(plan.lines)))
            timer.run("review rounds", lambda: Table(cm.ReviewRound).copy(raw, iter(plan.rounds)))
            timer.run("review steps", lambda: Table(cm.ReviewStep).copy(raw, iter(plan.steps)))
            timer.run(
                "archive records (5-25)",
                lambda: Table(cm.ContractArchive, with_pk=False).copy(raw, iter(plan.archives)),
            )
            timer.run(
                "inspections (5-22)",
                lambda: Table(cm.ContractInspection, with_pk=False).copy(
                    raw, iter(plan.inspections)
                ),
            )
            timer.run(
                "text uses (5-23)",
                lambda: Table(cm.ContractTextUse, with_pk=False).copy(
                    raw, plan.text_uses(args.contracts // 10)
                ),
            )
            timer.run(
                "letters (5-24)",
                lambda: Table(cm.AuthorizationLetter, with_pk=False).copy(
                    raw, plan.letters(args.contracts // 25)
                ),
            )
            timer.run(
                "status trail (completed, archived)",
                lambda: Table(StatusChange, with_pk=False).copy(
                    raw,
                    (
                        {
                            "content_type_id": contract_type.pk,
                            "object_id": pk,
                            "transition": name,
                            "from_state": source,
                            "to_state": target,
                            "actor_id": actor,
                            "changed_at": at,
                            "note": "",
                        }
                        for name, source, target, actor, at, pk in plan.changes
                    ),
                ),
            )
        finally:
            timer.run("rebuild secondary indexes", rebuild, unit="idx")

        def counters():
            rows = [("HT", y, n) for y, n in plan.contract_counters.items()]
            rows += [("GD", y, n) for y, n in plan.archive_counters.items()]
            rows += [("WT", y, n) for y, n in getattr(plan, "letter_counters", {}).items()]
            for series, year, last in rows:
                cursor.execute(
                    "INSERT INTO ledger_numbercounter (series, year, last) VALUES (%s, %s, %s)"
                    " ON CONFLICT (series, year) DO UPDATE SET last = EXCLUDED.last",
                    [series, year, last],
                )
            for model in (
                cm.Contract,
                cm.ContractLine,
                cm.ReviewRound,
                cm.ReviewStep,
                cm.ContractArchive,
                cm.ContractInspection,
                cm.ContractTextUse,
                cm.AuthorizationLetter,
                StatusChange,
            ):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table}"'
                )
            return len(rows)

        timer.run("counters and sequences", counters, unit="ctr")

        # Orders generated before (bench/generate_sales.py) are placed under the contracts.
        timer.run(
            "orders placed under contracts", lambda: link_orders_to_contracts(cursor), unit="ord"
        )

        def analyze():
            for table in [*TABLES, "ledger_statuschange"]:
                cursor.execute(f"VACUUM ANALYZE {table}")
            return None

        timer.run("VACUUM ANALYZE", analyze)
    print(
        f"Done in {time.perf_counter() - started:.1f} s: {len(plan.contracts):,} contracts, "
        f"{len(plan.steps):,} review steps.",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
