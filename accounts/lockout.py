"""How django-axes names the user behind a failed log-in."""

from django.conf import settings

# AccessAttempt.username is a varchar(255); no user name of the ledger is longer than 150.
MAX_USERNAME = 150


def client_username(request, credentials=None) -> str | None:
    """The user name from the credentials (else the posted form), cut to a storable length.

    Without the cut a junk user name of thousands of characters made recording the failed
    log-in itself fail on PostgreSQL (a 500 instead of "wrong user name or password").
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username[:MAX_USERNAME] if isinstance(username, str) else username
