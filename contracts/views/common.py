"""What the contract pages share: turning a service's refusal into a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def refusal_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied) and exc.args:
        return str(exc.args[0])
    return ""


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def refuse(request, exc: Exception, fallback: str) -> None:
    messages.error(request, refusal_text(exc) or fallback)
