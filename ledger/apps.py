from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Customer ledger")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ledger import checks  # noqa: F401  (registers the system checks)
        from ledger.engine import site
        from ledger.workflow import inbox

        # Every installed app may declare registers in its registers.py, as admin.py.
        autodiscover_modules("registers", register_to=site)
        # ... documents (one record printed as its own form) in documents.py, to the same
        # site: the index, the menus and the checks list them beside the registers.
        autodiscover_modules("documents", register_to=site)
        # And what waits for whom (待我处理) in its inbox.py.
        autodiscover_modules("inbox", register_to=inbox)

        # The printed registers' 审核 / 复核 line: the review of the printed period.
        from ledger.engine.signatures import set_review_signer
        from ledger.supervision.selectors import review_signature

        set_review_signer(review_signature)
        # Every history row (simple-history, workflow trail) is sealed into the hash chain.
        from ledger import integrity

        integrity.connect()

        # django-axes names its admin section after its label ("Axes"): give it a Chinese name.
        from django.apps import apps

        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Login lockout")
