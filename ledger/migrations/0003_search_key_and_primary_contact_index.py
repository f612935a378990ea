from django.db import migrations, models, transaction


def fill_search_keys(apps, schema_editor):
    from ledger.models.customers import search_key

    Customer = apps.get_model("ledger", "Customer")
    batch = []
    for customer in Customer.objects.only("pk", "name", "person_name", "phone").iterator(2000):
        customer.search_key = search_key(customer.name, customer.person_name, customer.phone)
        batch.append(customer)
        if len(batch) == 2000:
            Customer.objects.bulk_update(batch, ["search_key"])
            batch = []
    Customer.objects.bulk_update(batch, ["search_key"])


def trigram_index(apps, schema_editor):
    """On PostgreSQL, a trigram index makes searches of 3+ characters use an index."""
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS customer_search_trgm_idx "
                "ON ledger_customer USING gin (search_key gin_trgm_ops)"
            )
    except Exception:
        # Without the extension the search still works, by a sequential scan.
        pass


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_contact_name_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="search_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=240),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("kind", "primary")),
                fields=["customer", "id"],
                name="contact_primary_idx",
            ),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
