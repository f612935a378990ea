"""Monthly roll-ups of the sales facts: what 表5-11 and the manager's dashboard read
instead of summing a million shipment lines on every look.

Each row is a set of sums over facts of one month (``month`` is its first day), grouped by
the order's 承办人 (``salesperson``) and, for the dashboard's top lists, by customer or
product. The services that record a fact (``sales.services.orders``: shipments, receipts,
returns/allowances/write-offs, the change of an order's 承办人) add to the rows it touches
in the same transaction, so after every commit a row equals the same sums recomputed from
the facts. ``sales.services.rollups`` holds both sides: the writers, the recomputation,
the comparison of the two (``rollup_differences``) and the rebuild (``manage.py
rebuild_sales_rollups``, also run by the loaders that write facts in bulk: the demo data
and the benchmarks' generators).

A row whose facts moved away (an order handed to another 承办人) stays, with zeros: the
readers treat a missing row and a row of zeros alike; a rebuild drops it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["CustomerMonth", "ProductMonth", "SalespersonMonth"]

# Sums of many 14-digit amounts: two more digits than one fact's.
SUM = {"max_digits": 16, "decimal_places": 2, "default": 0, "editable": False}
# "Not below zero" with half a cent to spare: SQLite adds decimals as floats, so a sum that
# comes back to zero may land a hair under it; amounts are whole cents, so no real
# negative slips through.
NOT_NEGATIVE = Decimal("-0.005")


class SalespersonMonth(models.Model):
    """One salesperson's month: their orders' shipments (by shipping date), returns,
    allowances and write-offs (by their date), receipts (by the date received), and what
    is still owed for the month's shipment lines."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="sales_months",
    )
    month = models.DateField(_("month"))
    lines = models.PositiveIntegerField(_("shipment lines"), default=0, editable=False)
    sales = models.DecimalField(_("amount"), **SUM)
    cost = models.DecimalField(_("cost"), **SUM)
    # Σ (amount − paid_amount) of the month's shipment lines, as paid so far.
    open_amount = models.DecimalField(_("owed"), **SUM)
    returns = models.DecimalField(_("Sales return"), **SUM)
    allowances = models.DecimalField(_("Sales allowance"), **SUM)
    losses = models.DecimalField(_("Sales write-off"), **SUM)
    received = models.DecimalField(_("received"), **SUM)

    class Meta:
        ordering = ["salesperson_id", "month"]
        verbose_name = _("salesperson's month")
        verbose_name_plural = _("salespeople's months")
        constraints = [
            models.UniqueConstraint(fields=["salesperson", "month"], name="salesmonth_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="salesmonth_first_day"),
            models.CheckConstraint(
                condition=Q(sales__gt=NOT_NEGATIVE)
                & Q(cost__gt=NOT_NEGATIVE)
                & Q(open_amount__gt=NOT_NEGATIVE)
                & Q(returns__gt=NOT_NEGATIVE)
                & Q(allowances__gt=NOT_NEGATIVE)
                & Q(losses__gt=NOT_NEGATIVE)
                & Q(received__gt=NOT_NEGATIVE),
                name="salesmonth_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson_id} {self.month:%Y-%m}"


class CustomerMonth(models.Model):
    """What one salesperson's orders shipped to one customer in one month."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("month"))
    lines = models.PositiveIntegerField(_("shipment lines"), default=0, editable=False)
    amount = models.DecimalField(_("amount"), **SUM)

    class Meta:
        ordering = ["salesperson_id", "customer_id", "month"]
        verbose_name = _("customer's month")
        verbose_name_plural = _("customers' months")
        indexes = [models.Index(fields=["month", "salesperson"], name="customermonth_month_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "customer", "month"], name="customermonth_unique"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="customermonth_first_day"),
            models.CheckConstraint(
                condition=Q(amount__gt=NOT_NEGATIVE), name="customermonth_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson_id} {self.customer_id} {self.month:%Y-%m}"


class ProductMonth(models.Model):
    """What one salesperson's orders shipped of one product in one month."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.ForeignKey(
        "ledger.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("month"))
    lines = models.PositiveIntegerField(_("shipment lines"), default=0, editable=False)
    quantity = models.DecimalField(_("quantity"), **SUM)
    amount = models.DecimalField(_("amount"), **SUM)

    class Meta:
        ordering = ["salesperson_id", "product_id", "month"]
        verbose_name = _("product's month")
        verbose_name_plural = _("products' months")
        indexes = [models.Index(fields=["month", "salesperson"], name="productmonth_month_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "product", "month"], name="productmonth_unique"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="productmonth_first_day"),
            models.CheckConstraint(
                condition=Q(quantity__gt=NOT_NEGATIVE) & Q(amount__gt=NOT_NEGATIVE),
                name="productmonth_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson_id} {self.product_id} {self.month:%Y-%m}"
