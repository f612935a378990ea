"""表5-20 lists the signed boxes of 5-14 newest first: an index on the signing time of
signed steps, so its first page is an index scan over 300,000 steps, not a sort.

Declared here (SQL, no model state) because the review step belongs to the review
workflow; the index serves the register alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_records")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX reviewstep_signed_at_idx ON contracts_reviewstep "
            "(signed_at DESC, id DESC) WHERE opinion <> ''",
            "DROP INDEX reviewstep_signed_at_idx",
        )
    ]
