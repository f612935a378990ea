# The registers' search (表5-6, 5-12, 5-13) on a year of shipment lines, and the lists'
# indexes: each shipment line carries its order, customer and product (copied by the
# services, see ShipmentLine) and its batch number upper-cased by the database; a date index
# covers what 5-12's count, 合计 row and search read; on PostgreSQL the order numbers are
# indexed by their character pairs; the orders by total, for 表5-8's list sorted by 合计.

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

FILL = """
UPDATE sales_shipmentline SET
  order_id = (SELECT s.order_id FROM sales_shipment s
              WHERE s.id = sales_shipmentline.shipment_id),
  customer_id = (SELECT o.customer_id FROM sales_shipment s
                 JOIN sales_order o ON o.id = s.order_id
                 WHERE s.id = sales_shipmentline.shipment_id),
  product_id = (SELECT ol.product_id FROM sales_orderline ol
                WHERE ol.id = sales_shipmentline.order_line_id)
"""

# ledger_bigrams is created by ledger 0003 (see ledger.search).
ORDER_NUMBER_PAIRS = (
    "CREATE INDEX IF NOT EXISTS order_number_bigram_idx "
    "ON sales_order USING gin (ledger_bigrams(UPPER(number)))"
)


def order_number_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ORDER_NUMBER_PAIRS)


def drop_order_number_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS order_number_bigram_idx")


def copied(model, verbose_name, null):
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.CASCADE
        if model == "sales.order"
        else django.db.models.deletion.PROTECT,
        related_name="+",
        to=model,
        verbose_name=verbose_name,
    )


COPIED = (
    ("order", "sales.order", "order"),
    ("customer", "ledger.customer", "customer"),
    ("product", "ledger.product", "product"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_search_key_and_primary_contact_index"),
        ("sales", "0006_order_contract"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="shipmentline", name=name, field=copied(model, verbose, True)
            )
            for name, model, verbose in COPIED
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        *(
            migrations.AlterField(
                model_name="shipmentline", name=name, field=copied(model, verbose, False)
            )
            for name, model, verbose in COPIED
        ),
        migrations.AddField(
            model_name="shipmentline",
            name="batch_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper("batch_number"),
                output_field=models.CharField(max_length=60),
            ),
        ),
        migrations.AddIndex(
            model_name="shipmentline",
            index=models.Index(
                fields=["shipped_on", "id"],
                include=(
                    "owner",
                    "quantity",
                    "amount",
                    "paid_amount",
                    "batch_key",
                    "order",
                    "customer",
                    "product",
                ),
                name="shipline_date_cover_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["-total_amount", "-ordered_on", "-id"], name="order_total_idx"
            ),
        ),
        migrations.RunPython(order_number_index, drop_order_number_index),
    ]
