"""The product master (表5-7 产品记录表)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Product(models.Model):
    code = models.CharField(_("product code"), max_length=40, unique=True)
    name = models.CharField(_("product name"), max_length=120)
    spec = models.CharField(_("specification"), max_length=120, blank=True)
    color = models.CharField(_("colour"), max_length=40, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    wholesale_price = models.DecimalField(
        _("wholesale price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    retail_price = models.DecimalField(
        _("retail price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    packaging = models.CharField(_("packaging"), max_length=60, blank=True)
    normal_margin = models.DecimalField(
        _("normal profit margin (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    historical_sales = models.DecimalField(
        _("sales to date"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="product_code_not_blank"),
            models.CheckConstraint(
                condition=Q(wholesale_price__isnull=True) | Q(wholesale_price__gte=0),
                name="product_wholesale_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(retail_price__isnull=True) | Q(retail_price__gte=0),
                name="product_retail_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(historical_sales__isnull=True) | Q(historical_sales__gte=0),
                name="product_sales_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("product-edit", args=[self.pk])
