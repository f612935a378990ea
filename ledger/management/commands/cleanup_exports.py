from django.core.management.base import BaseCommand

from ledger.exports.runner import delete_expired_exports


class Command(BaseCommand):
    help = (
        "Delete the files of background exports past their keeping time "
        "(LEDGER_EXPORT_KEEP_DAYS); closed months are kept. Safe to run from cron."
    )

    def handle(self, *args, **options):
        deleted = delete_expired_exports()
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} expired export file(s)"))
