from django import template

from ledger.engine.pdf import STATIC_SCHEME

register = template.Library()


@register.simple_tag
def print_static(path: str) -> str:
    """A static file for a print template, served by the PDF renderer's own fetcher."""
    return f"{STATIC_SCHEME}{path}"
