"""The sales family (表5-6, 5-8, 5-9, 5-11, 5-12, 5-13): orders and their lines, shipments,
receipts, invoices, returns/allowances/write-offs, salespeople's expenses, department
allocations and product costs.

Every figure of the reports is derived from these facts. A few sums are kept on the rows
they describe (an order's total, received and adjusted amounts; a line's shipped quantity;
a shipment line's amount, cost and paid part) by the services that write the facts, inside
the same transaction, so that the yearly registers of a million lines read single rows.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ledger.models.limits import LONG_TEXT_MAX_LENGTH, long_text_validators
from ledger.workflow import Transition, Workflow

__all__ = [
    "AdjustmentKind",
    "DepartmentAllocation",
    "Invoice",
    "Order",
    "OrderLine",
    "OrderStatus",
    "ProductCost",
    "Receipt",
    "SalesAdjustment",
    "SalesExpense",
    "Shipment",
    "ShipmentLine",
]

CENT = Decimal("0.01")
MONEY = {"max_digits": 14, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 2}


# The workflow's predicates live in sales.selectors; imported when called, because the
# selectors import these models.
def _may_confirm(user, order) -> bool:
    from sales.selectors import can_edit_order

    return can_edit_order(user, order)


def _may_cancel(user, order) -> bool:
    from sales.selectors import can_cancel_order

    return can_cancel_order(user, order)


def _may_ship_part(user, order) -> bool:
    # Only the shipment service moves an order here, once some (not all) is shipped.
    from sales.selectors import can_ship_order

    shipped = order.lines.filter(shipped_quantity__gt=0).exists()
    left = order.lines.filter(shipped_quantity__lt=F("quantity")).exists()
    return shipped and left and can_ship_order(user, order)


def _may_ship_all(user, order) -> bool:
    # Only the shipment service moves an order here, once every line is shipped.
    from sales.selectors import can_ship_order

    left = order.lines.filter(shipped_quantity__lt=F("quantity")).exists()
    return not left and can_ship_order(user, order)


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")


class Order(models.Model):
    """One order (表5-8 订货单) of one customer, taken by its 承办人 (owner).

    Export orders (``is_export``) also carry the packing detail printed as 表5-9 订货明细表.
    """

    number = models.CharField(_("order number"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    seq = models.PositiveIntegerField(editable=False)
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("order handler"),
        on_delete=models.PROTECT,
        related_name="sales_orders",
    )
    ordered_on = models.DateField(_("order date"))
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    # The contract the order is placed under (表5-18 实际交货日期 and 5-21 货款回收记录 read the
    # shipments and receipts of a contract's orders). Optional: most orders have none. The
    # contract family's rule decides which contract an order may name (see
    # ``sales.contract_links``): the order's own customer's, one the user may see, signed
    # (已盖章) or in force (已生效) when the link is made. PROTECT, not SET_NULL: a contract
    # with orders is never deleted (contracts end as 已完成 / 已归档, not by deletion), and
    # an order's link never vanishes without a line in its history.
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    # Kept by the services (sums of lines, receipts, adjustments, invoices).
    total_amount = models.DecimalField(_("total"), default=0, editable=False, **MONEY)
    received_amount = models.DecimalField(_("received"), default=0, editable=False, **MONEY)
    adjusted_amount = models.DecimalField(
        _("returns, allowances and write-offs"), default=0, editable=False, **MONEY
    )
    invoiced_amount = models.DecimalField(_("invoiced"), default=0, editable=False, **MONEY)
    invoice_numbers = models.CharField(
        _("invoices"), max_length=200, blank=True, default="", editable=False
    )

    # 表5-9 订货明细表 (export orders).
    is_export = models.BooleanField(_("export order"), default=False)
    shipping_mark = models.CharField("Shipping Mark", max_length=200, blank=True)
    shipping_to = models.CharField("Shipping to", max_length=200, blank=True)
    lc_number = models.CharField("L/C", max_length=60, blank=True)
    app_number = models.CharField("APPNO", max_length=60, blank=True)
    batch_grade = models.CharField(_("batch and grade"), max_length=60, blank=True)
    purpose = models.CharField(_("use"), max_length=100, blank=True)
    packing = models.CharField(_("packing"), max_length=100, blank=True)
    volume = models.CharField(_("volume (ft³ per carton)"), max_length=40, blank=True)
    completion_date = models.DateField(_("completion date"), null=True, blank=True)
    ship_date = models.DateField(_("shipping date"), null=True, blank=True)
    color_number = models.CharField(_("colour number"), max_length=40, blank=True)
    carton_count = models.PositiveIntegerField(_("cartons"), null=True, blank=True)
    carton_numbers = models.CharField(_("carton numbers"), max_length=100, blank=True)
    gross_weight = models.DecimalField(
        _("gross weight (kg)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    net_weight = models.DecimalField(
        _("net weight (kg)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    last_carton_weight = models.DecimalField(
        _("last carton weight (kg)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    export_remark = models.TextField(
        "Remark",
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    workflow = Workflow(
        states=OrderStatus,
        transitions=[
            Transition(
                "confirm",
                "确认",
                source=OrderStatus.DRAFT,
                target=OrderStatus.CONFIRMED,
                allowed=_may_confirm,
            ),
            Transition(
                "cancel",
                "取消",
                source=[OrderStatus.DRAFT, OrderStatus.CONFIRMED],
                target=OrderStatus.CANCELLED,
                allowed=_may_cancel,
                note_required=True,
            ),
            Transition(
                "ship_part",
                "部分出货",
                source=OrderStatus.CONFIRMED,
                target=OrderStatus.PARTLY_SHIPPED,
                allowed=_may_ship_part,
            ),
            Transition(
                "ship_all",
                "出货完毕",
                source=[OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED],
                target=OrderStatus.SHIPPED,
                allowed=_may_ship_all,
            ),
        ],
    )

    class Meta:
        ordering = ["-ordered_on", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["-ordered_on", "-id"], name="order_date_idx"),
            models.Index(fields=["owner", "-ordered_on"], name="order_owner_date_idx"),
            models.Index(fields=["customer", "-ordered_on"], name="order_customer_date_idx"),
            models.Index(fields=["status", "-ordered_on"], name="order_status_date_idx"),
            # 表5-8's list sorted by 合计 (either way): its page's keys walk this index.
            models.Index(fields=["-total_amount", "-ordered_on", "-id"], name="order_total_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="order_number_unique"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="order_seq_positive"),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="order_total_ge_0"),
            models.CheckConstraint(condition=Q(received_amount__gte=0), name="order_received_ge_0"),
            models.CheckConstraint(condition=Q(adjusted_amount__gte=0), name="order_adjusted_ge_0"),
            models.CheckConstraint(condition=Q(invoiced_amount__gte=0), name="order_invoiced_ge_0"),
            # Never more received than is owed: the total less returns and allowances.
            # Compared with a tenth of a cent to spare: SQLite subtracts decimals as
            # floats; amounts are whole cents, so no real excess slips through.
            models.CheckConstraint(
                condition=Q(
                    received_amount__lte=F("total_amount")
                    - F("adjusted_amount")
                    + Value(Decimal("0.001"))
                ),
                name="order_received_le_owed",
            ),
            models.CheckConstraint(
                condition=Q(invoiced_amount__lte=F("total_amount")),
                name="order_invoiced_le_total",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("sales:order-detail", args=[self.pk])

    @property
    def owed_amount(self) -> Decimal:
        """What the customer still owes: total less returns/allowances less receipts."""
        return self.total_amount - self.adjusted_amount - self.received_amount


class OrderLine(models.Model):
    """One line of an order: a product of the master, its quantity and unit price."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("line"), default=1)
    product = models.ForeignKey(
        "ledger.Product",
        verbose_name=_("product name"),
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    spec = models.CharField(_("specification and model"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("total price"), editable=False, default=0, **MONEY)
    shipped_quantity = models.DecimalField(
        _("shipped quantity"), editable=False, default=0, **QUANTITY
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "position", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        indexes = [
            models.Index(fields=["product", "order"], name="orderline_product_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="orderline_unit_price_ge_0"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="orderline_amount_ge_0"),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0) & Q(shipped_quantity__lte=F("quantity")),
                name="orderline_shipped_le_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position} {self.product_id}"

    def save(self, *args, **kwargs):
        # 总价 = 数量 × 单价, to the cent, kept beside the two values it derives from.
        if self.quantity is not None and self.unit_price is not None:
            self.amount = (Decimal(self.quantity) * Decimal(self.unit_price)).quantize(CENT)
        super().save(*args, **kwargs)

    @property
    def remaining_quantity(self) -> Decimal:
        return self.quantity - self.shipped_quantity


class Shipment(models.Model):
    """One delivery (出货) of some of an order's lines."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="shipments"
    )
    shipped_on = models.DateField(_("shipping date"))
    place = models.CharField(_("shipping place"), max_length=120, blank=True)
    delivery_control = models.CharField(_("delivery control"), max_length=120, blank=True)
    carrier = models.CharField(_("carrier name"), max_length=120, blank=True)
    waybill_number = models.CharField(_("waybill number"), max_length=60, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shipment handler"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-shipped_on", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [
            models.Index(fields=["shipped_on", "id"], name="shipment_date_idx"),
            models.Index(fields=["order", "shipped_on"], name="shipment_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.shipped_on}"


class ShipmentLine(models.Model):
    """What one shipment delivered of one order line, with its batch and certificate."""

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        OrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="shipment_lines",
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    batch_number = models.CharField(_("production batch"), max_length=60, blank=True)
    certificate_number = models.CharField(
        _("inspection certificate number"), max_length=60, blank=True
    )
    # Kept by the services: quantity × the line's unit price; quantity × the product's
    # unit cost in force on the shipping date; the part of the order's receipts applied to
    # this line (first shipped, first paid).
    amount = models.DecimalField(_("amount"), editable=False, default=0, **MONEY)
    cost = models.DecimalField(_("cost"), editable=False, default=0, **MONEY)
    paid_amount = models.DecimalField(_("paid"), editable=False, default=0, **MONEY)
    # The order's 承办人 and the shipment's date, copied here by the services: the yearly
    # registers (a million lines) filter, count and sort on this table alone.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("order handler"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    shipped_on = models.DateField(_("shipping date"), editable=False)
    # The order, its customer and the line's product, copied here by the services when the
    # line is shipped (none of them changes after: a confirmed order keeps its customer, a
    # shipped line its product): the registers' search (sales.search) finds a year's lines
    # by these keys without joining three tables on every line.
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=False,
    )
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    product = models.ForeignKey(
        "ledger.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    # The batch number as the search compares it (upper-cased by the database, as
    # ``icontains`` does), kept by the database itself: a search of a year's lines then
    # reads it from the date index below instead of upper-casing every line.
    batch_key = models.GeneratedField(
        expression=Upper("batch_number"),
        output_field=models.CharField(max_length=60),
        db_persist=True,
    )

    class Meta:
        ordering = ["shipment", "id"]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        indexes = [
            models.Index(fields=["shipped_on", "id"], name="shipline_date_idx"),
            # Covering (PostgreSQL): 5-12's count and 合计 row of a year, searched or not,
            # read this index alone, not the table (docs/performance.md, "Sales orders").
            # The narrow index above stays the cheaper one to count and page 5-6 and 5-13.
            models.Index(
                fields=["shipped_on", "id"],
                name="shipline_date_cover_idx",
                include=[
                    "owner",
                    "quantity",
                    "amount",
                    "paid_amount",
                    "batch_key",
                    "order",
                    "customer",
                    "product",
                ],
            ),
            models.Index(fields=["owner", "shipped_on", "id"], name="shipline_owner_date_idx"),
            # The lines still owed, by shipping date, with what the dashboard's ageing of
            # receivables sums: read index-only for the recent months (older months come
            # from the monthly roll-up).
            models.Index(
                fields=["shipped_on"],
                include=["owner", "amount", "paid_amount"],
                condition=Q(amount__gt=F("paid_amount")),
                name="shipline_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipline_quantity_gt_0"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="shipline_amount_ge_0"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="shipline_cost_ge_0"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")),
                name="shipline_paid_le_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.order_line_id} × {self.quantity}"


class Receipt(models.Model):
    """A payment received against an order (已付货款)."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="receipts"
    )
    received_on = models.DateField(_("date received"))
    amount = models.DecimalField(_("amount received"), **MONEY)
    method = models.CharField(_("payment method"), max_length=40, blank=True)
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        indexes = [
            models.Index(fields=["received_on"], name="receipt_date_idx"),
            models.Index(fields=["order", "received_on"], name="receipt_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.received_on} {self.amount}"


class Invoice(models.Model):
    """An invoice (发票) issued against an order."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.CharField(_("invoice number"), max_length=40)
    issued_on = models.DateField(_("invoice date"))
    amount = models.DecimalField(_("invoice amount"), **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="invoice_number_unique"),
            models.CheckConstraint(condition=~Q(number=""), name="invoice_number_not_blank"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return self.number


class AdjustmentKind(models.TextChoices):
    RETURN = "return", _("Sales return")
    ALLOWANCE = "allowance", _("Sales allowance")
    WRITE_OFF = "write_off", _("Sales write-off")


class SalesAdjustment(models.Model):
    """A return (销货退回), allowance (销货折让) or write-off (销货报损) on an order."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="adjustments"
    )
    kind = models.CharField(_("type"), max_length=20, choices=AdjustmentKind.choices)
    occurred_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("sales adjustment")
        verbose_name_plural = _("sales adjustments")
        indexes = [
            models.Index(fields=["occurred_on", "kind"], name="adjustment_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(kind__in=AdjustmentKind.values), name="adjustment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class SalesExpense(models.Model):
    """One salesperson's expenses of one month (个人费用: 薪津, 旅费, 其他)."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="sales_expenses",
    )
    month = models.DateField(_("month"))  # the first day of the month
    salary = models.DecimalField(_("salary and allowances"), default=0, **MONEY)
    travel = models.DecimalField(_("travel"), default=0, **MONEY)
    other = models.DecimalField(_("other"), default=0, **MONEY)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-month", "salesperson"]
        verbose_name = _("salesperson's expenses")
        verbose_name_plural = _("salespeople's expenses")
        constraints = [
            models.UniqueConstraint(fields=["salesperson", "month"], name="expense_unique"),
            models.CheckConstraint(
                condition=Q(salary__gte=0) & Q(travel__gte=0) & Q(other__gte=0),
                name="expense_not_negative",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="expense_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson_id} {self.month:%Y-%m}"

    @property
    def total(self) -> Decimal:
        return self.salary + self.travel + self.other


class DepartmentAllocation(models.Model):
    """The department's costs charged to one salesperson for one month (部门分摊)."""

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="department_allocations",
    )
    month = models.DateField(_("month"))
    amount = models.DecimalField(_("department allocation"), **MONEY)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-month", "department", "salesperson"]
        verbose_name = _("department allocation")
        verbose_name_plural = _("department allocations")
        constraints = [
            models.UniqueConstraint(fields=["salesperson", "month"], name="allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="allocation_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson_id} {self.month:%Y-%m} {self.amount}"


class ProductCost(models.Model):
    """A product's unit cost from a date on (成本): the cost of a shipment is its quantity
    times the unit cost in force on its shipping date."""

    product = models.ForeignKey(
        "ledger.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="costs",
    )
    effective_on = models.DateField(_("effective from"))
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["product", "-effective_on"]
        verbose_name = _("product cost")
        verbose_name_plural = _("product costs")
        constraints = [
            models.UniqueConstraint(fields=["product", "effective_on"], name="product_cost_unique"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="product_cost_ge_0"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.effective_on} {self.unit_cost}"
