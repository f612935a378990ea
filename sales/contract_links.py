"""The contract an order is placed under (``Order.contract``), as the sales family sees it.

Dependencies point one way (DESIGN.md): the contract family may read the sales family, the
sales family never imports the contract family. Yet which contract an order may name is the
contract family's rule — who may see a contract, and in which states it takes orders. So the
contract family installs that rule here at start-up (``ContractsConfig.ready`` calls
``set_contract_rule``), as ``ledger.engine.signatures`` takes its review signer; the order
form and the order services ask this module, never the contract modules. Without a rule
installed no order may name a contract.

The rule, as the services apply it (``check_order_contract``):

- the contract is one the user may see (else refused without saying more, as a 404 would);
- it is the order's own customer's contract;
- a new link names a contract signed (已盖章) or in force (已生效): the rule's ``linkable``
  set. A link made earlier stays when its contract moves on (已完成, 已归档), and the order
  form keeps offering it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from accounts.models import User
    from sales.models import Order


@dataclass(frozen=True)
class ContractRule:
    """The contract family's answers: ``visible(user)`` the contracts the user may see;
    ``linkable(user)`` those of them an order may be placed under now. Both querysets of
    the contract model, one query each when evaluated."""

    visible: Callable[[Any], QuerySet]
    linkable: Callable[[Any], QuerySet]


_rule: ContractRule | None = None


def set_contract_rule(rule: ContractRule | None) -> None:
    """Install the contract family's rule (at start-up; tests may swap it)."""
    global _rule
    _rule = rule


def contract_model():
    """The contract model, read off the order's field (no import of the contract family)."""
    from sales.models import Order

    return Order._meta.get_field("contract").related_model


def linkable_contracts(user: User) -> QuerySet:
    """The contracts ``user`` may place an order under now (any customer's); none without
    a rule."""
    if _rule is None:
        return contract_model().objects.none()
    return _rule.linkable(user)


def contract_choices(user: User, order: Order | None = None, *, customer_id: Any) -> QuerySet:
    """The order form's 合同 choices for the customer ``customer_id``: the customer's
    ``linkable_contracts``, and the order's current contract whatever its state now (a link
    made earlier stays selectable). None without a customer."""
    model = contract_model()
    if not customer_id:
        return model.objects.none()
    choices = Q(pk__in=linkable_contracts(user).values("pk"))
    if order is not None and order.contract_id:
        choices |= Q(pk=order.contract_id)
    return model.objects.filter(choices, customer_id=customer_id)


def visible_contract(user: User, contract_id: int | None):
    """The contract ``contract_id`` if ``user`` may see it, else None (one query)."""
    if _rule is None or not contract_id:
        return None
    return _rule.visible(user).filter(pk=contract_id).first()


def check_order_contract(
    *, actor: User, order: Order, contract: Any, previous_id: int | None
) -> None:
    """Refuse a contract the order may not name (the rule of the module), with the reason
    in words. ``previous_id`` is the contract the order named before this change: keeping
    it is not a new link, so only the customer is checked again."""
    if contract is None:
        return
    linkable = True
    if contract.pk != previous_id:
        # One query when the link is allowed; a second one only to word a refusal.
        linkable = _rule is not None and _rule.linkable(actor).filter(pk=contract.pk).exists()
        if not linkable and (
            _rule is None or not _rule.visible(actor).filter(pk=contract.pk).exists()
        ):
            raise ValidationError(
                {"contract": _("You may not place an order under this contract.")}
            )
    if contract.customer_id != order.customer_id:
        raise ValidationError(
            {
                "contract": _("Contract %(number)s is not a contract of this order's customer.")
                % {"number": contract.number}
            }
        )
    if not linkable:
        raise ValidationError(
            {
                "contract": _(
                    "Contract %(number)s is %(state)s: only a sealed contract or one in "
                    "force takes orders."
                )
                % {"number": contract.number, "state": contract.get_status_display()}
            }
        )
