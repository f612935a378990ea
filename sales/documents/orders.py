"""Documents of the sales family built on orders, declared on ``ledger.engine``:
表5-8 订货单 (one order: the customer enterprise, the lines with 合计, 承办人) and 表5-9
订货明细表 (one export order's packing detail)."""

from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse

from ledger.engine import (
    Column,
    Document,
    Family,
    Field,
    HeaderLine,
    Kind,
    LineTable,
    Section,
    TextBox,
    site,
)
from sales.models import Order
from sales.selectors import order_q, orders_visible_to


def _lines(order):
    return order.lines.select_related("product").order_by("position", "pk")


def _joined(attr):
    def read(order):
        values = [str(attr(line)) for line in _lines(order)]
        return "；".join(v for v in values if v)

    return read


class OrderDocument(Document):
    """What 5-8 and 5-9 share: the orders the user may see, listed newest first."""

    family = Family.SALES
    model = Order

    list_columns = (
        Column("编号", "number", width=14, link=True),
        Column("日期", "ordered_on", kind=Kind.DATE, width=12),
        Column("企业名称", "customer__name", width=26),
        Column("承办人", "owner_name", width=10, order_by="owner__username"),
        Column("合计", "total_amount", kind=Kind.MONEY, width=14),
    )
    list_ordering = ("-ordered_on", "-pk")

    def can_open(self, user):
        return user.is_active and order_q(user) is not None

    def queryset(self, user):
        return orders_visible_to(user).select_related("customer", "owner")

    def list_annotate(self, queryset):
        return queryset.annotate(
            owner_name=Coalesce(NullIf("owner__full_name", Value("")), "owner__username")
        )

    def list_row_url(self, row, user):
        return reverse("sales:order-detail", args=[row["pk"]])

    def object_title(self, order):
        return f"{self.title}-{order.number}"


@site.register
class OrderForm(OrderDocument):
    """表5-8 订货单."""

    code = "5-8"
    title = "订货单"
    list_help_text = "您有权查看的订单，每份订单一张订货单，可打印。"
    header = (HeaderLine(Field("编号", "number"), Field("日期", "ordered_on", kind=Kind.DATE)),)
    body = (
        Section(
            None,
            (
                Field("企业名称", "customer__name"),
                Field("电话", "customer__phone"),
                Field("地址", "customer__address"),
                Field("负责人", "customer__person_name"),
            ),
        ),
        LineTable(
            None,
            key="lines",
            rows=_lines,
            columns=(
                Column("品名", "product__name", width=22),
                Column("规格型号", "spec", width=14),
                Column("单位", "unit", width=6),
                Column("数量", "quantity", kind=Kind.DECIMAL, width=8),
                Column("单价", "unit_price", kind=Kind.MONEY, width=12),
                Column("总价", "amount", kind=Kind.MONEY, width=14),
            ),
            totals=("quantity", "amount"),
            min_rows=8,
        ),
    )
    footer = (Field("承办人", "owner"), Field("客户签单"))


@site.register
class OrderDetailForm(OrderDocument):
    """表5-9 订货明细表: the packing detail of an export order."""

    code = "5-9"
    title = "订货明细表"
    list_help_text = "外销订单的订货明细（唛头、信用证、包装、箱数与重量），每份订单一张。"
    header = (HeaderLine(Field("编号", "number")),)
    body = (
        Section(
            None,
            (
                Field("订单号码", "number"),
                Field("客户名称", "customer__name"),
                Field("客户地址", "customer__address", span=2),
                Field("品名", _joined(lambda line: line.product.name), span=2),
                Field("Shipping Mark", "shipping_mark"),
                Field("规格", _joined(lambda line: line.spec)),
                Field("批号等级", "batch_grade"),
                Field("Shipping to", "shipping_to"),
                Field("订货数量", _joined(lambda line: f"{line.quantity:g}{line.unit}")),
                Field(
                    "分批交货数量",
                    _joined(lambda line: f"{line.shipped_quantity:g}{line.unit}"),
                ),
                Field("L/C", "lc_number"),
                Field("APPNO", "app_number"),
                Field("用途", "purpose"),
                Field("包装", "packing"),
                Field("体积", "volume"),
                Field("完成日期", "completion_date", kind=Kind.DATE),
                Field("出货日期", "ship_date", kind=Kind.DATE),
                Field("色号", "color_number"),
                Field("箱数", "carton_count", kind=Kind.INT),
                Field("箱号", "carton_numbers"),
                Field("毛重", "gross_weight", kind=Kind.DECIMAL),
                Field("净重", "net_weight", kind=Kind.DECIMAL),
                Field("尾箱重", "last_carton_weight", kind=Kind.DECIMAL),
                Field("总计", "total_amount", kind=Kind.MONEY),
                TextBox("Remark", "export_remark"),
            ),
        ),
    )
    footer = (Field("主管"), Field("制表", "owner"))

    def queryset(self, user):
        return super().queryset(user).filter(is_export=True)
