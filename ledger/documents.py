"""The customer card (客户台账 of one customer) as a document: the first ``Document``.

Its sections are the registry's fields (FORMS.md, 客户台账), its line tables the contacts,
the timeline, the service records and the change history. The PDF, the workbook and the
customer's page all read these labels from here.
"""

import django_filters
from django import forms
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.engine import Column, Family, Kind, site
from ledger.engine.documents import Document, Field, HeaderLine, LineTable, Section
from ledger.engine.filters import RegisterFilterSet
from ledger.models import Customer, CustomerCategory
from ledger.search import search_customers
from ledger.selectors import customer_changes, customer_detail_q, customers_visible_to, events_of

# How many entries of each long list the card shows (the card says when there are more).
CARD_LIMIT = 100
# How many saved versions of the customer and of its contacts are read to list and count
# its changes (记录更新).
HISTORY_SCAN = 5000


class CustomerCardFilter(RegisterFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search")}),
    )
    category = django_filters.ChoiceFilter(
        label=_("customer category"), choices=CustomerCategory.choices, empty_label=_("All")
    )

    def search(self, queryset, name, value):
        return search_customers(queryset, value)


@site.register
class CustomerCard(Document):
    code = "customer"
    title = "客户台账"
    family = Family.CUSTOMERS
    model = Customer
    exports_excel = True
    sheet_per_table = True
    sheet_title = "客户信息"
    header = (HeaderLine(Field("客户名称", "name"), Field("负责人", "owner")),)
    body = (
        Section(
            "客户基本信息",
            (
                Field("客户名称", "name"),
                Field("客户姓名", "person_name"),
                Field("地址", "address"),
                Field("电话号码", "phone"),
                Field("电子邮件", "email"),
                Field("负责人", "owner"),
            ),
            key="basic",
        ),
        Section("客户类别", (Field("客户类别", "category"),), key="category"),
        Section(
            "客户背景",
            (
                Field("行业", "industry"),
                Field("公司规模", "company_size"),
                Field("竞争对手", "competitors", span=2),
            ),
            key="background",
        ),
        Section(
            "客户风险信息",
            (
                Field("信用评级", "credit_rating"),
                Field("逾期记录", "overdue_record", span=2),
                Field("风险预警", "risk_warning", span=2),
            ),
            key="risk",
        ),
        LineTable(
            "联系人信息",
            key="contacts",
            rows=lambda customer: customer.contacts.all(),
            columns=(
                Column("类型", "kind", width=10),
                Column("姓名", "name", width=10),
                Column("职务", "title", width=12),
                Column("电话号码", "phone", width=16),
                Column("电子邮件", "email", width=24),
            ),
        ),
        LineTable(
            "重要事件和活动",
            key="events",
            rows=events_of,
            limit=CARD_LIMIT,
            columns=(
                Column("日期", "occurred_on", kind=Kind.DATE, width=12),
                Column("类型", "kind", width=12),
                Column("事项", "title", width=24),
                Column("详情", "detail", width=36),
                Column("记录人", "created_by", width=10),
            ),
        ),
        LineTable(
            "客户服务信息",
            key="service",
            rows=lambda customer: customer.service_records.select_related("handler"),
            limit=CARD_LIMIT,
            columns=(
                Column("受理日期", "received_on", kind=Kind.DATE, width=12),
                Column("类型", "kind", width=8),
                Column("客户姓名", "client_name", width=10),
                Column("联系方式", "contact_info", width=14),
                Column("投诉内容", "content", width=28),
                Column("处理结果", "result", width=24),
                Column("处理人", "handler", width=10),
                Column("处理日期", "handled_on", kind=Kind.DATE, width=12),
            ),
        ),
        LineTable(
            "记录更新",
            key="history",
            rows=lambda customer: customer_changes(customer, limit=HISTORY_SCAN),
            limit=CARD_LIMIT,
            columns=(
                Column("时间", "when", kind=Kind.DATETIME, width=17),
                Column("修改人", "who", width=10),
                Column("对象", "what", width=14),
                Column("项目", "field", width=12),
                Column("原值", "old", width=20),
                Column("新值", "new", width=20),
                Column("说明", "reason", width=16),
            ),
        ),
    )
    list_columns = (
        Column("客户名称", "name", width=28, link=True),
        Column("客户类别", "category", width=10),
        Column("负责人", "owner_name", width=10, order_by="owner__username"),
        Column("最近联系", "last_contact_on", kind=Kind.DATE, width=13),
    )
    list_filterset_class = CustomerCardFilter
    list_ordering = ("name",)
    list_help_text = "您有权查看完整信息的客户，每位客户一份客户台账，可打印或导出。"
    # Reached from each customer's page and from the register index, not from the menu
    # (the menu's 客户台账 is the register of every customer).
    in_menu = False
    index_title = _("Customer card (one per customer)")

    def can_open(self, user):
        return user.is_active and customer_detail_q(user) is not None

    def queryset(self, user):
        """The customers whose details ``user`` may see (the 个人台账 rule)."""
        return customers_visible_to(user).select_related("owner", "owner__department")

    def list_annotate(self, queryset):
        return queryset.annotate(
            owner_name=Coalesce(NullIf("owner__full_name", Value("")), "owner__username")
        )

    def list_row_url(self, row, user):
        return reverse("customer-detail", args=[row["pk"]])

    def object_title(self, customer):
        return f"{self.title}-{customer.name}"
