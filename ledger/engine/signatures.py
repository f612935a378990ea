"""The reviewer's line of a printed register: 审核：张经理 2026-12-03.

On paper the supervisor signs a register's 审核 (or 复核) line when they have checked the
sheet. Here the review is a record (``ledger.models.LedgerReview``) of a register, a
period and, for one salesperson's ledger, that person. The engine knows none of those
models: it asks one hook, installed at start-up (``set_review_signer``), for the review of
``ReviewKey(code, period, subject)`` as the printing user may see it, and prints its
reviewer and date on every label of ``Register.review_labels`` the footer has. Without a
review (or without a hook) the line stays blank, to be signed by hand.

Every register gets it, whoever declares it: the key comes from the declaration
(``Register.review_period`` / ``review_subject``, overridable) and the request.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.engine.base import Register, RegisterContext

# The footer labels a review signs (the others — 填表, 制表, 填制 … — are the preparer's).
REVIEW_LABELS = ("审核", "复核")


@dataclass(frozen=True)
class ReviewKey:
    """Which review a printed register shows: the declaration's code, the period as the
    query string names it (``2026-11``; ``""`` without one), the salesperson (or None)."""

    code: str
    period: str = ""
    subject_id: int | None = None


@dataclass(frozen=True)
class Signature:
    name: str
    date: datetime.date

    @property
    def text(self) -> str:
        return f"{self.name} {self.date:%Y-%m-%d}"


Signer = Callable[[Any, ReviewKey], "Signature | None"]

_signer: Signer | None = None


def set_review_signer(signer: Signer | None) -> None:
    """Install the lookup ``signer(user, key) -> Signature | None`` (one query)."""
    global _signer
    _signer = signer


def review_key(register: Register, context: RegisterContext) -> ReviewKey:
    return ReviewKey(
        register.code, register.review_period(context), register.review_subject(context)
    )


def footer_values(register: Register, context: RegisterContext) -> dict[str, str]:
    """{footer label: text printed after it}: what the declaration knows
    (``Register.footer_values``, e.g. a schedule's 审核 / 批准 from its workflow), then the
    review of the period on the review labels still empty. No query for the review when the
    footer has no such label left, no hook is installed or no review is found."""
    values = {label: text for label, text in register.footer_values(context).items() if text}
    labels = [
        label
        for label in register.footer
        if label in register.review_labels and not values.get(label)
    ]
    if not labels or _signer is None:
        return values
    signature = _signer(context.user, review_key(register, context))
    if signature is not None:
        values.update(dict.fromkeys(labels, signature.text))
    return values
