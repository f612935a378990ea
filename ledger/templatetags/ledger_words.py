"""Words that depend on a record: the 内容 label of a service record follows its kind."""

from django import template

from ledger.forms import CONTENT_LABELS

register = template.Library()


@register.filter
def content_label(record) -> str:
    """咨询内容 / 投诉内容 / 建议内容 for a service record (or its kind)."""
    kind = getattr(record, "kind", record)
    return str(CONTENT_LABELS.get(kind, CONTENT_LABELS["complaint"]))
