"""Filters of the customer-registry registers."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OWNER_ROLES, User
from accounts.selectors import owners_managed_by
from ledger.engine.filters import MonthFilter, RegisterFilterSet
from ledger.models import CreditRating, CustomerCategory, Product, ServiceKind
from ledger.search import search_customers
from ledger.selectors import customer_scope


def search_widget(placeholder):
    """The search box, saying what it searches (each filter gets its own widget)."""
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


# What each search matches, shown as the search box's placeholder.
PUBLIC_SEARCH = _("Customer name")
PERSONAL_SEARCH = _("Customer name, person, phone")


class CustomerFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=search_widget(PERSONAL_SEARCH)
    )
    category = django_filters.ChoiceFilter(
        label=_("customer category"), choices=CustomerCategory.choices
    )
    owner = django_filters.ModelChoiceFilter(label=_("owner"), queryset=User.objects.none())
    credit_rating = django_filters.ChoiceFilter(
        label=_("credit rating"), choices=CreditRating.choices
    )
    with_risk = django_filters.BooleanFilter(
        label=_("with risk warning"), method="filter_risk", widget=forms.CheckboxInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = customer_scope(self.data)
        self.details = scope != "public"
        if scope == "public":
            # The owner is a shared column of the 公共台账: every owner may be chosen.
            owners = User.objects.filter(role__in=OWNER_ROLES)
            del self.filters["credit_rating"]
            del self.filters["with_risk"]
            self.filters["q"].extra["widget"] = search_widget(PUBLIC_SEARCH)
        elif self.user.sees_everything or self.user.is_manager:
            owners = owners_managed_by(self.user, include_inactive=True)
        else:
            owners = User.objects.filter(pk=self.user.pk)
        self.filters["owner"].queryset = owners.order_by("username")

    def search(self, queryset, name, value):
        # The 公共台账 searches its shared columns only (the name), never details.
        return search_customers(queryset, value, details=self.details)

    def filter_risk(self, queryset, name, value):
        if value:
            return queryset.exclude(risk_warning="")
        return queryset


class ServiceRecordFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=search_widget(_("Customer name, person, content")),
    )
    kind = django_filters.ChoiceFilter(label=_("service type"), choices=ServiceKind.choices)
    month = MonthFilter(label=_("month received"), field_name="received_on")
    status = django_filters.ChoiceFilter(
        label=_("status"),
        method="filter_status",
        choices=[("open", _("open")), ("closed", _("handled"))],
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(customer__name__icontains=value)
            | Q(client_name__icontains=value)
            | Q(content__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        closed = Q(handled_on__isnull=False) & ~Q(result="")
        if value == "closed":
            return queryset.filter(closed)
        if value == "open":
            return queryset.exclude(closed)
        return queryset


class ProductFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=search_widget(_("Product code, name, spec"))
    )
    is_active = django_filters.BooleanFilter(
        label=_("in use"),
        widget=forms.Select(
            choices=[("", _("All")), ("true", _("In use")), ("false", _("Not in use"))]
        ),
    )

    class Meta:
        model = Product
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(spec__icontains=value)
        )
