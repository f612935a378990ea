from django.db import migrations, models

BIGRAMS = """
CREATE OR REPLACE FUNCTION ledger_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
    FROM generate_series(1, length(t) - 1) AS i
$$
"""


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


def bigram_index(apps, schema_editor):
    """On PostgreSQL, index the search column by its character pairs (see ledger.search)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_search_bigram_idx "
        "ON ledger_customer USING gin (ledger_bigrams(search_key))"
    )


def drop_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_search_bigram_idx")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_bigrams(text)")


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
        migrations.RunPython(bigram_index, drop_bigram_index),
    ]
