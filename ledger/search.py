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

from django.contrib.postgres.fields import ArrayField
from django.db import connections, models
from django.db.models import Func, QuerySet

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
