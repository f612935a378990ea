"""Figures on the plan pages and the dashboard: the ledger's (``ledger_figures``), under the
name these templates load."""

from django import template

from ledger.templatetags.ledger_figures import money, qty

register = template.Library()
register.filter("money", money)
register.filter("qty", qty)
