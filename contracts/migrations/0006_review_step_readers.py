# The registers' rule for a salesperson or a department manager reads copies of the owners it
# is about (contracts.services.readers): each contract carries its customer's owner, each
# review step its contract's owner and its customer's owner, filled here. The index of signed
# steps (0003) holds both on PostgreSQL, so a department's decisions of a year (表5-20) are
# counted and paged from that index alone.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

OLD_INDEX = (
    "CREATE INDEX reviewstep_signed_at_idx ON contracts_reviewstep "
    "(signed_at DESC, id DESC) WHERE opinion <> ''"
)
NEW_INDEX = (
    "CREATE INDEX reviewstep_signed_at_idx ON contracts_reviewstep "
    "(signed_at DESC, id DESC) INCLUDE (contract_owner_id, customer_owner_id) "
    "WHERE opinion <> ''"
)


def fill_readers(apps, schema_editor):
    ReviewStep = apps.get_model("contracts", "ReviewStep")
    Contract = apps.get_model("contracts", "Contract")
    Customer = apps.get_model("ledger", "Customer")
    customer = Customer.objects.filter(pk=OuterRef("customer_id"))
    Contract.objects.update(customer_owner_id=Subquery(customer.values("owner_id")))
    contract = Contract.objects.filter(rounds=OuterRef("round_id"))
    ReviewStep.objects.update(
        contract_owner_id=Subquery(contract.values("owner_id")[:1]),
        customer_owner_id=Subquery(contract.values("customer__owner_id")[:1]),
    )


def covering_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reviewstep_signed_at_idx")
        schema_editor.execute(NEW_INDEX)


def plain_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reviewstep_signed_at_idx")
        schema_editor.execute(OLD_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0005_contract_search_pairs"),
        ("ledger", "0013_number_counters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="customer_owner",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="customer's owner",
            ),
        ),
        migrations.AddField(
            model_name="reviewstep",
            name="contract_owner",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="contract's handler",
            ),
        ),
        migrations.AddField(
            model_name="reviewstep",
            name="customer_owner",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="customer's owner",
            ),
        ),
        migrations.RunPython(fill_readers, migrations.RunPython.noop),
        migrations.RunPython(covering_index, plain_index),
    ]
