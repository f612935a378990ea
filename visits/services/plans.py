"""表5-27: a salesperson's yearly plan of visits per customer and month."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.models import Customer
from ledger.services.base import lock_version
from visits.models import VisitPlan
from visits.rules import may_plan_visits
from visits.selectors import reportable_customers
from visits.services.common import refuse

MONTH_FIELDS = tuple(f"m{m}" for m in range(1, 13))


def _check_customer(actor: User, customer: Customer, contact) -> None:
    if not reportable_customers(actor).filter(pk=customer.pk).exists():
        raise refuse(_("You may not plan visits to this customer."), "customer")
    if contact is not None and contact.customer_id != customer.pk:
        raise refuse(_("The person to visit is not a contact of this customer."), "contact")


@transaction.atomic
def visit_plan_save(
    *,
    actor: User,
    year: int,
    customer: Customer,
    data: Mapping[str, Any],
    plan: VisitPlan | None = None,
    expected_version: int | None = None,
) -> VisitPlan:
    """Plan the actor's visits to ``customer`` in ``year`` (new, or change ``plan``).

    Who: salespeople and managers, for their own plan and customers whose details they
    see. A plan changed since its form was opened is refused (stale version).
    """
    if not may_plan_visits(actor):
        raise PermissionDenied
    contact = data.get("contact")
    _check_customer(actor, customer, contact)
    if plan is None:
        if VisitPlan.objects.filter(salesperson=actor, year=year, customer=customer).exists():
            raise refuse(
                _("%(customer)s is already in your plan for %(year)s.")
                % {"customer": customer.name, "year": year},
                "customer",
            )
        plan = VisitPlan(salesperson=actor, year=year, customer=customer)
    else:
        if plan.salesperson_id != actor.pk:
            raise PermissionDenied
        plan = lock_version(plan, expected_version or 0)
        plan.version += 1
    plan.contact = contact
    for field in MONTH_FIELDS:
        if field in data:
            setattr(plan, field, data[field] or 0)
    plan.full_clean()
    plan._history_user = actor
    plan.save()
    return plan
