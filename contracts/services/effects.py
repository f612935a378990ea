"""What happens after a contract's state moved and the transaction committed: the owner
hears by e-mail that the review passed or came back."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _mail_owner(contract, subject: str, body: str) -> None:
    email = contract.owner.email
    if email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])


def review_returned(contract, change) -> None:
    _mail_owner(
        contract,
        _("Contract review returned: %(number)s") % {"number": contract.number},
        _("The review of contract %(number)s was returned by %(who)s: %(note)s")
        % {"number": contract.number, "who": change.actor, "note": change.note},
    )


def review_approved(contract, change) -> None:
    _mail_owner(
        contract,
        _("Contract review passed: %(number)s") % {"number": contract.number},
        _("The review of contract %(number)s has passed; it may now be sealed.")
        % {"number": contract.number},
    )


def contract_cancelled(contract, change) -> None:
    logger.info("contract %s cancelled by %s", contract.number, change.actor)
