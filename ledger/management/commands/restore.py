"""Restore a backup into a fresh database and check it:
``python manage.py restore DUMP --into TARGET [--create]``.

TARGET is a database URL (``postgres://user@host:5432/ledger_restored``) or an SQLite file
path; it must be new or empty. After the restore the database is compared with the backup's
manifest (row counts per table, the history chain's head) and its history chain is verified;
the exit status is non-zero when anything differs.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ledger import backup
from ledger.management.commands.verify_restore import report


class Command(BaseCommand):
    help = "Restore a backup into a fresh database, then check counts and the history chain."

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path)
        parser.add_argument(
            "--into", required=True, help="Database URL or SQLite path of a fresh database."
        )
        parser.add_argument(
            "--create", action="store_true", help="Create the PostgreSQL database first."
        )
        parser.add_argument("--no-check", action="store_true", help="Restore only.")

    def handle(self, *args, dump, into, create, no_check, **options):
        try:
            config = backup.restore(dump, into, create=create)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {dump} into {config['NAME']}")
        if not no_check:
            manifest = backup.Manifest.read(backup.manifest_path(dump))
            report(self, backup.check(manifest, config))
