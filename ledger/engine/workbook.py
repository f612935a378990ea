"""The monthly workbook: every register, one sheet each, for one month."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook

from ledger.engine.base import Face, RegisterContext, site
from ledger.engine.excel import new_workbook, write_register
from ledger.engine.query import parse_month, run_query


def build_monthly_workbook(*, user, month: str) -> Workbook:
    """Registers with a ``month_field`` hold that month's rows (Asia/Shanghai); master
    registers (products, customers) hold their state at export time. Each register is
    read through its own selector, as ``user`` sees it.
    """
    if parse_month(month) is None:
        raise ValueError(f"not a month: {month!r}")
    workbook = new_workbook()
    cover = workbook.create_sheet("目录")
    cover.append([f"客户管理台账 {month}"])
    cover.append([f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}", f"导出人：{user}"])
    cover.append([])
    cover.append(["表号", "名称", "范围", "行数"])
    for register in site:  # in 表 order
        if not (register.in_monthly_workbook and register.allows(Face.EXPORT, user)):
            continue
        context = RegisterContext(user=user, params=QueryDict(mutable=True), month=month)
        rows = write_register(workbook, run_query(register, context))
        scope = f"{month} 月内" if register.month_field else "导出时的全部记录"
        cover.append([register.code_label or "—", register.display_title(context), scope, rows])
    return workbook
