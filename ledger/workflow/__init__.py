"""The workflow spine: state machines declared on models, moved by one function.

- ``Workflow`` / ``Transition``: a model's states and allowed moves, who may make each
  move (a predicate on (user, obj)) and the effects run after commit (``declaration``).
- ``transition(obj=…, to=…, actor=…, note=…, expected_state=…)``: locks the row, checks
  the state and the actor, writes a ``StatusChange`` row, saves, schedules the effects
  (``services``).
- ``inbox``: 待我处理, fed by one provider per workflow from each app's ``inbox.py``.
"""

from ledger.workflow import checks as _checks  # noqa: F401  (registers the system check)
from ledger.workflow.declaration import Transition, Workflow, registry
from ledger.workflow.inbox import InboxItem, InboxProvider, InboxSection, inbox
from ledger.workflow.selectors import status_changes_of, transitions_available_to
from ledger.workflow.services import TransitionRefused, transition

__all__ = [
    "InboxItem",
    "InboxProvider",
    "InboxSection",
    "Transition",
    "TransitionRefused",
    "Workflow",
    "inbox",
    "registry",
    "status_changes_of",
    "transition",
    "transitions_available_to",
]
