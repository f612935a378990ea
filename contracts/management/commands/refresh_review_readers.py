"""Rewrite the copies of the owners the registers' rule reads (each contract's customer's
owner; each review step's contract owner and customer owner), or check them (``--check``).

The services keep the copies as owners change; this is for data written around them (a
restore of only some tables, a bulk load, a hand-made correction in the database).
"""

from django.core.management.base import BaseCommand, CommandError

from contracts.services.readers import refresh_readers, stale_contracts, stale_steps


class Command(BaseCommand):
    help = (
        "Rewrite the copies of the owners the contract registers' rule reads (each contract's "
        "customer's owner, each review step's contract and customer owners); --check only "
        "compares and fails on a difference."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="compare with the contracts, change nothing"
        )

    def handle(self, *args, check=False, **options):
        if check:
            contracts, steps = stale_contracts(), stale_steps()
            count = contracts.count() + steps.count()
            for number in contracts.values_list("number", flat=True)[:50]:
                self.stdout.write(f"{number}: the customer's owner differs")
            for step in steps.select_related("round__contract")[:50]:
                self.stdout.write(f"{step.round.contract.number} {step.box}: the owners differ")
            if count:
                raise CommandError(
                    f"{count} contracts and review steps name other owners than their "
                    "customers and contracts: run refresh_review_readers"
                )
            self.stdout.write("every contract and review step names its owners")
            return
        count = refresh_readers()
        self.stdout.write(f"rewrote the owners of {count:,} contracts and review steps")
