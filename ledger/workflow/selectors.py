"""Reads about workflows: a record's trail and the moves open to a user."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from accounts.models import User
from ledger.models import StatusChange
from ledger.workflow.declaration import Transition, registry


def status_changes_of(obj: models.Model) -> QuerySet[StatusChange]:
    """The record's status changes, newest first, with their actors (one query).

    Who may call it: a page that has already fetched ``obj`` for its user through the
    model's selector (which decides who sees the record, and so its trail).
    """
    return (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("-changed_at", "-pk")
    )


def transitions_available_to(user: User, obj: models.Model) -> list[Transition]:
    """The moves ``user`` may make on ``obj`` in its current state (the page's buttons).

    The same predicates ``transition()`` enforces; showing a button is never the check.
    """
    return registry.of(obj).available(user, obj)
