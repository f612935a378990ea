"""The search of the shipment-line registers (表5-6, 5-12, 5-13): customer name, product
name, batch number or order number containing the text, case ignored (``icontains``).

A year of 5-12 is some 330,000 lines, and its count and 合计 row read every line the search
keeps, so the search is evaluated on the line table alone:

* the batch number is compared through ``batch_key``, the upper-cased copy the database
  keeps (a stored generated column, included in the date index): no ``UPPER()`` per line,
  and no visit to the table when the index covers the query;
* the customer, the product and the order are compared by key (``customer_id``,
  ``product_id``, ``order_id``, copied onto each line when it is shipped): the customers,
  products and orders whose name or number contains the text are looked up once per query
  in their own (small) tables — PostgreSQL hashes the keys found and probes each line,
  only for lines whose batch number did not match. On PostgreSQL the order numbers are
  found through their character pairs (``order_number_bigram_idx``, migration
  ``sales 0007``), the index shape of the customer search (``ledger.search``), and
  confirmed with ``LIKE``.

The lines found are exactly those of ``icontains`` on the four joined fields: the copied
keys are those of the joins (a shipped line's order, customer and product never change),
the pairs only narrow what ``LIKE`` confirms, and ``batch_key`` is ``UPPER(batch_number)``
compared with the text upper-cased by the same database function.
"""

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Upper

from ledger.models import Product
from ledger.search import containing, customers_named
from sales.models import Order

MAX_QUERY = 60


def search_shipment_lines(queryset: QuerySet, value: str) -> QuerySet:
    """The lines of ``queryset`` whose customer name, product name, batch number or order
    number contains ``value`` (case ignored; at most ``MAX_QUERY`` characters are used)."""
    value = (value or "").strip()[:MAX_QUERY]
    if not value:
        return queryset
    orders = containing(Order.objects.all(), ["number"], value)
    customers = customers_named(value).values("pk")
    products = Product.objects.filter(name__icontains=value).values("pk")
    return queryset.filter(
        Q(batch_key__contains=Upper(Value(value)))
        | Q(customer__in=customers)
        | Q(product__in=products)
        | Q(order__in=orders.values("pk"))
    )
