"""表5-29 客户拜访报告: one visit, printed as its paper form (the visitor and the 销售主管
sign at its foot). The report's page, its PDF and the list read these labels."""

from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from ledger.engine import Column, Family, Kind, PeriodKind, site
from ledger.engine.documents import Document, Field, Section, TextBox
from visits.filters import ReportFilter
from visits.models import VisitReport
from visits.selectors import can_use_visits, visits_visible_to


def visit_time(report) -> str:
    start = timezone.localtime(report.started_at)
    end = timezone.localtime(report.ended_at)
    return f"{start:%Y-%m-%d %H:%M}～{end:%H:%M}"


def follow_up_text(report) -> str:
    """后续行动 as typed, then each follow-up with its due date (and when it was done)."""
    lines = [report.actions] if report.actions else []
    for i, item in enumerate(report.follow_ups.all(), start=1):
        state = f"，已于{item.done_on:%Y-%m-%d}完成" if item.done_on else ""
        lines.append(f"{i}. {item.action}（期限{item.due_on:%Y-%m-%d}{state}）")
    return "\n".join(lines)


def manager_sign(report) -> str:
    if report.signed_at is None:
        return ""
    signed = timezone.localtime(report.signed_at)
    return f"{report.signed_by}　{signed:%Y-%m-%d}　意见：{report.manager_comment}"


def visitor_sign(report) -> str:
    return f"{report.visitor}　{timezone.localtime(report.created_at):%Y-%m-%d}"


def name_of(prefix: str):
    return Coalesce(NullIf(f"{prefix}__full_name", Value("")), f"{prefix}__username")


@site.register
class VisitReportDocument(Document):
    code = "5-29"
    title = "客户拜访报告"
    family = Family.VISITS
    model = VisitReport
    body = (
        Section(
            None,
            (
                Field("客户名称", "customer__name"),
                Field("客户类型", "customer__category"),
                Field("拜访目的", "purpose"),
                Field("拜访时间", visit_time),
                Field("接洽人", "contact__name"),
                Field("联系方式", "contact_info"),
            ),
        ),
        Section(
            None,
            (
                TextBox("客户拜访记录", "record", lines=6),
                TextBox("问题点及改善对策", "problems", lines=4),
                TextBox("后续行动", follow_up_text, lines=3),
            ),
        ),
    )
    footer = (Field("销售主管", manager_sign), Field("拜访人", visitor_sign))
    list_columns = (
        Column("编号", "number", width=14, link=True),
        Column("拜访时间", "started_at", kind=Kind.DATETIME, width=16),
        Column("客户名称", "customer__name", width=24),
        Column("拜访人", "visitor_name", width=10, order_by="visitor__username"),
        Column("拜访目的", "purpose", width=22),
        Column("销售主管", "signer_name", width=10, order_by="signed_at"),
    )
    list_filterset_class = ReportFilter
    list_period = PeriodKind.MONTH
    list_period_field = "visited_on"
    list_ordering = ("-started_at", "-pk")
    list_help_text = "拜访人填写拜访报告，销售主管批示并签字；后续行动进入客户的时间线。"

    def can_open(self, user):
        return can_use_visits(user)

    def queryset(self, user):
        return (
            visits_visible_to(user)
            .select_related("customer", "contact", "visitor", "signed_by")
            .prefetch_related("follow_ups")
        )

    def list_annotate(self, queryset):
        return queryset.annotate(visitor_name=name_of("visitor"), signer_name=name_of("signed_by"))

    def list_row_url(self, row, user):
        return reverse("visits:report-detail", args=[row["pk"]])

    def object_title(self, obj):
        return f"{self.title}-{obj.number}"
