"""Forms already sent: a form sent twice (a double click, a reload) saves once."""

from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    """One sending of a form that saved, by its one-time token (see ledger.submissions)."""

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.token
