from django import template
from django.utils.html import format_html

from ledger import submissions

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context) -> str:
    """The form's one-time token (see ledger.submissions): the one sent, else a new one."""
    request = context.get("request")
    token = (submissions.token_of(request) if request else None) or submissions.new_token()
    return format_html('<input type="hidden" name="{}" value="{}">', submissions.FIELD, token)
