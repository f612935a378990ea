from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from ledger.engine.query import parse_month
from ledger.engine.workbook import build_monthly_workbook


class Command(BaseCommand):
    help = (
        "Write the monthly workbook (one sheet per register) to an .xlsx file, or with "
        "--close close the month (月结): its workbook is made once, stored and listed on the "
        "月结 page (e.g. from cron on the first of the month)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-11")
        parser.add_argument("-o", "--output", help="the .xlsx file to write")
        parser.add_argument(
            "--close",
            action="store_true",
            help="close the month: make and keep its workbook (here, not by a worker)",
        )
        parser.add_argument(
            "--user",
            help="export as this user (default: the first active administrator)",
        )

    def handle(self, *args, month, output=None, close=False, user=None, **options):
        if parse_month(month) is None:
            raise CommandError(f"--month must be YYYY-MM, not {month!r}")
        if not output and not close:
            raise CommandError("give -o FILE.xlsx, --close, or both")
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user!r}")
        else:
            actor = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
            if actor is None:
                raise CommandError("no active administrator; pass --user")
        path = Path(output) if output else None
        if path is not None and path.parent and not path.parent.exists():
            raise CommandError(f"directory {path.parent} does not exist")
        if close:
            self._close(month, actor, path)
            return
        workbook = build_monthly_workbook(user=actor, month=month)
        workbook.save(path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({month}, as {actor.username})"))

    def _close(self, month, actor, path):
        from ledger.exports.runner import exports_storage, run_export_job
        from ledger.exports.services import month_close
        from ledger.models import ExportStatus, MonthClose

        if not actor.is_admin:
            raise CommandError("only an administrator closes a month; pass --user")
        existing = MonthClose.objects.filter(month=month).select_related("job").first()
        if existing is None:
            try:
                close = month_close(month=month, actor=actor)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        else:
            close = existing
        job = close.job
        if job.status != ExportStatus.DONE:
            if job.can_retry:
                job.status = ExportStatus.QUEUED
                job.save(update_fields=["status"])
            # Made here, at once: a worker that takes the queued task finds it done.
            status = run_export_job(job.pk)
            job.refresh_from_db()
            if status != ExportStatus.DONE:
                raise CommandError(f"closing {month} failed: {job.error or status}")
        verb = "was already closed" if existing is not None else "closed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{month} {verb} by {close.closed_by.username} at {close.closed_at:%Y-%m-%d %H:%M}"
                f" ({job.rows_total} rows, {job.size} bytes)"
            )
        )
        if path is not None:
            with exports_storage().open(job.file_name, "rb") as source:
                path.write_bytes(source.read())
            self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
