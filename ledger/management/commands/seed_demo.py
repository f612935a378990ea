from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from fixtures.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo organisation (users of every role, customers, products). Safe to run twice."
    )

    def handle(self, *args, **options):
        # The demo's workflows (reviews, notices, overdue reminders) would mail the demo users;
        # those messages are kept in memory and counted, not printed or sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            previous = getattr(mail, "outbox", None)
            mail.outbox = []
            try:
                created = load_demo()
                held = len(mail.outbox)
            finally:
                if previous is None:
                    del mail.outbox
                else:
                    mail.outbox = previous
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created['users']} users, {created['customers']} new customers, "
                f"{created['products']} new products. Demo password: {DEMO_PASSWORD}"
            )
        )
        if held:
            self.stdout.write(f"{held} workflow e-mails of the demo data were not sent.")
