from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contract ledgers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Which contract a sales order may name is this family's rule: given to the sales
        # family here (it never imports this one; see sales.contract_links).
        from contracts import selectors
        from sales.contract_links import ContractRule, set_contract_rule

        set_contract_rule(
            ContractRule(
                visible=selectors.contracts_visible_to,
                linkable=selectors.contracts_taking_orders,
            )
        )
        # Contracts and their review steps carry a copy of their customer's owner (the
        # registers' rule, contracts.services.readers): kept when a customer changes owner.
        from contracts.services.readers import customers_owner_changed
        from ledger.signals import customer_owner_changed

        customer_owner_changed.connect(customers_owner_changed, dispatch_uid="review_readers")
