from django.core.management.base import BaseCommand

from fixtures.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo organisation (users of every role, customers, products). Safe to run twice."
    )

    def handle(self, *args, **options):
        created = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created['users']} users, {created['customers']} new customers, "
                f"{created['products']} new products. Demo password: {DEMO_PASSWORD}"
            )
        )
