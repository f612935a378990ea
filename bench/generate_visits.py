"""Add the visit ledgers to a benchmark database made by ``bench/generate.py``.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/generate_visits.py [--reports 1000000]

What it creates (fixed seed), for the salespeople and managers who own customers:

* 1,000,000 visit reports (表5-29) over the last three years, each by the customer's owner,
  numbered per year, nearly all but the last two weeks' signed, and one 表5-30 line per
  report plus one non-visit line per person and working day;
* 300,000 follow-ups, those due in the past mostly done, the rest overdue;
* 表5-27 plans: 300 customers per person and year for three years;
* 表5-28 weekly schedules per person for three years with ten planned visits each, approved.

Rows go in with ``COPY``; the visit tables' secondary indexes are rebuilt after the load and
the script ends with ``VACUUM ANALYZE``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledger.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuv")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.generate import Timer, copy_rows, secondary_indexes  # noqa: E402

SEED = 20261129
TABLES = [
    "visits_visittally",
    "visits_visitreport",
    "visits_followup",
    "visits_dailyline",
    "visits_visitplan",
    "visits_visitschedule",
    "visits_plannedvisit",
]
PURPOSES = ("产品推介", "回访", "催收货款", "新品试样", "合同洽谈", "售后服务", "需求调研")
RECORDS = (
    "客户对新产品感兴趣，要求提供样品和报价。",
    "了解客户下季度采购计划，预计用量增加。",
    "客户反映上批货交期偏晚，已说明原因。",
    "与采购经理确认合同条款，待法务审核。",
)
ACTIONS = ("寄送样品", "提交报价单", "安排技术交流", "跟进付款", "确认合同文本")
DAYS = 3 * 365


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from ledger.models import Customer

    timer = Timer()
    rng = random.Random(SEED)
    today = timezone.localdate()
    tz = datetime.timezone(datetime.timedelta(hours=8))
    owners = {}
    for owner_id, pk in Customer.objects.values_list("owner_id", "pk").order_by("pk").iterator():
        owners.setdefault(owner_id, []).append(pk)
    if not owners:
        print("Run bench/generate.py first.", file=sys.stderr)
        return 1
    people = sorted(owners)
    managers = {u.pk: u.department_id for u in User.objects.filter(pk__in=people)}
    manager_of = {}
    for person, dept in managers.items():
        boss = (
            User.objects.filter(role="manager", department_id=dept).exclude(pk=person).first()
            or User.objects.filter(role="gm").first()
        )
        manager_of[person] = boss.pk
    customers = [(owner, pk) for owner, pks in owners.items() for pk in pks]
    stamp = timezone.now().isoformat()

    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        # 表5-29's counters live in the ledger's table, beside the other series.
        cursor.execute("DELETE FROM ledger_numbercounter WHERE series = 'BF'")
        indexes = secondary_indexes(cursor, TABLES)
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        raw = cursor.cursor

        numbers: dict[int, int] = {}
        follow_ups = []

        def report_rows():
            for i in range(1, args.reports + 1):
                owner, customer = customers[rng.randrange(len(customers))]
                day = today - datetime.timedelta(days=rng.randint(1, DAYS))
                hour = rng.randint(8, 17)
                start = datetime.datetime.combine(day, datetime.time(hour), tz)
                end = start + datetime.timedelta(minutes=rng.choice((30, 45, 60, 90)))
                numbers[day.year] = numbers.get(day.year, 0) + 1
                number = f"BF-{day.year}-{numbers[day.year]:06d}"
                # The 销售主管 signs within days: nearly every report older than two weeks is
                # signed, a third of the recent ones.
                recent = (today - day).days <= 14
                signed = rng.random() < (0.3 if recent else 0.97)
                signer = str(manager_of[owner]) if signed else "\\N"
                signed_at = (end + datetime.timedelta(days=1)).isoformat() if signed else "\\N"
                comment = "已阅，按计划跟进。" if signed else ""
                if rng.random() < 0.3:
                    due = day + datetime.timedelta(days=rng.randint(3, 20))
                    done = due.isoformat() if due < today and rng.random() < 0.8 else "\\N"
                    follow_ups.append((i, customer, owner, rng.choice(ACTIONS), due, done))
                purpose = rng.choice(PURPOSES)
                yield (
                    f"{i}\t{number}\t{owner}\t{customer}\t{purpose}\t{start.isoformat()}\t"
                    f"{end.isoformat()}\t{day.isoformat()}\t\t{rng.choice(RECORDS)}\t\t\t"
                    f"{comment}\t{signer}\t{signed_at}\t1\t{stamp}\t{stamp}\n"
                )

        timer.run(
            "visits_visitreport",
            lambda: copy_rows(
                raw,
                "visits_visitreport",
                [
                    "id",
                    "number",
                    "visitor_id",
                    "customer_id",
                    "purpose",
                    "started_at",
                    "ended_at",
                    "visited_on",
                    "contact_info",
                    "record",
                    "problems",
                    "actions",
                    "manager_comment",
                    "signed_by_id",
                    "signed_at",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                report_rows(),
            ),
        )

        def counter_rows():
            for year, last in sorted(numbers.items()):
                yield f"BF\t{year}\t{last}\n"

        def tally():
            cursor.execute(
                "INSERT INTO visits_visittally (salesperson_id, month, visits)"
                " SELECT visitor_id, date_trunc('month', visited_on)::date, COUNT(*)"
                " FROM visits_visitreport GROUP BY 1, 2"
            )
            return cursor.rowcount

        timer.run("visits_visittally", tally)
        timer.run(
            "ledger_numbercounter (BF)",
            lambda: copy_rows(
                raw, "ledger_numbercounter", ["series", "year", "last"], counter_rows()
            ),
        )
        timer.run(
            "visits_followup",
            lambda: copy_rows(
                raw,
                "visits_followup",
                ["report_id", "customer_id", "owner_id", "action", "due_on", "done_on"],
                (
                    f"{r}\t{c}\t{o}\t{a}\t{d.isoformat()}\t{done}\n"
                    for r, c, o, a, d, done in follow_ups
                ),
            ),
        )

        def daily_rows():
            cursor2 = connection.connection.cursor(name="reports")
            cursor2.itersize = 50_000
            cursor2.execute(
                "SELECT r.id, r.visitor_id, r.visited_on, c.name, r.started_at, r.ended_at,"
                " r.purpose, r.record FROM visits_visitreport r JOIN ledger_customer c"
                " ON c.id = r.customer_id"
            )
            for rid, owner, day, name, start, end, purpose, record in cursor2:
                start, end = start.astimezone(tz), end.astimezone(tz)
                yield (
                    f"{owner}\t{day.isoformat()}\t{rid}\t{name}\t"
                    f"{start:%H:%M}-{end:%H:%M}\t{purpose}\t{record}\t\t1\n"
                )
            for owner in people:
                for back in range(1, DAYS):
                    day = today - datetime.timedelta(days=back)
                    if day.weekday() < 5:
                        yield (
                            f"{owner}\t{day.isoformat()}\t\\N\t\t16:00-17:30\t"
                            "整理客户资料与报价\t\t\t1\n"
                        )

        columns = [
            "salesperson_id",
            "day",
            "report_id",
            "customer_text",
            "time_text",
            "purpose",
            "result",
            "remarks",
            "version",
        ]
        timer.run(
            "visits_dailyline", lambda: copy_rows(raw, "visits_dailyline", columns, daily_rows())
        )

        def plan_rows():
            for owner in people:
                for year in (today.year - 2, today.year - 1, today.year):
                    for customer in rng.sample(owners[owner], min(300, len(owners[owner]))):
                        months = "\t".join(str(rng.choice((0, 1, 1, 2))) for _ in range(12))
                        yield f"{owner}\t{year}\t{customer}\t{months}\t1\t{stamp}\n"

        timer.run(
            "visits_visitplan",
            lambda: copy_rows(
                raw,
                "visits_visitplan",
                ["salesperson_id", "year", "customer_id"]
                + [f"m{m}" for m in range(1, 13)]
                + ["version", "updated_at"],
                plan_rows(),
            ),
        )
        schedules = []

        def schedule_rows():
            sid = 0
            monday = today - datetime.timedelta(days=today.weekday())
            for owner in people:
                for week in range(DAYS // 7):
                    start = monday - datetime.timedelta(weeks=week)
                    sid += 1
                    schedules.append((sid, owner, start))
                    end = start + datetime.timedelta(days=6)
                    yield (
                        f"{sid}\t{owner}\tweek\t{start.isoformat()}\t{end.isoformat()}\t"
                        f"approved\t3\t{stamp}\t{stamp}\n"
                    )

        timer.run(
            "visits_visitschedule",
            lambda: copy_rows(
                raw,
                "visits_visitschedule",
                [
                    "id",
                    "salesperson_id",
                    "kind",
                    "starts_on",
                    "ends_on",
                    "status",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                schedule_rows(),
            ),
        )

        def line_rows():
            for sid, owner, start in schedules:
                for i in range(10):
                    day = start + datetime.timedelta(days=i % 5)
                    customer = rng.choice(owners[owner])
                    purpose = rng.choice(PURPOSES)
                    yield f"{sid}\t{customer}\t{day.isoformat()}\t{9 + i % 8}:00\t{purpose}\t\n"

        timer.run(
            "visits_plannedvisit",
            lambda: copy_rows(
                raw,
                "visits_plannedvisit",
                ["schedule_id", "customer_id", "visit_on", "visit_at", "purpose", "remarks"],
                line_rows(),
            ),
        )
        for table in ("visits_visitreport", "visits_visitschedule"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )

    # Foreign keys are checked when the loading transaction commits; the indexes are
    # built afterwards, in a transaction of their own.
    with transaction.atomic(), connection.cursor() as cursor:

        def rebuild():
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, sql in indexes:
                cursor.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            return len(indexes)

        timer.run("rebuild indexes", rebuild, unit="idx")
    with connection.cursor() as cursor:
        timer.run("vacuum analyze", lambda: cursor.execute(f"VACUUM ANALYZE {', '.join(TABLES)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
