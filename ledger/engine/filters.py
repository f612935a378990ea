"""The base of every register's filter set."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from ledger.engine.query import parse_month


class RegisterFilterSet(django_filters.FilterSet):
    """A django-filter FilterSet that knows who is filtering.

    Dropdowns that list people or customers must be limited in ``__init__`` with the
    same selectors that limit the rows.
    """

    def __init__(self, data=None, queryset=None, *, user, register=None, **kwargs):
        self.user = user
        self.register = register
        super().__init__(data, queryset, **kwargs)


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (the browser's ``<input type=month>``)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def clean(self, value):
        value = super().clean(value)
        if value and parse_month(value) is None:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-11."))
        return value


class MonthFilter(django_filters.Filter):
    """Rows whose date field falls in one calendar month (Asia/Shanghai)."""

    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        from ledger.engine.query import month_filter

        return qs.filter(**month_filter(qs.model, self.field_name, value))
