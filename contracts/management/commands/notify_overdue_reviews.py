"""Remind the 销售助理 and the managers of contract reviews past their deadline (cron)."""

from django.core.management.base import BaseCommand

from contracts.services.reviews import notify_overdue_reviews


class Command(BaseCommand):
    help = "E-mail one reminder per contract review past its deadline (run daily)."

    def handle(self, *args, **options):
        count = notify_overdue_reviews()
        self.stdout.write(f"{count} overdue review(s) reminded")
