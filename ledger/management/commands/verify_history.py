"""Check the history hash chain: ``python manage.py verify_history``.

Exit status 0 when every history row and seal is intact, 1 (with the first broken link on
stderr) when not. ``--seal-existing`` first seals rows written before sealing began.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from ledger import integrity


class Command(BaseCommand):
    help = "Verify the tamper-evident history chain; name the first broken link."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal-existing",
            action="store_true",
            help="Seal the history rows that have no seal yet (rows written before the chain "
            "existed), then verify.",
        )
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help="Also require the chain's last hash to be HASH (recorded elsewhere earlier, "
            "e.g. in a backup's manifest).",
        )
        parser.add_argument(
            "--limit", type=int, default=20, help="List at most this many broken links."
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, seal_existing, expect_head, limit, database, verbosity, **options):
        started = time.monotonic()
        if seal_existing:

            def progress(label, count):
                self.stdout.write(f"sealed {count} rows of {label}")

            sealed = integrity.seal_existing(using=database, progress=progress)
            self.stdout.write(f"sealed {sealed} existing rows")
        report = integrity.verify(using=database, limit=max(limit, 1))
        elapsed = time.monotonic() - started
        summary = (
            f"{report.seals} seals, {report.rows} history rows, head #{report.head_sequence} "
            f"{report.head_hash}, {elapsed:.1f} s"
        )
        if expect_head and expect_head != report.head_hash and report.ok:
            raise CommandError(
                f"history chain does not end where expected: head {report.head_hash}, "
                f"expected {expect_head} ({summary})"
            )
        if report.ok:
            if verbosity:
                self.stdout.write(f"history chain intact: {summary}")
            return
        for item in sorted(report.breaks, key=lambda b: b.order)[:limit]:
            self.stderr.write(f"broken: {item}")
        raise CommandError(
            f"history chain broken at {report.first} ({len(report.breaks)} problem(s); {summary})"
        )
