# Monthly roll-ups of the sales facts (表5-11 and the sales dashboard read them), filled
# from the facts already recorded; from here on the services keep them. The fill is written
# against the historical models, as the facts stood at this migration (the same sums as
# sales.services.rollups.rollups_from_facts).

import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    from collections import defaultdict

    from django.db.models import Count, F, Sum
    from django.db.models.functions import TruncMonth

    line = apps.get_model("sales", "ShipmentLine")
    adjustment = apps.get_model("sales", "SalesAdjustment")
    receipt = apps.get_model("sales", "Receipt")
    person = apps.get_model("sales", "SalespersonMonth")
    customer = apps.get_model("sales", "CustomerMonth")
    product = apps.get_model("sales", "ProductMonth")
    kinds = {"return": "returns", "allowance": "allowances", "write_off": "losses"}
    months = defaultdict(dict)
    for r in (
        line.objects.annotate(m=TruncMonth("shipped_on"))
        .order_by()
        .values("owner_id", "m")
        .annotate(
            n=Count("id"),
            sales=Sum("amount"),
            cost=Sum("cost"),
            open=Sum(F("amount") - F("paid_amount")),
        )
    ):
        months[(r["owner_id"], r["m"])].update(
            lines=r["n"], sales=r["sales"], cost=r["cost"], open_amount=r["open"]
        )
    for r in (
        adjustment.objects.annotate(m=TruncMonth("occurred_on"))
        .order_by()
        .values("order__owner_id", "m", "kind")
        .annotate(total=Sum("amount"))
    ):
        months[(r["order__owner_id"], r["m"])][kinds[r["kind"]]] = r["total"]
    for r in (
        receipt.objects.annotate(m=TruncMonth("received_on"))
        .order_by()
        .values("order__owner_id", "m")
        .annotate(total=Sum("amount"))
    ):
        months[(r["order__owner_id"], r["m"])]["received"] = r["total"]
    person.objects.bulk_create(
        (person(salesperson_id=o, month=m, **sums) for (o, m), sums in months.items()),
        batch_size=2000,
    )
    customer.objects.bulk_create(
        (
            customer(
                salesperson_id=r["owner_id"],
                customer_id=r["shipment__order__customer_id"],
                month=r["m"],
                lines=r["n"],
                amount=r["amount"],
            )
            for r in line.objects.annotate(m=TruncMonth("shipped_on"))
            .order_by()
            .values("owner_id", "shipment__order__customer_id", "m")
            .annotate(n=Count("id"), amount=Sum("amount"))
        ),
        batch_size=2000,
    )
    product.objects.bulk_create(
        (
            product(
                salesperson_id=r["owner_id"],
                product_id=r["order_line__product_id"],
                month=r["m"],
                lines=r["n"],
                quantity=r["quantity"],
                amount=r["amount"],
            )
            for r in line.objects.annotate(m=TruncMonth("shipped_on"))
            .order_by()
            .values("owner_id", "order_line__product_id", "m")
            .annotate(n=Count("id"), quantity=Sum("quantity"), amount=Sum("amount"))
        ),
        batch_size=2000,
    )


def empty(apps, schema_editor):
    for name in ("SalespersonMonth", "CustomerMonth", "ProductMonth"):
        apps.get_model("sales", name).objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0012_integrity_history_seals'),
        ('sales', '0004_counters_to_ledger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CustomerMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('lines', models.PositiveIntegerField(default=0, editable=False, verbose_name='shipment lines')),
                ('amount', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='amount')),
            ],
            options={
                'verbose_name': "customer's month",
                'verbose_name_plural': "customers' months",
                'ordering': ['salesperson_id', 'customer_id', 'month'],
            },
        ),
        migrations.CreateModel(
            name='ProductMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('lines', models.PositiveIntegerField(default=0, editable=False, verbose_name='shipment lines')),
                ('quantity', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='quantity')),
                ('amount', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='amount')),
            ],
            options={
                'verbose_name': "product's month",
                'verbose_name_plural': "products' months",
                'ordering': ['salesperson_id', 'product_id', 'month'],
            },
        ),
        migrations.CreateModel(
            name='SalespersonMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('lines', models.PositiveIntegerField(default=0, editable=False, verbose_name='shipment lines')),
                ('sales', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='amount')),
                ('cost', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='cost')),
                ('open_amount', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='owed')),
                ('returns', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='Sales return')),
                ('allowances', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='Sales allowance')),
                ('losses', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='Sales write-off')),
                ('received', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='received')),
            ],
            options={
                'verbose_name': "salesperson's month",
                'verbose_name_plural': "salespeople's months",
                'ordering': ['salesperson_id', 'month'],
            },
        ),
        migrations.AddIndex(
            model_name='shipmentline',
            index=models.Index(condition=models.Q(('amount__gt', models.F('paid_amount'))), fields=['shipped_on'], include=('owner', 'amount', 'paid_amount'), name='shipline_open_idx'),
        ),
        migrations.AddField(
            model_name='customermonth',
            name='customer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.customer', verbose_name='customer'),
        ),
        migrations.AddField(
            model_name='customermonth',
            name='salesperson',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='salesperson'),
        ),
        migrations.AddField(
            model_name='productmonth',
            name='product',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.product', verbose_name='product'),
        ),
        migrations.AddField(
            model_name='productmonth',
            name='salesperson',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='salesperson'),
        ),
        migrations.AddField(
            model_name='salespersonmonth',
            name='salesperson',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sales_months', to=settings.AUTH_USER_MODEL, verbose_name='salesperson'),
        ),
        migrations.AddIndex(
            model_name='customermonth',
            index=models.Index(fields=['month', 'salesperson'], name='customermonth_month_idx'),
        ),
        migrations.AddConstraint(
            model_name='customermonth',
            constraint=models.UniqueConstraint(fields=('salesperson', 'customer', 'month'), name='customermonth_unique'),
        ),
        migrations.AddConstraint(
            model_name='customermonth',
            constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='customermonth_first_day'),
        ),
        migrations.AddConstraint(
            model_name='customermonth',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', Decimal('-0.005'))), name='customermonth_not_negative'),
        ),
        migrations.AddIndex(
            model_name='productmonth',
            index=models.Index(fields=['month', 'salesperson'], name='productmonth_month_idx'),
        ),
        migrations.AddConstraint(
            model_name='productmonth',
            constraint=models.UniqueConstraint(fields=('salesperson', 'product', 'month'), name='productmonth_unique'),
        ),
        migrations.AddConstraint(
            model_name='productmonth',
            constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='productmonth_first_day'),
        ),
        migrations.AddConstraint(
            model_name='productmonth',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gt', Decimal('-0.005')), ('amount__gt', Decimal('-0.005'))), name='productmonth_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='salespersonmonth',
            constraint=models.UniqueConstraint(fields=('salesperson', 'month'), name='salesmonth_unique'),
        ),
        migrations.AddConstraint(
            model_name='salespersonmonth',
            constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='salesmonth_first_day'),
        ),
        migrations.AddConstraint(
            model_name='salespersonmonth',
            constraint=models.CheckConstraint(condition=models.Q(('sales__gt', Decimal('-0.005')), ('cost__gt', Decimal('-0.005')), ('open_amount__gt', Decimal('-0.005')), ('returns__gt', Decimal('-0.005')), ('allowances__gt', Decimal('-0.005')), ('losses__gt', Decimal('-0.005')), ('received__gt', Decimal('-0.005'))), name='salesmonth_not_negative'),
        ),
        migrations.RunPython(fill, empty),
    ]
