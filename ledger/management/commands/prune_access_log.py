"""Remove access-log rows older than the retention (``LEDGER_ACCESS_LOG_DAYS``)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from ledger.supervision.services import access_log_prune


class Command(BaseCommand):
    help = "Remove access-log rows older than LEDGER_ACCESS_LOG_DAYS days (or --days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        days = settings.LEDGER_ACCESS_LOG_DAYS if days is None else days
        if days < 0:
            self.stderr.write("--days must be 0 or more")
            return
        removed = access_log_prune(days=days)
        self.stdout.write(f"{removed} access-log rows older than {days} days removed")
