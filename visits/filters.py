"""Filters of the visit registers; their dropdowns list only what the user may see."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from ledger.engine.filters import RegisterFilterSet
from visits.selectors import salespeople_visible_to


class SalespersonFilter(RegisterFilterSet):
    """One salesperson's rows (表5-27, 5-30): the people the user may see."""

    salesperson = django_filters.ModelChoiceFilter(
        label=_("salesperson"), queryset=User.objects.none()
    )

    class Meta:
        fields = ["salesperson"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["salesperson"].queryset = salespeople_visible_to(self.user)


class ScheduleFilter(RegisterFilterSet):
    """表5-28: one schedule (week or day) of the schedules the user may see."""

    # A number, not a dropdown: a manager sees hundreds of schedules over the years, and
    # the rows are limited to the visible ones by the register's selector anyway.
    schedule = django_filters.NumberFilter(
        label=_("schedule number"), field_name="schedule_id", widget=forms.HiddenInput
    )
    salesperson = django_filters.ModelChoiceFilter(
        label=_("salesperson"), field_name="schedule__salesperson", queryset=User.objects.none()
    )

    class Meta:
        fields = ["schedule", "salesperson"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["salesperson"].queryset = salespeople_visible_to(self.user)


class ReportFilter(RegisterFilterSet):
    """The list of 表5-29 reports: by visitor, signed or not."""

    visitor = django_filters.ModelChoiceFilter(label=_("visitor"), queryset=User.objects.none())
    unsigned = django_filters.BooleanFilter(
        label=_("not yet signed"), field_name="signed_at", lookup_expr="isnull"
    )

    class Meta:
        fields = ["visitor", "unsigned"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["visitor"].queryset = salespeople_visible_to(self.user)
