"""The customer search: name, person and phone digits, in any language.

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


def search_customers(queryset: QuerySet, value: str) -> QuerySet:
    key = name_key(value)[:MAX_QUERY]
    if not key:
        return queryset
    matches = queryset.filter(search_key__contains=key)
    if len(key) >= 2 and connections[queryset.db].vendor == "postgresql":
        matches = matches.alias(search_pairs=Bigrams("search_key")).filter(
            search_pairs__contains=bigrams(key)
        )
    return matches
