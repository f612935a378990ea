"""Filters of the plan lists (表5-2, 5-4, 5-5 at /forms/<code>/) and of 表5-3: the
salesperson dropdown lists only the people whose plans the user may see."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import OWNER_ROLES, User
from accounts.selectors import owners_managed_by
from ledger.engine.filters import RegisterFilterSet
from ledger.models import Customer
from sales.selectors_plans import plan_customer_choices


def owner_filter_choices(user: User):
    """The salespeople whose plans ``user`` may see (the same rule as the rows)."""
    if user.sees_everything or user.is_manager:
        return owners_managed_by(user, include_inactive=True).order_by("username")
    if user.role in OWNER_ROLES:
        return User.objects.filter(pk=user.pk)
    return User.objects.none()


class PlanFilter(RegisterFilterSet):
    owner = django_filters.ModelChoiceFilter(label=_("sales staff"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = owner_filter_choices(self.user)


class AnnualPlanFilter(PlanFilter):
    year = django_filters.NumberFilter(label=_("year"), min_value=2000, max_value=2100)


class MonthPlanFilter(PlanFilter):
    customer = django_filters.ModelChoiceFilter(
        label=_("customer"), queryset=Customer.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["customer"].queryset = plan_customer_choices(self.user)
