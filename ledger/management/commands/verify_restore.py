"""Compare a database with a backup's manifest: ``python manage.py verify_restore MANIFEST
[--database-url URL]`` — the same tables with the same row counts, a history chain that
verifies and ends where the backup's did. Non-zero exit status when anything differs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ledger import backup


def report(command: BaseCommand, result: backup.RestoreCheck) -> None:
    if not result.ok:
        for difference in result.differences:
            command.stderr.write(f"differs: {difference}")
        raise CommandError(f"restore check failed: {len(result.differences)} difference(s)")
    command.stdout.write(
        f"restore check passed: {result.tables} tables, {result.rows} rows as in the backup; "
        f"history chain intact ({result.history.seals} seals, head "
        f"#{result.history.head_sequence})"
    )


class Command(BaseCommand):
    help = "Check a (restored) database against a backup's manifest."

    def add_arguments(self, parser):
        parser.add_argument("manifest", type=Path)
        parser.add_argument(
            "--database-url", help="The database to check (default: the application's)."
        )

    def handle(self, *args, manifest, database_url, **options):
        try:
            data = backup.Manifest.read(manifest)
        except (OSError, ValueError, TypeError) as exc:
            raise CommandError(f"cannot read {manifest}: {exc}") from exc
        config = backup.target_config(database_url) if database_url else None
        report(self, backup.check(data, config))
