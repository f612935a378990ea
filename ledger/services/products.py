"""Writes to the product master (表5-7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.models import Product
from ledger.selectors import can_edit_products

FIELDS = (
    "code",
    "name",
    "spec",
    "color",
    "unit",
    "wholesale_price",
    "retail_price",
    "packaging",
    "normal_margin",
    "historical_sales",
    "remarks",
    "is_active",
)


@transaction.atomic
def product_save(
    *, actor: User, data: Mapping[str, Any], product: Product | None = None
) -> Product:
    """Create or change a product. Who: admins, managers, sales assistants, 总经理."""
    if not can_edit_products(actor):
        raise PermissionDenied
    product = product or Product()
    for field in FIELDS:
        if field in data:
            setattr(product, field, data[field])
    product.full_clean()
    product._history_user = actor
    product.save()
    return product


@transaction.atomic
def product_delete(*, actor: User, product: Product) -> None:
    """Remove a product that nothing refers to; otherwise mark it as no longer in use."""
    if not (actor.is_active and actor.is_admin):
        raise PermissionDenied
    product._history_user = actor
    try:
        product.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("This product is in use; mark it as not in use instead of deleting it.")
        ) from exc
