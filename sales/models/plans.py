"""the sales family (表5-2 … 5-13): plans.

- 表5-2 年度销售计划表: ``AnnualPlan`` (one salesperson, one year) with one ``AnnualPlanLine``
  per product: quantities and unit prices of 内销 / 外销 / 合作外销, in 万元 as the form says;
- 表5-3 月份销售计划: ``MonthPlanItem``, one planned order (customer, product, quantity,
  出货日期), linked to the real order once it exists;
- 表5-4 销售人员行动计划表: ``ActionPlan`` (one salesperson, one month) with its picked
  customers and products (``ActionPlanItem``);
- 表5-5 周行动计划表: ``WeekPlan`` (one salesperson, one ISO week) with one ``WeekPlanDay``
  per weekday.

Every plan has an owner (the salesperson it is for); who sees it follows the owner, as a
customer's details do (``sales.selectors_plans``).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = [
    "ActionItemKind",
    "ActionPlan",
    "ActionPlanItem",
    "AnnualPlan",
    "AnnualPlanLine",
    "MonthPlanItem",
    "WeekPlan",
    "WeekPlanDay",
]

CENT = Decimal("0.01")
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
# How many numbered lines each list of 表5-4 and the 重点目标 of 表5-5 have on paper.
PAPER_LINES = 4


def _quantity(**kwargs) -> models.DecimalField:
    return models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        **kwargs,
    )


class PlanBase(models.Model):
    """What every plan has: its salesperson, its version and who entered it when."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales staff"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


# --- 表5-2 ------------------------------------------------------------------------------
class AnnualPlan(PlanBase):
    """表5-2: one salesperson's plan for one year, one line per product (in 万元)."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    filled_on = models.DateField(_("date filled in"), default=timezone.localdate)
    reviewer = models.CharField(_("reviewed by"), max_length=60, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "owner__username", "pk"]
        verbose_name = _("annual sales plan")
        verbose_name_plural = _("annual sales plans")
        constraints = [
            models.UniqueConstraint(fields=["owner", "year"], name="annual_plan_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="annual_plan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.owner}"

    def get_absolute_url(self) -> str:
        return reverse("sales:annual-plan-detail", args=[self.pk])


def _amount(quantity: Decimal, price: Decimal) -> Decimal:
    return (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)


class AnnualPlanLine(models.Model):
    """One product of an annual plan: 数量 and 单价 (万元) for each market; the amounts and
    the 合计 are computed (数量 × 单价), never typed."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "ledger.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("line number"), default=0)
    home_qty = _quantity(verbose_name=_("domestic quantity"))
    home_price = models.DecimalField(
        _("domestic unit price (10k yuan)"),
        max_digits=14,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    abroad_qty = _quantity(verbose_name=_("export quantity"))
    abroad_price = models.DecimalField(
        _("export unit price (10k yuan)"),
        max_digits=14,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    partner_qty = _quantity(verbose_name=_("joint export quantity"))
    partner_price = models.DecimalField(
        _("joint export unit price (10k yuan)"),
        max_digits=14,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("annual plan line")
        verbose_name_plural = _("annual plan lines")
        constraints = [
            models.UniqueConstraint(fields=["plan", "product"], name="annual_plan_line_product"),
            models.CheckConstraint(
                condition=Q(home_qty__gte=0)
                & Q(abroad_qty__gte=0)
                & Q(partner_qty__gte=0)
                & Q(home_price__gte=0)
                & Q(abroad_price__gte=0)
                & Q(partner_price__gte=0),
                name="annual_plan_line_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.product}"

    @property
    def home_amount(self) -> Decimal:
        return _amount(self.home_qty, self.home_price)

    @property
    def abroad_amount(self) -> Decimal:
        return _amount(self.abroad_qty, self.abroad_price)

    @property
    def partner_amount(self) -> Decimal:
        return _amount(self.partner_qty, self.partner_price)

    @property
    def total_qty(self) -> Decimal:
        return self.home_qty + self.abroad_qty + self.partner_qty

    @property
    def total_amount(self) -> Decimal:
        return self.home_amount + self.abroad_amount + self.partner_amount


# --- 表5-3 ------------------------------------------------------------------------------
class MonthPlanItem(PlanBase):
    """表5-3: one planned order of a month: customer, product, quantity, 出货日期."""

    customer = models.ForeignKey(
        "ledger.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "ledger.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(
        _("planned quantity"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(CENT)],
    )
    ship_on = models.DateField(_("planned shipping date"))
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    # The real order, once the customer has placed it (订单号 on 表5-3).
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("linked order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["ship_on", "pk"]
        verbose_name = _("monthly plan item")
        verbose_name_plural = _("monthly plan items")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="month_plan_quantity_positive")
        ]
        indexes = [models.Index(fields=["ship_on", "owner"], name="month_plan_ship_owner")]

    def __str__(self) -> str:
        return f"{self.ship_on:%Y-%m} {self.customer} · {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("sales:month-plan-edit", args=[self.pk])


# --- 表5-4 ------------------------------------------------------------------------------
class ActionPlan(PlanBase):
    """表5-4: one salesperson's plan for one month: the target and the picked customers
    and products (``items``)."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    target = models.DecimalField(
        _("monthly sales target (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    plan_text = models.TextField(_("plan text"), max_length=2000, blank=True)
    filled_on = models.DateField(_("date"), default=timezone.localdate)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-month", "owner__username", "pk"]
        verbose_name = _("salesperson's action plan")
        verbose_name_plural = _("salespeople's action plans")
        constraints = [
            models.UniqueConstraint(fields=["owner", "month"], name="action_plan_one_per_month"),
            models.CheckConstraint(condition=Q(target__gte=0), name="action_plan_target"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月} {self.owner}"

    def get_absolute_url(self) -> str:
        return reverse("sales:action-plan-detail", args=[self.pk])

    def clean(self):
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)


class ActionItemKind(models.TextChoices):
    VISIT = "visit", "重点拜访客户名称"
    NEW = "new", "新开拓客户名称"
    PRODUCT = "product", "重点销售产品"


class ActionPlanItem(models.Model):
    """One numbered line (1.–4.) of a 表5-4 list: a customer or a product picked from the
    registry or the product master; a new prospect not in the registry yet by name."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("which list"), max_length=10, choices=ActionItemKind.choices)
    position = models.PositiveSmallIntegerField(
        _("line number"), validators=[MinValueValidator(1), MaxValueValidator(PAPER_LINES)]
    )
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.ForeignKey(
        "ledger.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=120, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "position"]
        verbose_name = _("action plan item")
        verbose_name_plural = _("action plan items")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "position"], name="action_item_one_per_line"
            ),
            models.CheckConstraint(
                condition=(Q(kind="product") & Q(customer__isnull=True))
                | (~Q(kind="product") & Q(product__isnull=True)),
                name="action_item_customer_or_product",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        picked = self.product if self.kind == ActionItemKind.PRODUCT else self.customer
        if picked is not None:
            return picked.name
        return self.name


# --- 表5-5 ------------------------------------------------------------------------------
def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


class WeekPlan(PlanBase):
    """表5-5: one salesperson's plan for one ISO week: 重点目标 1.–4. and one line per
    weekday (``days``)."""

    week_start = models.DateField(_("week (Monday)"))
    goal1 = models.CharField("1.", max_length=200, blank=True)
    goal2 = models.CharField("2.", max_length=200, blank=True)
    goal3 = models.CharField("3.", max_length=200, blank=True)
    goal4 = models.CharField("4.", max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-week_start", "owner__username", "pk"]
        verbose_name = _("weekly action plan")
        verbose_name_plural = _("weekly action plans")
        constraints = [
            models.UniqueConstraint(fields=["owner", "week_start"], name="week_plan_one_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.week_label} {self.owner}"

    def get_absolute_url(self) -> str:
        return reverse("sales:week-plan-detail", args=[self.pk])

    def clean(self):
        if self.week_start:
            self.week_start = monday_of(self.week_start)

    @property
    def week_label(self) -> str:
        if not self.week_start:
            return ""
        year, week, _day = self.week_start.isocalendar()
        last = self.week_start + datetime.timedelta(days=6)
        return f"{year}年第{week}周（{self.week_start:%m-%d}—{last:%m-%d}）"

    @property
    def goals(self) -> list[str]:
        return [self.goal1, self.goal2, self.goal3, self.goal4]


class WeekPlanDay(models.Model):
    """One weekday of a 表5-5: 重点行动计划, 重点拜访客户 (from the registry), 重点销售产品
    (from the product master)."""

    plan = models.ForeignKey(WeekPlan, on_delete=models.CASCADE, related_name="days")
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), validators=[MinValueValidator(0), MaxValueValidator(6)]
    )
    action = models.CharField(_("key actions"), max_length=200, blank=True)
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer to visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.ForeignKey(
        "ledger.Product",
        verbose_name=_("product to push"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("weekday plan")
        verbose_name_plural = _("weekday plans")
        constraints = [
            models.UniqueConstraint(fields=["plan", "weekday"], name="week_plan_day_once"),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="week_plan_weekday"
            ),
        ]

    def __str__(self) -> str:
        return WEEKDAYS[self.weekday]

    @property
    def day_label(self) -> str:
        return WEEKDAYS[self.weekday]

    def clean(self):
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValidationError({"weekday": _("Not a weekday.")})
