"""The seals of the history chain (tamper-evident history, see ``ledger.integrity``)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The hash before the first seal.
GENESIS = "0" * 64


class HistoryChain(models.Model):
    """The head of the chain: one row, locked (``select_for_update``) by every writer of a
    history row in the writer's own transaction, so seals are numbered and linked one after
    the other even when several processes write at once."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("history chain")
        verbose_name_plural = _("history chain")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="historychain_one_row")]

    def __str__(self) -> str:
        return f"{self.sequence} {self.hash}"


class HistoryFieldSet(models.Model):
    """The columns a seal covers, per table. A column added to a history table later is not
    part of the older rows' seals, so a migration does not break the chain."""

    label = models.CharField(max_length=100)
    fields = models.TextField()

    class Meta:
        verbose_name = _("sealed field set")
        verbose_name_plural = _("sealed field sets")
        constraints = [
            models.UniqueConstraint(fields=["label", "fields"], name="historyfieldset_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.fields}"


class HistorySeal(models.Model):
    """One link of the chain: a history row (``label`` = its model, ``row_id`` = its key), the
    digest of its content, the previous link's hash and this link's hash."""

    sequence = models.PositiveBigIntegerField(_("sequence"), primary_key=True)
    label = models.CharField(_("table"), max_length=100)
    row_id = models.PositiveBigIntegerField(_("row"))
    field_set = models.ForeignKey(
        HistoryFieldSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("fields")
    )
    digest = models.CharField(_("content digest"), max_length=64)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"), default=timezone.now)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("history seal")
        verbose_name_plural = _("history seals")
        constraints = [
            models.UniqueConstraint(fields=["label", "row_id"], name="historyseal_row_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.label}:{self.row_id}"
