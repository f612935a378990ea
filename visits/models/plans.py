"""表5-27 客户访问月计划表: one line per salesperson, year and customer."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONTHS = range(1, 13)
MAX_VISITS_PER_MONTH = 31


def month_field(month: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        format_lazy(_("planned visits in month {month}"), month=month),
        default=0,
        validators=[MaxValueValidator(MAX_VISITS_PER_MONTH)],
    )


class VisitPlan(models.Model):
    """The planned visits to one customer, month by month, for one salesperson and year.

    Only the plan is typed: the 实际 row of 表5-27 is counted from the visit reports.
    """

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="visit_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    customer = models.ForeignKey(
        "ledger.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="visit_plans",
    )
    contact = models.ForeignKey(
        "ledger.Contact",
        verbose_name=_("person to visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    m1 = month_field(1)
    m2 = month_field(2)
    m3 = month_field(3)
    m4 = month_field(4)
    m5 = month_field(5)
    m6 = month_field(6)
    m7 = month_field(7)
    m8 = month_field(8)
    m9 = month_field(9)
    m10 = month_field(10)
    m11 = month_field(11)
    m12 = month_field(12)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["salesperson", "year", "customer__name", "pk"]
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "year", "customer"], name="visitplan_one_per_customer"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="visitplan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.customer}"

    def get_absolute_url(self) -> str:
        query = urlencode({"period": self.year, "salesperson": self.salesperson_id})
        return f"{reverse('register-list', args=['5-27'])}?{query}"

    def planned(self, month: int) -> int:
        return getattr(self, f"m{month}")

    @property
    def planned_total(self) -> int:
        return sum(self.planned(m) for m in MONTHS)
