"""A record's workflow on its page: the buttons its user may press, and its trail."""

from django import template

from ledger.workflow.declaration import registry
from ledger.workflow.selectors import status_changes_of

register = template.Library()


@register.inclusion_tag("ledger/_workflow_actions.html", takes_context=True)
def workflow_actions(context, obj, action_url):
    """The moves the page's user may make now (the same predicates ``transition()``
    enforces), in one form that carries the state the page shows."""
    workflow = registry.of(obj)
    state = workflow.state_of(obj)
    transitions = workflow.available(context["request"].user, obj)
    return {
        "obj": obj,
        "action_url": action_url,
        "state": state,
        "state_label": workflow.label_of(state),
        "transitions": transitions,
        "reasons": [t.label for t in transitions if t.note_required],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("ledger/_status_trail.html")
def status_trail(obj):
    """Who moved the record, when, from which state to which, and why (newest first)."""
    workflow = registry.of(obj)
    rows = [
        {
            "change": change,
            "from": workflow.label_of(change.from_state),
            "to": workflow.label_of(change.to_state),
        }
        for change in status_changes_of(obj)
    ]
    return {"rows": rows}
