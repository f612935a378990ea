"""A form sent twice saves once.

Every create/edit form carries a one-time token (``{% form_token %}``, a hidden field).
The view that saves records the token, in the same transaction, with the page the user
was sent to. The same form sent again — a double click, a reload that re-posts, a second
request racing the first — finds the token and is sent to that page instead of saving
again; two racing requests collide on the token's unique index and the second rolls
back. A form sent without a token is saved as before.
"""

from __future__ import annotations

import datetime
import re
import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.models import FormSubmission

FIELD = "form_token"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP = datetime.timedelta(days=1)


class Repeated(Exception):
    """The form was already sent; ``url`` is where its first sending led."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def new_token() -> str:
    return uuid.uuid4().hex


def token_of(request: HttpRequest) -> str | None:
    """The form's token if the request carries a well-formed one."""
    value = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return value if TOKEN.match(value) else None


def repeated(request: HttpRequest) -> HttpResponseRedirect | None:
    """The answer to a form this user already sent: back to where it led; else None."""
    token = token_of(request)
    if token is None:
        return None
    url = (
        FormSubmission.objects.filter(token=token, user=request.user)
        .values_list("url", flat=True)
        .first()
    )
    return answer(request, url) if url else None


def remember(request: HttpRequest, url: str) -> None:
    """Record that this form saved and led to ``url``. Call inside the saving transaction.

    Raises ``Repeated`` when a racing request with the same token saved first (the
    caller's transaction then rolls back what it saved).
    """
    token = token_of(request)
    if token is None:
        return
    try:
        with transaction.atomic():
            FormSubmission.objects.create(token=token, user=request.user, url=url[:300])
        # A form is re-sent within seconds; a day's tokens are plenty to keep.
        FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    except IntegrityError:
        first = (
            FormSubmission.objects.filter(token=token, user=request.user)
            .values_list("url", flat=True)
            .first()
        )
        raise Repeated(first or reverse("home")) from None


def answer(request: HttpRequest, url: str) -> HttpResponseRedirect:
    messages.info(request, _("This form was already sent and saved; it was not saved twice."))
    return HttpResponseRedirect(url)
