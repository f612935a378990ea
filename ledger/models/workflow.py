"""The status-change rows every workflow writes (who, when, from, to, note)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NOTE_MAX_LENGTH = 2000


class StatusChangeQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Rows written in bulk (demo data, imports) are sealed into the history chain too,
        in the same transaction, as ``post_save`` seals the rows written one by one."""
        from ledger import integrity

        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            integrity.seal_rows(self.model, [o.pk for o in created if o.pk], using=self.db)
        return created


class StatusChange(models.Model):
    """One transition of one record's state machine, written by ``ledger.workflow.transition``.

    Generic over the model (a contract review, a change request, a visit schedule …), so
    one table keeps every workflow's trail and the inbox can tell how long an item waits.
    The row is never edited: a later transition writes a new row.
    """

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    # Every workflow model has an integer primary key (BigAutoField).
    object_id = models.PositiveBigIntegerField(_("record id"))
    content_object = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from status"), max_length=40)
    to_state = models.CharField(_("to status"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="status_changes",
    )
    changed_at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(
        _("note"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
    )

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            # A record's trail, newest first; the inbox's "waiting since".
            models.Index(
                fields=["content_type", "object_id", "-changed_at"],
                name="statuschange_record_idx",
            ),
            models.Index(fields=["actor", "-changed_at"], name="statuschange_actor_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_state="") & ~Q(from_state=""), name="statuschange_states_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.from_state} → {self.to_state}"
