"""待我处理: what waits for a user, across every workflow.

Each app whose models declare a workflow contributes a provider in its ``inbox.py``
(discovered at start-up, as ``registers.py``)::

    from ledger.workflow import InboxProvider, inbox

    @inbox.register
    class ScheduleInbox(InboxProvider):
        key = "visits.schedule"
        label = "拜访计划"

        def waiting_for(self, user):
            return schedules_waiting_for(user)  # a selector: rows this user must act on

``ledger`` never imports a family: it only asks the registered providers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import F, OuterRef, QuerySet, Subquery

from accounts.models import User
from ledger.models import StatusChange
from ledger.workflow.declaration import registry

# Items listed per provider on the inbox page (the oldest first); the count is exact.
PAGE_LIMIT = 50


@dataclass(frozen=True)
class InboxItem:
    title: str
    url: str
    state: str
    since: datetime | None  # when the record entered its current state
    detail: str = ""


@dataclass(frozen=True)
class InboxSection:
    key: str
    label: str
    count: int
    items: list[InboxItem]


class InboxProvider:
    """The items of one workflow that wait for a user. Subclasses set ``key``, ``label``
    and ``waiting_for``; ``detail`` adds a short line (owner, amount …) per item."""

    key: str = ""
    label: str = ""

    def waiting_for(self, user: User) -> QuerySet:
        """The records ``user`` must act on now: a selector, through the model's visibility
        rule, with what ``title``/``detail`` read already joined (``select_related``)."""
        raise NotImplementedError

    def title(self, obj: models.Model) -> str:
        return str(obj)

    def url(self, obj: models.Model) -> str:
        return obj.get_absolute_url()

    def detail(self, obj: models.Model) -> str:
        return ""

    def state(self, obj: models.Model) -> str:
        workflow = registry.of(obj)
        return workflow.label_of(workflow.state_of(obj))

    def count_for(self, user: User) -> int:
        return self.waiting_for(user).order_by().count()

    def items_for(self, user: User, *, limit: int = PAGE_LIMIT) -> list[InboxItem]:
        """The oldest waiting items first, each with the time it entered its state."""
        rows = self.waiting_for(user)
        since = (
            StatusChange.objects.filter(
                content_type=ContentType.objects.get_for_model(rows.model),
                object_id=OuterRef("pk"),
            )
            .order_by("-changed_at", "-pk")
            .values("changed_at")[:1]
        )
        rows = rows.annotate(_inbox_since=Subquery(since)).order_by(
            F("_inbox_since").asc(nulls_last=True), "pk"
        )
        return [
            InboxItem(
                title=self.title(obj),
                url=self.url(obj),
                state=self.state(obj),
                since=obj._inbox_since,
                detail=self.detail(obj),
            )
            for obj in rows[:limit]
        ]


class InboxSite:
    """The registered providers, by key."""

    def __init__(self):
        self._registry: dict[str, InboxProvider] = {}

    def register(self, provider_class: type[InboxProvider]) -> type[InboxProvider]:
        key = provider_class.key
        if not key or not provider_class.label:
            raise ImproperlyConfigured(f"{provider_class.__name__}: key and label are required")
        if key in self._registry:
            raise ImproperlyConfigured(f"inbox provider {key} is registered twice")
        self._registry[key] = provider_class()
        return provider_class

    def unregister(self, key: str) -> None:
        self._registry.pop(key, None)

    def __iter__(self) -> Iterator[InboxProvider]:
        return iter(self._registry.values())

    def count_for(self, user: User) -> int:
        """How many items wait for ``user``: one query per provider, whatever the rows."""
        if not (user.is_authenticated and user.is_active):
            return 0
        return sum(provider.count_for(user) for provider in self)

    def sections_for(self, user: User, *, limit: int = PAGE_LIMIT) -> list[InboxSection]:
        """The inbox page: per provider its count and its oldest items (two queries each)."""
        if not (user.is_authenticated and user.is_active):
            return []
        sections = []
        for provider in self:
            count = provider.count_for(user)
            items = provider.items_for(user, limit=limit) if count else []
            sections.append(InboxSection(provider.key, str(provider.label), count, items))
        return sections


inbox = InboxSite()
