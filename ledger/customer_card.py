"""One customer's 个人台账 as a printable card (PDF) and a workbook (Excel)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook

from ledger.engine.excel import new_workbook, safe_row
from ledger.models import Customer
from ledger.selectors import customer_changes, events_of


def customer_facts(customer: Customer) -> list[tuple[str, str, list[tuple[str, Any]]]]:
    """The registry's sections (FORMS.md, 客户台账) with their labelled values."""
    return [
        (
            "basic",
            "客户基本信息",
            [
                ("客户名称", customer.name),
                ("客户姓名", customer.person_name),
                ("地址", customer.address),
                ("电话号码", customer.phone),
                ("电子邮件", customer.email),
                ("负责人", str(customer.owner)),
            ],
        ),
        ("category", "客户类别", [("客户类别", customer.get_category_display())]),
        (
            "background",
            "客户背景",
            [
                ("行业", customer.industry),
                ("公司规模", customer.get_company_size_display()),
                ("竞争对手", customer.competitors),
            ],
        ),
        (
            "risk",
            "客户风险信息",
            [
                ("信用评级", customer.credit_rating),
                ("逾期记录", customer.overdue_record),
                ("风险预警", customer.risk_warning),
            ],
        ),
    ]


def customer_card_context(customer: Customer, *, user) -> dict[str, Any]:
    return {
        "customer": customer,
        "facts": customer_facts(customer),
        "contacts": list(customer.contacts.all()),
        "events": list(events_of(customer)[:200]),
        "service_records": list(customer.service_records.select_related("handler")[:200]),
        "changes": customer_changes(customer, limit=200),
        "font_family": settings.LEDGER_PDF_FONT_FAMILY,
        "printed_at": timezone.localtime(),
        "printed_by": user,
    }


def customer_workbook(customer: Customer, *, user) -> Workbook:
    ctx = customer_card_context(customer, user=user)
    wb = new_workbook()

    info = wb.create_sheet("客户信息")
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 60
    info.append(safe_row(info, [f"客户台账：{customer.name}"], bold=True))
    for _key, section, facts in ctx["facts"]:
        info.append([])
        info.append(safe_row(info, [section], bold=True))
        for label, value in facts:
            info.append(safe_row(info, [label, value or ""]))

    contacts = wb.create_sheet("联系人信息")
    contacts.append(safe_row(contacts, ["类型", "姓名", "职务", "电话号码", "电子邮件"], bold=True))
    for c in ctx["contacts"]:
        contacts.append(
            safe_row(contacts, [c.get_kind_display(), c.name, c.title, c.phone, c.email])
        )

    events = wb.create_sheet("重要事件和活动")
    events.append(safe_row(events, ["日期", "类型", "事项", "详情", "记录人"], bold=True))
    for e in ctx["events"]:
        events.append(
            safe_row(
                events,
                [e.occurred_on, e.get_kind_display(), e.title, e.detail, str(e.created_by or "")],
            )
        )

    service = wb.create_sheet("客户服务信息")
    service.append(
        safe_row(
            service,
            [
                "受理日期",
                "类型",
                "客户姓名",
                "联系方式",
                "投诉内容",
                "处理结果",
                "处理人",
                "处理日期",
            ],
            bold=True,
        )
    )
    for s in ctx["service_records"]:
        service.append(
            safe_row(
                service,
                [
                    s.received_on,
                    s.get_kind_display(),
                    s.client_name,
                    s.contact_info,
                    s.content,
                    s.result,
                    str(s.handler or ""),
                    s.handled_on,
                ],
            )
        )

    history = wb.create_sheet("记录更新")
    history.append(
        safe_row(history, ["时间", "修改人", "对象", "项目", "原值", "新值", "说明"], bold=True)
    )
    for ch in ctx["changes"]:
        history.append(
            safe_row(
                history,
                [
                    timezone.localtime(ch.when).replace(tzinfo=None),
                    ch.who,
                    ch.what,
                    ch.field,
                    ch.old,
                    ch.new,
                    ch.reason,
                ],
            )
        )
    return wb
