"""Filters of the contract registers (表5-17 … 5-25)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ledger.engine.filters import MonthFilter, RegisterFilterSet


def search_widget(placeholder):
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


class YearFilter(django_filters.NumberFilter):
    """Rows whose date falls in one calendar year (``?year=2026``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, **kwargs)
        self.extra.setdefault("min_value", 1900)
        self.extra.setdefault("max_value", 9999)


MAX_SEARCH = 60


def contract_search(prefix: str):
    """A search over the contract's number and name and the customer's name (``icontains``
    on each, case ignored; at most ``MAX_SEARCH`` characters are used).

    Written as two small sets looked up once per query — the contracts whose number or name
    contains the text, the customers whose name does — so the register's own rows are not
    joined to test it. On PostgreSQL both sets are narrowed through character-pair indexes
    (contracts: ``contract_number_bigram_idx`` / ``contract_name_bigram_idx``, migration
    ``contracts 0005``; customers: the registry's ``search_key`` index, see
    ``ledger.search``) before ``LIKE`` confirms them, so the rows found are exactly those of
    ``icontains``.
    """

    def search(self, queryset, name, value):
        from contracts.models import Contract
        from ledger.search import containing, customers_named

        value = value.strip()[:MAX_SEARCH]
        if not value:
            return queryset
        contracts = containing(Contract.objects.all(), ["number", "name"], value)
        own = "pk" if not prefix else f"{prefix.removesuffix('__')}_id"
        return queryset.filter(
            Q(**{f"{own}__in": contracts.values("pk")})
            | Q(**{f"{prefix}customer_id__in": customers_named(value).values("pk")})
        )

    return search


CONTRACT_SEARCH = _("Contract number, name, customer")


class ContractRowFilter(RegisterFilterSet):
    """Registers with one row per contract (5-18, 5-19)."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=search_widget(CONTRACT_SEARCH)
    )
    year = YearFilter(label=_("year signed"), field_name="signed_on")
    search = contract_search("")


class ContractLineFilter(RegisterFilterSet):
    """Registers with one row per contract line (5-17, 5-21)."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=search_widget(CONTRACT_SEARCH)
    )
    search = contract_search("contract__")


class ReviewStepFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=search_widget(CONTRACT_SEARCH)
    )
    month = MonthFilter(label=_("month reviewed"), field_name="signed_at")
    search = contract_search("round__contract__")


class InspectionFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=search_widget(CONTRACT_SEARCH)
    )
    month = MonthFilter(label=_("month inspected"), field_name="inspected_on")
    search = contract_search("contract__")


class TextUseFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=search_widget(_("Text name, source, user")),
    )
    month = MonthFilter(label=_("month of use"), field_name="used_on")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(text_name__icontains=value)
            | Q(text_source__icontains=value)
            | Q(user_name__icontains=value)
        )


class AuthorizationFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=search_widget(_("Number, name, agent, matter")),
    )
    year = YearFilter(label=_("year issued"), field_name="issued_on")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(holder_name__icontains=value)
            | Q(agent__icontains=value)
            | Q(matter__icontains=value)
        )


class ArchiveFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=search_widget(CONTRACT_SEARCH)
    )
    year = YearFilter(label=_("year archived"), field_name="archived_on")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(contract__number__icontains=value)
            | Q(contract__name__icontains=value)
        )
