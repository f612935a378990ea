"""How a model declares its state machine (as django-oscar's ``pipeline``).

A model lists its states as ``TextChoices`` on a ``CharField`` and declares the allowed
moves once, as a class attribute::

    class Schedule(models.Model):
        class Status(models.TextChoices):
            DRAFT = "draft", _("Draft")
            CHECKED = "checked", _("Checked")
            APPROVED = "approved", _("Approved")

        status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

        workflow = Workflow(
            states=Status,
            transitions=[
                Transition("check", "审核", source=Status.DRAFT, target=Status.CHECKED,
                           allowed=may_check_schedule),
                Transition("approve", "批准", source=Status.CHECKED, target=Status.APPROVED,
                           allowed=may_approve_schedule, effects=[notify_owner]),
            ],
        )

``allowed(user, obj) -> bool`` is a "may this user …" predicate; it lives in the family's
selectors. ``effects`` are called as ``effect(obj, change)`` after the transaction that
moved the record commits. Only ``ledger.workflow.transition`` moves a state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

if TYPE_CHECKING:
    from accounts.models import User
    from ledger.models import StatusChange

Predicate = Callable[["User", Any], bool]
Effect = Callable[[Any, "StatusChange"], None]


@dataclass(frozen=True)
class Transition:
    """One allowed move: from any of ``source`` to ``target``, by whom ``allowed`` admits."""

    name: str  # stable key, e.g. "approve" (stored in StatusChange.transition)
    label: str  # what the user clicks, e.g. 提交 / 审核 / 批准 / 退回
    source: str | Iterable[str]
    target: str
    allowed: Predicate
    effects: tuple[Effect, ...] = ()
    note_required: bool = False  # e.g. 退回 must say why
    sources: frozenset[str] = field(init=False)

    def __post_init__(self):
        source = [self.source] if isinstance(self.source, str) else list(self.source)
        object.__setattr__(self, "sources", frozenset(str(s) for s in source))
        object.__setattr__(self, "target", str(self.target))
        object.__setattr__(self, "effects", tuple(self.effects))

    def may(self, user: User, obj: Any) -> bool:
        """Whether ``user`` may take this transition on ``obj`` (its state aside)."""
        return bool(user.is_authenticated and user.is_active and self.allowed(user, obj))


class Workflow:
    """The state machine of one model: its states and the transitions between them."""

    def __init__(
        self,
        *,
        states: type[models.TextChoices],
        transitions: Iterable[Transition],
        field: str = "status",
    ):
        self.states = states
        self.field = field
        self.transitions = tuple(transitions)
        self.model: type[models.Model] | None = None
        known = set(states.values)
        seen_names, seen_moves = set(), set()
        for t in self.transitions:
            unknown = (t.sources | {t.target}) - known
            if unknown:
                raise ImproperlyConfigured(f"transition {t.name!r}: unknown states {unknown}")
            if t.name in seen_names:
                raise ImproperlyConfigured(f"transition {t.name!r} is declared twice")
            seen_names.add(t.name)
            for source in t.sources:
                if (source, t.target) in seen_moves:
                    raise ImproperlyConfigured(f"two transitions move {source} → {t.target}")
                seen_moves.add((source, t.target))

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        # Called by Django's ModelBase, as for a field or a manager.
        setattr(cls, name, self)
        if cls._meta.abstract:
            return
        self.model = cls
        registry.add(self)

    def __iter__(self) -> Iterator[Transition]:
        return iter(self.transitions)

    def state_of(self, obj: Any) -> str:
        return getattr(obj, self.field)

    def label_of(self, state: str) -> str:
        """The state's display label (已提交, 已批准 …); the raw value if undeclared."""
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def get(self, source: str, target: str) -> Transition | None:
        """The transition from ``source`` to ``target``, if the machine allows that move."""
        for t in self.transitions:
            if source in t.sources and t.target == target:
                return t
        return None

    def available(self, user: User, obj: Any) -> list[Transition]:
        """The transitions ``user`` may take on ``obj`` now (for an object page's buttons)."""
        state = self.state_of(obj)
        return [t for t in self.transitions if state in t.sources and t.may(user, obj)]


class WorkflowRegistry:
    """Every model that declares a workflow, by model (filled as models are loaded)."""

    def __init__(self):
        self._by_model: dict[type[models.Model], Workflow] = {}

    def add(self, workflow: Workflow) -> None:
        if workflow.model in self._by_model:
            raise ImproperlyConfigured(f"{workflow.model.__name__} declares two workflows")
        self._by_model[workflow.model] = workflow

    def of(self, model_or_obj: Any) -> Workflow:
        model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
        model = model._meta.concrete_model
        try:
            return self._by_model[model]
        except KeyError:
            raise ImproperlyConfigured(f"{model.__name__} declares no workflow") from None

    def __iter__(self) -> Iterator[Workflow]:
        return iter(self._by_model.values())


registry = WorkflowRegistry()
