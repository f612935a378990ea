from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from ledger.engine.query import parse_month
from ledger.engine.workbook import build_monthly_workbook


class Command(BaseCommand):
    help = "Write the monthly workbook (one sheet per register) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-11")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument(
            "--user",
            help="export as this user (default: the first active administrator)",
        )

    def handle(self, *args, month, output, user=None, **options):
        if parse_month(month) is None:
            raise CommandError(f"--month must be YYYY-MM, not {month!r}")
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user!r}")
        else:
            actor = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
            if actor is None:
                raise CommandError("no active administrator; pass --user")
        path = Path(output)
        if path.parent and not path.parent.exists():
            raise CommandError(f"directory {path.parent} does not exist")
        workbook = build_monthly_workbook(user=actor, month=month)
        workbook.save(path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({month}, as {actor.username})"))
