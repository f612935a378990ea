"""Rebuild the sales family's monthly roll-ups from the facts, or check them (``--check``).

The services keep the roll-ups as they record facts; this is for data written around them
(a restore of only some tables, a bulk load, a hand-made correction in the database).
"""

from django.core.management.base import BaseCommand, CommandError

from sales.services.rollups import rebuild_rollups, rollup_differences


class Command(BaseCommand):
    help = (
        "Rebuild the monthly sales roll-ups (表5-11, the sales dashboard) from the shipments, "
        "receipts and adjustments; --check only compares and fails on a difference."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="compare with the facts, change nothing"
        )

    def handle(self, *args, check=False, **options):
        if check:
            differences = rollup_differences()
            for model, key, field, stored, expected in differences[:50]:
                self.stdout.write(f"{model} {key} {field}: stored {stored}, facts {expected}")
            if differences:
                raise CommandError(
                    f"{len(differences)} roll-up figures differ from the facts: "
                    "run rebuild_sales_rollups"
                )
            self.stdout.write("the sales roll-ups agree with the facts")
            return
        counts = rebuild_rollups()
        self.stdout.write(
            "rebuilt the sales roll-ups: "
            + ", ".join(f"{name} {count:,} rows" for name, count in counts.items())
        )
