"""The registers of the customer registry and the product master (表5-7)."""

from django.db.models import (
    BooleanField,
    Case,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.engine import Column, Family, HeaderField, Kind, Register, site
from ledger.filters import CustomerFilter, ProductFilter, ServiceRecordFilter
from ledger.models import Contact, ContactKind, Customer, Product, ServiceRecord
from ledger.selectors import (
    Scope,
    can_create_customer,
    can_edit_products,
    can_hand_over,
    customer_detail_q,
    customer_scope,
    customers_visible_to,
    products_visible_to,
    service_records_visible_to,
)


def user_name(prefix: str):
    """The display name of a related user: full name, else user name."""
    return Coalesce(NullIf(f"{prefix}__full_name", Value("")), f"{prefix}__username")


def customer_links(user) -> list[tuple[str, str]]:
    """The registry's menu links besides its registers, for the roles that may use them."""
    links = []
    if can_create_customer(user):
        links.append((_("New customer"), reverse("customer-create")))
    if can_hand_over(user):
        links.append((_("Hand over customers"), reverse("customer-handover")))
    return links


site.add_family(
    Family.CUSTOMERS, label=gettext_lazy("Customer ledgers"), app="ledger", links=customer_links
)


def personal_scope(context) -> bool:
    """Column rule: details are shown in the 个人台账 (and the monthly workbook) only; the
    公共台账 shows the shared columns, those without a rule."""
    return CustomerRegister.scope(context) == Scope.PERSONAL


@site.register
class CustomerRegister(Register):
    code = "customers"
    title = "客户台账"
    family = Family.CUSTOMERS
    model = Customer
    orientation = "landscape"
    filterset_class = CustomerFilter
    default_ordering = ("name",)
    extra_values = ("pk", "can_view")
    help_text = (
        "公共台账列出全部客户的共享信息（名称、类别、负责人、最近联系），避免重复跟进；"
        "个人台账列出您有权查看的客户的完整信息。"
    )
    columns = (
        Column("序号", kind=Kind.SEQ, width=6, name="seq"),
        Column("客户名称", "name", width=28, link=True),
        Column("客户姓名", "person_name", width=10, visible=personal_scope),
        Column("客户类别", "category", width=10),
        Column("行业", "industry", width=12, visible=personal_scope),
        Column("公司规模", "company_size", width=16, visible=personal_scope),
        Column("地址", "address", width=30, visible=personal_scope),
        Column("电话号码", "phone", width=16, visible=personal_scope),
        Column("电子邮件", "email", width=24, visible=personal_scope),
        Column("主要联系人", "primary_contact", width=10, visible=personal_scope),
        Column("联系人电话", "primary_contact_phone", width=16, visible=personal_scope),
        Column("信用评级", "credit_rating", width=8, visible=personal_scope),
        Column("风险预警", "risk_warning", width=24, visible=personal_scope),
        Column("负责人", "owner_name", width=10, order_by="owner__username"),
        Column("最近联系", "last_contact_on", kind=Kind.DATE, width=13),
        Column("联系人员", "last_contact_name", width=10, order_by="last_contact_by__username"),
    )
    annotations = (
        "primary_contact",
        "primary_contact_phone",
        "owner_name",
        "last_contact_name",
        "can_view",
    )

    def can_open(self, user):
        return user.is_active and user.is_sales_side

    def base_queryset(self, context):
        return customers_visible_to(context.user, scope=self.scope(context))

    @property
    def public_keys(self) -> tuple[str, ...]:
        """The shared columns of the 公共台账: those without a visibility rule."""
        return tuple(c.key for c in self.columns if c.visible is None)

    @staticmethod
    def scope(context):
        return Scope.PERSONAL if context.month else customer_scope(context.params)

    def display_title(self, context):
        suffix = "个人台账" if self.scope(context) == Scope.PERSONAL else "公共台账"
        return f"{self.title}（{suffix}）"

    def annotate(self, queryset, context):
        if self.scope(context) == Scope.PERSONAL:
            primary = Contact.objects.filter(
                customer=OuterRef("pk"), kind=ContactKind.PRIMARY
            ).order_by("pk")
            queryset = queryset.annotate(
                primary_contact=Subquery(primary.values("name")[:1]),
                primary_contact_phone=Subquery(primary.values("phone")[:1]),
            )
        # Whether the row links to the customer's page: the 个人台账 rule, per row.
        rule = customer_detail_q(context.user)
        if rule is None:
            can_view = Value(False, output_field=BooleanField())
        elif rule == Q():
            can_view = Value(True, output_field=BooleanField())
        else:
            can_view = Case(
                When(rule, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        return queryset.annotate(
            owner_name=user_name("owner"),
            last_contact_name=user_name("last_contact_by"),
            can_view=can_view,
        )

    def row_url(self, row, context):
        if row.get("can_view"):
            return reverse("customer-detail", args=[row["pk"]])
        return None

    def actions(self, user):
        return customer_links(user)

    def variants(self, context):
        scope = self.scope(context)
        base = reverse("register-list", args=[self.code])
        options = [(Scope.PUBLIC, "公共台账")]
        if customer_detail_q(context.user) is not None:
            options.append((Scope.PERSONAL, "个人台账"))
        return [
            (label, f"{base}?{urlencode({'scope': value})}", scope == value)
            for value, label in options
        ]


@site.register
class ServiceRecordRegister(Register):
    code = "service"
    title = "客户服务台账"
    family = Family.CUSTOMERS
    model = ServiceRecord
    owner_field = "customer__owner"
    filterset_class = ServiceRecordFilter
    default_ordering = ("-received_on", "-pk")
    month_field = "received_on"
    extra_values = ("pk", "customer_id")
    help_text = "记录客户的咨询、投诉与建议及其处理结果。"
    footer = ("审核", "填表")
    columns = (
        Column("序号", kind=Kind.SEQ, width=6, name="seq"),
        Column("受理日期", "received_on", kind=Kind.DATE, width=12),
        Column("客户名称", "customer__name", width=24, link=True),
        Column("类型", "kind", width=8),
        Column("客户姓名", "client_name", width=10),
        Column("联系方式", "contact_info", width=16),
        Column("投诉内容", "content", width=36),
        Column("处理结果", "result", width=30),
        Column("处理人", "handler_name", width=10, order_by="handler__username"),
        Column("处理日期", "handled_on", kind=Kind.DATE, width=12),
    )

    def can_open(self, user):
        return user.is_active and customer_detail_q(user) is not None

    def base_queryset(self, context):
        return service_records_visible_to(context.user)

    annotations = ("handler_name",)

    def annotate(self, queryset, context):
        return queryset.annotate(handler_name=user_name("handler"))

    def row_url(self, row, context):
        return reverse("service-record-edit", args=[row["pk"]])


@site.register
class ProductRegister(Register):
    code = "5-7"
    title = "产品记录表"
    family = Family.SALES
    model = Product
    filterset_class = ProductFilter
    default_ordering = ("code",)
    carries_customer_data = False
    header_fields = (HeaderField("编号"),)
    footer = ("复核", "填制")
    help_text = "产品主数据：编号、规格、色泽、批发与零售单价、包装方式、正常利润率与历年销售量。"
    columns = (
        Column("产品编号", "code", width=12, link=True),
        Column("产品名称", "name", width=22),
        Column("规格", "spec", width=14),
        Column("色泽", "color", width=8),
        Column("批发", "wholesale_price", kind=Kind.MONEY, group="单价", width=11),
        Column("零售", "retail_price", kind=Kind.MONEY, group="单价", width=11),
        Column("包装方式", "packaging", width=12),
        Column("正常利润率", "normal_margin", kind=Kind.PERCENT, width=10),
        Column("历年销售量", "historical_sales", kind=Kind.DECIMAL, width=11),
        Column("备注", "remarks", width=20),
    )

    def can_open(self, user):
        return user.is_active and user.is_authenticated

    def base_queryset(self, context):
        return products_visible_to(context.user)

    def row_url(self, row, context):
        if can_edit_products(context.user):
            return reverse("product-edit", args=[row["pk"]])
        return None

    def actions(self, user):
        if can_edit_products(user):
            return [(_("New product"), reverse("product-create"))]
        return []
