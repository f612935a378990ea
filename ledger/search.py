"""The customer search: name, person and phone digits, in any language.

The 公共台账 shows only the shared columns, so its search looks at the customer name
alone (``details=False``): a phone number or a person's name must not find a customer
whose details the user may not see. The 个人台账 searches name, person and phone digits
over the customers it lists, which are already those the user may see in detail.

Chinese names have no spaces and searches are often two characters (恒通), too short for
trigram indexes. On PostgreSQL the normalised ``search_key`` is indexed by its character
pairs (``ledger_bigrams``, a GIN expression index created in migration 0003): a search of
two or more characters looks its pairs up in the index and confirms with ``LIKE``. Other
databases, and one-character searches, use ``LIKE`` alone.
"""

from collections.abc import Sequence

from django.contrib.postgres.fields import ArrayField
from django.db import connections, models
from django.db.models import Func, Q, QuerySet, Value
from django.db.models.functions import Upper

from ledger.models.customers import name_key

MAX_QUERY = 100


class Bigrams(Func):
    function = "ledger_bigrams"
    output_field = ArrayField(models.TextField())


def bigrams(text: str) -> list[str]:
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def search_customers(queryset: QuerySet, value: str, *, details: bool = False) -> QuerySet:
    """Customers of ``queryset`` matching ``value``: by name only unless ``details``.

    ``details=True`` is for querysets limited to customers the user may see in detail.
    """
    key = name_key(value)[:MAX_QUERY]
    if not key:
        return queryset
    # The name is the first part of search_key, so the pair index still narrows a
    # name-only search; the LIKE on name_key then confirms it.
    lookup = "search_key__contains" if details else "name_key__contains"
    matches = queryset.filter(**{lookup: key})
    if len(key) >= 2 and connections[queryset.db].vendor == "postgresql":
        matches = matches.alias(search_pairs=Bigrams("search_key")).filter(
            search_pairs__contains=bigrams(key)
        )
    return matches


def containing(queryset: QuerySet, fields: Sequence[str], value: str) -> QuerySet:
    """Rows of ``queryset`` where one of ``fields`` contains ``value``, case ignored: exactly
    ``icontains`` on each. On PostgreSQL, for two characters or more, each field is first
    looked up by its character pairs — the GIN index ``ledger_bigrams(UPPER(field))`` that
    the model's migration creates (contract number and name, order number) — so the
    ``LIKE`` only confirms: every pair of the upper-cased text is a pair of a field that
    contains it."""
    matches = queryset.filter(_any(Q(**{f"{f}__icontains": value}) for f in fields))
    if len(value) >= 2 and connections[queryset.db].vendor == "postgresql":
        wanted = Bigrams(Upper(Value(value)))
        pairs = {f"_pairs_{f}": Bigrams(Upper(f)) for f in fields}
        matches = matches.alias(**pairs).filter(
            _any(Q(**{f"{name}__contains": wanted}) for name in pairs)
        )
    return matches


def customers_named(value: str) -> QuerySet:
    """Customers whose name contains ``value``, case ignored (``icontains``), found through
    the registry's pair index on PostgreSQL: a name containing the text has a ``search_key``
    containing the text's ``name_key``."""
    from ledger.models import Customer

    customers = Customer.objects.filter(name__icontains=value)
    key = name_key(value)[:MAX_QUERY]
    if len(key) >= 2 and connections[customers.db].vendor == "postgresql":
        customers = customers.alias(search_pairs=Bigrams("search_key")).filter(
            search_pairs__contains=bigrams(key)
        )
    return customers


def _any(conditions) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined
