"""Figures on pages, written as the printed forms and the registers write them."""

from django import template

from ledger.engine.columns import Kind, format_value

register = template.Library()


@register.filter
def money(value) -> str:
    """``1234567.5`` → ``1,234,567.50``."""
    return format_value(value, Kind.MONEY)


@register.filter
def qty(value) -> str:
    """A quantity with as many decimals as it has: ``1,200`` or ``12.5``."""
    return format_value(value, Kind.DECIMAL)
