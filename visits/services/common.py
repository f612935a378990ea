"""What the visit services share: refusals."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refuse(message: str, field: str | None = None) -> ValidationError:
    return ValidationError({field: message} if field else message)
