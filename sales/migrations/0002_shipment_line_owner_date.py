# The order's 承办人 and the shipping date copied onto each shipment line, so the yearly
# registers filter, count and sort one table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILL = """
UPDATE sales_shipmentline SET
  owner_id = (SELECT o.owner_id FROM sales_shipment s JOIN sales_order o ON o.id = s.order_id
              WHERE s.id = sales_shipmentline.shipment_id),
  shipped_on = (SELECT s.shipped_on FROM sales_shipment s
                WHERE s.id = sales_shipmentline.shipment_id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="shipmentline",
            name="owner",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="order handler",
            ),
        ),
        migrations.AddField(
            model_name="shipmentline",
            name="shipped_on",
            field=models.DateField(editable=False, null=True, verbose_name="shipping date"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="shipmentline",
            name="owner",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="order handler",
            ),
        ),
        migrations.AlterField(
            model_name="shipmentline",
            name="shipped_on",
            field=models.DateField(editable=False, verbose_name="shipping date"),
        ),
        migrations.AddIndex(
            model_name="shipmentline",
            index=models.Index(fields=["shipped_on", "id"], name="shipline_date_idx"),
        ),
        migrations.AddIndex(
            model_name="shipmentline",
            index=models.Index(
                fields=["owner", "shipped_on", "id"], name="shipline_owner_date_idx"
            ),
        ),
    ]
