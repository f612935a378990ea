"""``transition()``: the one function that moves a record along its state machine."""

from __future__ import annotations

import functools
import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.models import StatusChange
from ledger.workflow.declaration import Transition, Workflow, registry

logger = logging.getLogger(__name__)


class TransitionRefused(ValidationError):
    """The record is not in a state that allows the move (someone else moved it first,
    or the form was opened at an older state). Nothing was written."""

    def __init__(
        self, message: str, *, current_state: str, last_change: StatusChange | None = None
    ):
        self.current_state = current_state
        self.last_change = last_change
        super().__init__(message, code="transition_refused")


def _refusal(workflow: Workflow, obj: models.Model, current: str, target: str) -> TransitionRefused:
    """The clear message: who moved it last and when, or why the move is impossible."""
    last = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("-changed_at", "-pk")
        .first()
    )
    state = workflow.label_of(current)
    if last is not None:
        message = _(
            "This record was already handled by %(who)s at %(when)s; its status is now "
            "“%(state)s”. Reload the page to see it."
        ) % {
            "who": last.actor,
            "when": timezone.localtime(last.changed_at).strftime("%Y-%m-%d %H:%M"),
            "state": state,
        }
    else:
        message = _("The status is “%(state)s”: it cannot become “%(target)s”.") % {
            "state": state,
            "target": workflow.label_of(target),
        }
    return TransitionRefused(message, current_state=current, last_change=last)


def _run_effect(effect, obj, change) -> None:
    # The record has moved and committed: an effect that fails (a notice, a mail) is
    # logged, it does not turn the user's completed action into an error page.
    try:
        effect(obj, change)
    except Exception:
        logger.exception("workflow effect %r failed for %s", effect, change)


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _state_fields(obj: models.Model, workflow: Workflow) -> list[str]:
    """The fields a transition writes: the state, the version, the auto_now stamps."""
    fields = [workflow.field]
    for f in obj._meta.concrete_fields:
        if f.name == "version" or getattr(f, "auto_now", False):
            fields.append(f.name)
    return fields


def transition(
    *,
    obj: models.Model,
    to: str,
    actor: User,
    note: str = "",
    expected_state: str | None = None,
) -> StatusChange:
    """Move ``obj`` to state ``to`` along its model's declared workflow.

    The rule: the row is locked (``select_for_update``), so two people acting at once are
    served one after the other. The state found under the lock must be ``expected_state``
    when one is given (the state the user's page showed) and must allow a transition to
    ``to``; otherwise ``TransitionRefused`` says who moved it last and when. Then the
    transition's ``allowed(actor, obj)`` predicate must admit the actor, else
    ``PermissionDenied``. A status-change row (who, when, from, to, note) is written with the
    new state (the version, if the model has one, goes up so open edit forms turn stale);
    the transition's effects run after the transaction commits, never if it rolls back.

    Who may call it: any service or view, for any actor; the workflow declaration decides
    who may act. Returns the status-change row; ``obj`` carries the new state afterwards.
    """
    workflow = registry.of(obj)
    target = str(to)
    note = (note or "").strip()
    model = type(obj)
    has_version = _has_field(model, "version")
    with transaction.atomic():
        locked = model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
        current = workflow.state_of(locked)
        move: Transition | None = workflow.get(current, target)
        if move is None or (expected_state is not None and current != str(expected_state)):
            raise _refusal(workflow, locked, current, target)
        if not move.may(actor, locked):
            raise PermissionDenied(
                _("You may not “%(action)s” this record.") % {"action": move.label}
            )
        if move.note_required and not note:
            raise ValidationError(
                {"note": _("Please say why (“%(action)s”).") % {"action": move.label}}
            )

        setattr(locked, workflow.field, target)
        if has_version:
            locked.version += 1
        # Only the state is validated here: the transition changes nothing else.
        locked.clean_fields(
            exclude=[f.name for f in model._meta.fields if f.name != workflow.field]
        )
        change = StatusChange(
            content_type=ContentType.objects.get_for_model(locked),
            object_id=locked.pk,
            transition=move.name,
            from_state=current,
            to_state=target,
            actor=actor,
            note=note,
        )
        change.full_clean()
        locked._history_user = actor  # django-simple-history, where the model keeps one
        locked._change_reason = f"{move.label}: {note}" if note else str(move.label)
        locked.save(update_fields=_state_fields(locked, workflow))
        change.save()
        change.content_object = locked
        for effect in move.effects:
            transaction.on_commit(functools.partial(_run_effect, effect, locked, change))
    setattr(obj, workflow.field, target)
    if has_version:
        obj.version = locked.version
    return change
