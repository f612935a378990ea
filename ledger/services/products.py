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
from ledger.selectors import can_delete_products, can_edit_products
from ledger.services.base import update_record

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


def check_may_edit_products(actor: User) -> None:
    if not can_edit_products(actor):
        raise PermissionDenied


@transaction.atomic
def product_create(*, actor: User, data: Mapping[str, Any]) -> Product:
    """Add a product. Who: admins, managers, sales assistants, 总经理 (``can_edit_products``)."""
    check_may_edit_products(actor)
    product = Product(**{f: data[f] for f in FIELDS if f in data})
    product.full_clean()
    product._history_user = actor
    product.save()
    return product


@transaction.atomic
def product_update(
    *, actor: User, product: Product, data: Mapping[str, Any], expected_version: int
) -> Product:
    """Change a product. Who: as ``product_create``. A stale version is refused."""
    return update_record(
        product,
        actor=actor,
        data=data,
        fields=FIELDS,
        expected_version=expected_version,
        check=lambda: check_may_edit_products(actor),
    )


@transaction.atomic
def product_delete(*, actor: User, product: Product) -> None:
    """Remove a product that nothing refers to; otherwise mark it as no longer in use.

    Who: ``can_delete_products`` (admins)."""
    if not can_delete_products(actor):
        raise PermissionDenied
    product._history_user = actor
    try:
        product.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("This product is in use; mark it as not in use instead of deleting it.")
        ) from exc
