"""The forms of the visit family: 表5-27 (plan), 5-28 (schedule) and 5-30 (daily report)
as registers; 表5-29 (the visit report) is a document (``documents.py``). ``ledger``
discovers this module at start-up and never imports the app by name."""

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.engine import (
    Column,
    Family,
    HeaderField,
    Kind,
    PeriodKind,
    Register,
    RowGroup,
    month_columns,
    row_label_column,
    site,
)
from visits.filters import SalespersonFilter, ScheduleFilter
from visits.models import DailyLine, PlannedVisit, VisitPlan, VisitReport
from visits.selectors import (
    can_use_visits,
    daily_lines_visible_to,
    may_plan_visits,
    planned_visits_visible_to,
    plans_visible_to,
    salespeople_visible_to,
    schedules_visible_to,
)


def visit_links(user) -> list[tuple[str, str]]:
    """The family's menu links besides its forms."""
    links = []
    if may_plan_visits(user):
        links.append((_("Today's visits"), reverse("visits:today")))
        links.append((_("New visit report"), reverse("visits:report-create")))
    if can_use_visits(user) and (user.is_manager or user.sees_everything):
        links.append((_("Visits overview"), reverse("visits:overview")))
    return links


site.add_family(
    Family.VISITS,
    label=gettext_lazy("Visit ledgers"),
    app="visits",
    url_prefix="visits",
    links=visit_links,
)


def _person(user) -> str:
    return str(user) if user is not None else ""


def _chosen_salesperson(context):
    """The salesperson the register is filtered to; a salesperson's own by default."""
    pk = context.params.get("salesperson")
    if pk:
        try:
            return salespeople_visible_to(context.user).filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            return None
    return None


def salesperson_header(context) -> str:
    person = _chosen_salesperson(context)
    if person is None and not (context.user.is_manager or context.user.sees_everything):
        person = context.user
    return _person(person)


def _actual(month: int, year: int):
    """Visit reports of the plan's salesperson to the plan's customer in ``month``."""
    import datetime

    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    reports = (
        VisitReport.objects.filter(
            customer=OuterRef("customer"),
            visitor=OuterRef("salesperson"),
            visited_on__gte=first,
            visited_on__lt=following,
        )
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(reports, output_field=IntegerField()), Value(0))


@site.register
class VisitPlanRegister(Register):
    """表5-27: per salesperson and year, each customer on two rows — 计划 (typed in the
    plan) and 实际 (counted from the visit reports, never typed) — months 1 … 12."""

    code = "5-27"
    title = "客户访问月计划表"
    family = Family.VISITS
    model = VisitPlan
    period = PeriodKind.YEAR
    filterset_class = SalespersonFilter
    # One salesperson's plan together (a manager sees each person's in turn), then by name;
    # led by the person, the database sorts the few hundred plans of the year instead of
    # walking 100,000 customer names in order looking for them.
    default_ordering = ("salesperson__username", "customer__name")
    help_text = "计划行为访问计划次数；实际行由拜访报告自动统计，无需填写。"
    header_fields = (HeaderField("销售专员", value=salesperson_header),)
    row_group = RowGroup((("计划", "plan"), ("实际", "actual")))
    columns = (
        Column("客户名称", "customer__name", width=24),
        Column("拜访对象", "contact__name", width=10),
        Column("联系电话", "phone", width=14, order_by="customer__phone"),
        row_label_column(),
        *month_columns("计划拜访次数与实际执行情况", "{row}_m{month}", name="m", align="center"),
    )
    annotations = (
        "phone",
        *(f"plan_m{m}" for m in range(1, 13)),
        *(f"actual_m{m}" for m in range(1, 13)),
    )

    def can_open(self, user):
        return can_use_visits(user)

    def base_queryset(self, context):
        return plans_visible_to(context.user)

    def annotate(self, queryset, context):
        year = context.period.first.year if context.period else timezone.localdate().year
        queryset = queryset.filter(year=year)
        return queryset.annotate(
            phone=Coalesce(NullIf(F("contact__phone"), Value("")), F("customer__phone")),
            **{f"plan_m{m}": F(f"m{m}") for m in range(1, 13)},
            **{f"actual_m{m}": _actual(m, year) for m in range(1, 13)},
        )

    def actions(self, user):
        if may_plan_visits(user):
            return [(_("Plan a customer"), reverse("visits:plan-create"))]
        return []

    def row_url(self, row, context):
        return None


def _signature(change) -> str:
    if change is None:
        return ""
    return f"{change.actor}　{timezone.localtime(change.changed_at):%Y-%m-%d}"


@site.register
class ScheduleRegister(Register):
    """表5-28: the planned visits of one week or day (``?schedule=``), printed with the
    names of who filled it in (填表), checked it (审核) and approved it (批准)."""

    code = "5-28"
    title = "客户拜访周/日计划表"
    family = Family.VISITS
    model = PlannedVisit
    filterset_class = ScheduleFilter
    month_field = "visit_on"
    default_ordering = ("visit_on", "visit_at", "schedule__salesperson__username")
    extra_values = ("pk", "schedule_id")
    help_text = "由销售人员填表，经理审核、批准；已审核或批准的计划不能再修改。"
    footer = ("批准", "审核", "填表")
    columns = (
        Column("序号", kind=Kind.SEQ, width=6, name="seq"),
        Column("客户名称", "customer__name", width=24, link=True),
        Column("客户类型", "customer__category", width=10),
        Column("拜访目的", "purpose", width=24),
        Column("预计时间", "expected", width=16, order_by=("visit_on", "visit_at")),
        Column("联系人", "contact__name", width=10),
        Column("备注", "remarks", width=20),
    )
    annotations = ("expected",)

    def can_open(self, user):
        return can_use_visits(user)

    def base_queryset(self, context):
        return planned_visits_visible_to(context.user)

    def annotate(self, queryset, context):
        from django.db.models import CharField
        from django.db.models.functions import Cast, Concat, Substr

        return queryset.annotate(
            expected=Concat(
                Cast("visit_on", CharField()),
                Value(" "),
                Coalesce(Substr(Cast("visit_at", CharField()), 1, 5), Value("")),
                output_field=CharField(),
            )
        )

    def row_url(self, row, context):
        return reverse("visits:schedule-detail", args=[row["schedule_id"]])

    def footer_values(self, context):
        schedule = self._schedule(context)
        if schedule is None:
            return {}
        from ledger.workflow import status_changes_of

        changes = list(status_changes_of(schedule))
        # The newest move of each kind since the schedule was last returned.
        done = {}
        for change in changes:
            if change.transition == "return":
                break
            done.setdefault(change.transition, change)
        values = {"填表": f"{schedule.salesperson}"}
        if "check" in done and schedule.status in ("checked", "approved"):
            values["审核"] = _signature(done["check"])
        if "approve" in done and schedule.status == "approved":
            values["批准"] = _signature(done["approve"])
        return values

    def _schedule(self, context):
        pk = context.params.get("schedule")
        if not pk:
            return None
        try:
            return schedules_visible_to(context.user).select_related("salesperson").get(pk=int(pk))
        except (ValueError, TypeError, OverflowError, Exception):
            return None

    def actions(self, user):
        if may_plan_visits(user):
            return [(_("My schedules"), reverse("visits:schedules"))]
        return []


@site.register
class DailyReportRegister(Register):
    """表5-30: one salesperson's day — a line per visit report of the day (compiled from
    the reports) and the lines the salesperson adds for work that was not a visit."""

    code = "5-30"
    title = "拜访日报"
    family = Family.VISITS
    model = DailyLine
    period = PeriodKind.DAY
    period_field = "day"
    filterset_class = SalespersonFilter
    default_ordering = ("day", "salesperson__username", "time_text")
    help_text = "拜访记录由当天的拜访报告自动汇总；非拜访工作可在“我的日报”中补充。"
    columns = (
        Column("序号", kind=Kind.SEQ, width=6, name="seq"),
        Column("访问客户", "customer_text", width=24),
        Column("访问时间", "time_text", width=12),
        Column("访问目的", "purpose", width=22),
        Column("结果", "result", width=30),
        Column("备注", "remarks", width=20),
    )

    def can_open(self, user):
        return can_use_visits(user)

    def base_queryset(self, context):
        return daily_lines_visible_to(context.user)

    def actions(self, user):
        if may_plan_visits(user):
            return [(_("My daily report"), reverse("visits:daily-today"))]
        return []
