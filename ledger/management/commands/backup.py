"""Back up the database: ``python manage.py backup [--output-dir DIR] [--keep N]``.

PostgreSQL: ``pg_dump --format=custom``; SQLite: the online backup API. Beside the dump a
manifest (``….json``) records the row count of every table and the history chain's head, from
the same snapshot; ``restore`` checks a restored database against it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ledger import backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database and its manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            help="Where to write (default: $LEDGER_BACKUP_DIR, else var/backups).",
        )
        parser.add_argument("--name", help="File name without suffix (default: ledger-<time>).")
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="Afterwards keep only the newest N backups in the directory (0: keep all).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output_dir, name, keep, database, **options):
        output_dir = output_dir or backup.default_output_dir()
        try:
            dump, manifest = backup.backup(output_dir, using=database, name=name)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"backup written: {dump} ({manifest.size} bytes, {len(manifest.tables)} tables, "
            f"{rows} rows, history head #{manifest.history_head['sequence']})"
        )
        for removed in backup.prune(output_dir, keep):
            self.stdout.write(f"removed old backup {removed}")
