"""Fill the benchmark database with the sales family's orders (run after generate.py).

    DATABASE_URL=postgres://root@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/generate_sales.py --reset

What it creates (with the default ``--orders 200000``), over the last three years, for the
customers generate.py made (each order is its customer's owner's):

* 200,000 orders (DD-YYYY-NNNN, gapless per year in date order), 1–9 lines each, about
  1,000,000 order lines from the product master, with 总价 and the order's 合计;
* shipments: orders older than a month are shipped (one delivery, or two for about a
  fifth), a tenth of them only in part; their shipment lines carry batch, certificate,
  amount, cost (a unit cost per product) and the paid part;
* receipts: most shipped orders are paid in full, some in part, some not at all (overdue);
* when contracts exist (bench/generate_contracts.py ran first), orders placed under them:
  each customer's latest signed contract takes the customer's orders from its signing on
  (表5-18 实际交货日期, 5-21 货款回收记录);
* twelve months × three years of expenses and department allocations per salesperson;
* the monthly roll-ups summed from those facts (``sales.services.rollups.rebuild_rollups``).

Rows go in with ``COPY`` in chunks of orders; secondary indexes are dropped before the
load and rebuilt after it; the history tables stay empty; ``VACUUM ANALYZE`` at the end.
"""

from __future__ import annotations

import argparse
import datetime
import io
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

SEED = 20261129
CHUNK_ORDERS = 20_000
SALES_TABLES = [
    "sales_shipmentline",
    "sales_shipment",
    "sales_receipt",
    "sales_invoice",
    "sales_salesadjustment",
    "sales_orderline",
    "sales_order",
    "sales_salesexpense",
    "sales_departmentallocation",
    "sales_productcost",
]
ROLLUP_TABLES = ["sales_salespersonmonth", "sales_customermonth", "sales_productmonth"]
HISTORY_TABLES = [
    "sales_historicalorder",
    "sales_historicalorderline",
    "sales_historicalshipment",
    "sales_historicalreceipt",
    "sales_historicalinvoice",
    "sales_historicalsalesadjustment",
    "sales_historicalsalesexpense",
    "sales_historicaldepartmentallocation",
    "sales_historicalproductcost",
]
ORDER_COLUMNS = [
    "id", "number", "year", "seq", "customer_id", "owner_id", "ordered_on", "status",
    "remarks", "total_amount", "received_amount", "adjusted_amount", "invoiced_amount",
    "invoice_numbers", "is_export", "shipping_mark", "shipping_to", "lc_number", "app_number",
    "batch_grade", "purpose", "packing", "volume", "color_number", "carton_numbers",
    "export_remark", "version", "created_by_id", "created_at", "updated_at",
]  # fmt: skip
LINE_COLUMNS = [
    "id", "order_id", "position", "product_id", "spec", "unit", "quantity", "unit_price",
    "amount", "shipped_quantity",
]  # fmt: skip
SHIPMENT_COLUMNS = [
    "id", "order_id", "shipped_on", "place", "delivery_control", "carrier", "waybill_number",
    "handler_id", "created_at",
]  # fmt: skip
SHIP_LINE_COLUMNS = [
    "id", "shipment_id", "order_line_id", "quantity", "production_date", "batch_number",
    "certificate_number", "amount", "cost", "paid_amount", "owner_id", "shipped_on",
    "order_id", "customer_id", "product_id",
]  # fmt: skip
RECEIPT_COLUMNS = [
    "id", "order_id", "received_on", "amount", "method", "remarks", "created_by_id",
    "created_at",
]  # fmt: skip
PLACES = ["上海仓", "苏州工厂", "宁波港", "广州仓", "天津仓"]
CARRIERS = ["顺丰速运", "德邦物流", "中通快运", "安能物流", "中远海运"]
CONTROLS = ["客户签收", "到货验收", "送货上门", "港口交货"]
QUANTITIES = [5, 10, 20, 24, 36, 50, 60, 100, 120, 200]
CENT = Decimal("0.01")


def link_orders_to_contracts(cursor) -> int:
    """Place orders under contracts (``sales_order.contract_id``), when both exist: each
    customer's latest contract that was signed and took orders (sealed, in force, since
    completed or archived) gets the customer's orders dated on or after its signing, as
    the order page would have linked them. One ``UPDATE`` (a hash join); returns how many
    orders it linked."""
    cursor.execute(
        """
        UPDATE sales_order o SET contract_id = c.id
        FROM (
            SELECT DISTINCT ON (customer_id) id, customer_id, signed_on
            FROM contracts_contract
            WHERE status IN ('sealed', 'in_force', 'completed', 'archived')
              AND signed_on IS NOT NULL
            ORDER BY customer_id, signed_on DESC, id DESC
        ) c
        WHERE o.customer_id = c.customer_id AND o.ordered_on >= c.signed_on
          AND o.contract_id IS NULL AND o.status <> 'cancelled'
        """
    )
    return cursor.rowcount


def copy(cursor, table: str, columns: list[str], lines: list[str]) -> int:
    if lines:
        cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO("".join(lines))
        )
    return len(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--reset", action="store_true", help="empty the sales tables first")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from sales.models import OrderStatus

    started = time.perf_counter()
    rng = random.Random(args.seed)
    today = timezone.localdate()
    stamp = timezone.now().isoformat()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sales_order")
        if cursor.fetchone()[0] and not args.reset:
            print("The sales tables are not empty: run with --reset.", file=sys.stderr)
            return 1
        if args.reset:
            cursor.execute(
                f"TRUNCATE {', '.join(SALES_TABLES + ROLLUP_TABLES + HISTORY_TABLES)} "
                "RESTART IDENTITY CASCADE"
            )
            # The order numbers' counters live in the ledger's table, beside the other series.
            cursor.execute("DELETE FROM ledger_numbercounter WHERE series = 'DD'")
        cursor.execute("SELECT id, owner_id FROM ledger_customer ORDER BY id")
        customers = cursor.fetchall()
        cursor.execute(
            "SELECT id, spec, unit, COALESCE(wholesale_price, 100), "
            "COALESCE(normal_margin, 20) FROM ledger_product WHERE is_active ORDER BY id"
        )
        products = cursor.fetchall()
        cursor.execute(
            "SELECT id, department_id FROM accounts_user WHERE role IN ('sales', 'manager')"
        )
        people = cursor.fetchall()
        if not customers or not products:
            print("Run bench/generate.py first (customers and products).", file=sys.stderr)
            return 1
        cost_of = {
            pid: (Decimal(price) * (1 - Decimal(margin) / 100)).quantize(CENT)
            for pid, _s, _u, price, margin in products
        }
        cursor.execute(
            "INSERT INTO sales_productcost (product_id, effective_on, unit_cost, version, "
            "updated_at) VALUES "
            + ", ".join(["(%s, %s, %s, 1, now())"] * len(products)),
            [v for pid in cost_of for v in (pid, today - datetime.timedelta(days=4 * 365),
                                            cost_of[pid])],
        )  # fmt: skip

        # Secondary indexes off during the load, rebuilt after it.
        load_tables = [t for t in SALES_TABLES if t != "sales_productcost"]
        cursor.execute(
            """
            SELECT ci.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
            JOIN pg_class ct ON ct.oid = i.indrelid
            WHERE ct.relname = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [load_tables],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        raw = cursor.cursor

        days = sorted(rng.randrange(1, 3 * 365) for _ in range(args.orders))
        dates = [today - datetime.timedelta(days=d) for d in reversed(days)]
        seq_by_year: dict[int, int] = {}
        ids = {"order": 0, "line": 0, "shipment": 0, "ship_line": 0, "receipt": 0}
        counts = dict.fromkeys(ids, 0)
        for start in range(0, args.orders, CHUNK_ORDERS):
            orders, lines, shipments, ship_lines, receipts = [], [], [], [], []
            for ordered_on in dates[start : start + CHUNK_ORDERS]:
                ids["order"] += 1
                oid = ids["order"]
                year = ordered_on.year
                seq = seq_by_year[year] = seq_by_year.get(year, 0) + 1
                customer_id, owner_id = customers[rng.randrange(len(customers))]
                age = (today - ordered_on).days
                roll = rng.random()
                if age < 30:
                    status = OrderStatus.CONFIRMED if roll < 0.7 else OrderStatus.DRAFT
                elif roll < 0.02:
                    status = OrderStatus.CANCELLED
                elif roll < 0.12:
                    status = OrderStatus.PARTLY_SHIPPED
                else:
                    status = OrderStatus.SHIPPED
                chosen = rng.sample(products, rng.randint(1, 9))
                total = Decimal(0)
                order_lines = []
                for pid, spec, unit, price, _m in chosen:
                    ids["line"] += 1
                    quantity = Decimal(rng.choice(QUANTITIES))
                    unit_price = (Decimal(price) * rng.randint(90, 110) / 100).quantize(CENT)
                    amount = (quantity * unit_price).quantize(CENT)
                    total += amount
                    order_lines.append([ids["line"], pid, spec, unit, quantity, unit_price, amount])
                shipped_value = Decimal(0)
                line_ship = {}
                if status in (OrderStatus.SHIPPED, OrderStatus.PARTLY_SHIPPED):
                    ids["shipment"] += 1
                    sid = ids["shipment"]
                    shipped_on = min(
                        ordered_on + datetime.timedelta(days=rng.randint(3, 20)), today
                    )
                    shipments.append(
                        f"{sid}\t{oid}\t{shipped_on}\t{rng.choice(PLACES)}\t"
                        f"{rng.choice(CONTROLS)}\t{rng.choice(CARRIERS)}\tYD{oid:08d}\t"
                        f"{owner_id}\t{stamp}\n"
                    )
                    for lid, pid, _s, _u, quantity, unit_price, _a in order_lines:
                        part = quantity if status == OrderStatus.SHIPPED else (quantity / 2)
                        part = part.quantize(Decimal(1)) or quantity
                        ids["ship_line"] += 1
                        value = (part * unit_price).quantize(CENT)
                        shipped_value += value
                        line_ship[lid] = (ids["ship_line"], sid, part, value, shipped_on,
                                          (part * cost_of[pid]).quantize(CENT))  # fmt: skip
                paid = Decimal(0)
                if shipped_value:
                    pay = rng.random()
                    paid = (
                        shipped_value
                        if pay < 0.7
                        else (shipped_value * rng.randint(20, 80) / 100).quantize(CENT)
                        if pay < 0.85
                        else Decimal(0)
                    )
                    if paid:
                        ids["receipt"] += 1
                        received_on = min(
                            ordered_on + datetime.timedelta(days=rng.randint(20, 90)), today
                        )
                        receipts.append(
                            f"{ids['receipt']}\t{oid}\t{received_on}\t{paid}\t银行转账\t\t"
                            f"{owner_id}\t{stamp}\n"
                        )
                left = paid
                for position, (lid, pid, spec, unit, quantity, unit_price, amount) in enumerate(
                    order_lines, start=1
                ):
                    shipped = line_ship.get(lid)
                    lines.append(
                        f"{lid}\t{oid}\t{position}\t{pid}\t{spec}\t{unit}\t{quantity}\t"
                        f"{unit_price}\t{amount}\t{shipped[2] if shipped else 0}\n"
                    )
                    if shipped:
                        slid, sid, part, value, shipped_on, cost = shipped
                        line_paid = min(left, value)
                        left -= line_paid
                        ship_lines.append(
                            f"{slid}\t{sid}\t{lid}\t{part}\t"
                            f"{shipped_on - datetime.timedelta(days=7)}\t"
                            f"PH{shipped_on:%y%m%d}{oid % 100:02d}\tJY{oid:08d}\t"
                            f"{value}\t{cost}\t{line_paid}\t{owner_id}\t{shipped_on}\t"
                            f"{oid}\t{customer_id}\t{pid}\n"
                        )
                orders.append(
                    f"{oid}\tDD-{year}-{seq:04d}\t{year}\t{seq}\t{customer_id}\t{owner_id}\t"
                    f"{ordered_on}\t{status}\t\t{total}\t{paid}\t0\t0\t\tf\t\t\t\t\t\t\t\t\t\t\t"
                    f"\t1\t{owner_id}\t{stamp}\t{stamp}\n"
                )
            counts["order"] += copy(raw, "sales_order", ORDER_COLUMNS, orders)
            counts["line"] += copy(raw, "sales_orderline", LINE_COLUMNS, lines)
            counts["shipment"] += copy(raw, "sales_shipment", SHIPMENT_COLUMNS, shipments)
            counts["ship_line"] += copy(raw, "sales_shipmentline", SHIP_LINE_COLUMNS, ship_lines)
            counts["receipt"] += copy(raw, "sales_receipt", RECEIPT_COLUMNS, receipts)
            print(f"  {counts['order']:>9,} orders, {counts['line']:>10,} lines", flush=True)
        for year, last in seq_by_year.items():
            cursor.execute(
                "INSERT INTO ledger_numbercounter (series, year, last) VALUES ('DD', %s, %s)"
                " ON CONFLICT (series, year) DO UPDATE SET last = EXCLUDED.last",
                [year, last],
            )
        first = today.replace(day=1)
        for _m in range(36):
            for person_id, department_id in people:
                cursor.execute(
                    "INSERT INTO sales_salesexpense (salesperson_id, month, salary, travel, "
                    "other, version, updated_at) VALUES (%s, %s, %s, %s, %s, 1, now())",
                    [person_id, first, rng.randrange(6000, 12000), rng.randrange(300, 3000),
                     rng.randrange(0, 800)],
                )  # fmt: skip
                if department_id:
                    cursor.execute(
                        "INSERT INTO sales_departmentallocation (department_id, salesperson_id, "
                        "month, amount, version, updated_at) VALUES (%s, %s, %s, %s, 1, now())",
                        [department_id, person_id, first, rng.randrange(1000, 4000)],
                    )
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        t0 = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, sql in indexes:
            cursor.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
        print(f"  rebuilt {len(indexes)} indexes in {time.perf_counter() - t0:.1f} s", flush=True)
        for table in ("sales_order", "sales_orderline", "sales_shipment",
                      "sales_shipmentline", "sales_receipt"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE(MAX(id), 1)) FROM {table}"
            )
        t0 = time.perf_counter()
        linked = link_orders_to_contracts(cursor)
        print(
            f"  placed {linked:,} orders under contracts in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        # The facts went in without the services: the monthly roll-ups (表5-11, the
        # dashboard) are summed from them, as `manage.py rebuild_sales_rollups` does.
        from sales.services.rollups import rebuild_rollups

        t0 = time.perf_counter()
        rolled = rebuild_rollups()
        print(
            f"  roll-ups {', '.join(f'{k} {v:,}' for k, v in rolled.items())} rows "
            f"in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        for table in [*load_tables, *ROLLUP_TABLES]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"Done in {time.perf_counter() - started:.1f} s: {counts['order']:,} orders, "
        f"{counts['line']:,} lines, {counts['shipment']:,} shipments, "
        f"{counts['ship_line']:,} shipment lines, {counts['receipt']:,} receipts.",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
