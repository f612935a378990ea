# The contract registers' search (表5-17 … 5-25): on PostgreSQL the contract number and name
# are indexed by their character pairs, the shape of the customer search (ledger.search).

from django.db import migrations

INDEXES = {
    "contract_number_bigram_idx": "ledger_bigrams(UPPER(number))",
    "contract_name_bigram_idx": "ledger_bigrams(UPPER(name))",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, expression in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON contracts_contract USING gin ({expression})"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_search_key_and_primary_contact_index"),
        ("contracts", "0004_counters_to_ledger"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
