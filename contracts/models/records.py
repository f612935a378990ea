"""The contract family's records beside the contract itself: inspections (表5-22), uses of
contract texts (表5-23), letters of authorisation (表5-24) and the archive (表5-25).

Numbers a record carries on paper (档案编号 ``GD-2026-0001``, 证号 ``WT-2026-0001``) are
gapless per series and year, drawn from ``ledger.numbering`` inside the transaction that
creates the record.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ledger.models.limits import LONG_TEXT_MAX_LENGTH, long_text_validators

__all__ = [
    "AuthorizationLetter",
    "ContractArchive",
    "ContractInspection",
    "ContractTextUse",
    "RecordSeries",
]

MONEY = {"max_digits": 14, "decimal_places": 2}


class RecordSeries(models.TextChoices):
    """The numbered series of this module, with the prefix printed before the year."""

    ARCHIVE = "GD", _("archive number")
    AUTHORIZATION = "WT", _("authorization number")


def _long_text(label, *, blank=True):
    return models.TextField(
        label, max_length=LONG_TEXT_MAX_LENGTH, validators=long_text_validators(), blank=blank
    )


class ContractInspection(models.Model):
    """One inspection of a contract's performance (表5-22 销售合同检查台账)."""

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("inspection date"))
    items = models.CharField(_("items inspected"), max_length=200)
    performance = _long_text(_("performance"), blank=False)
    problems = _long_text(_("problems found"))
    measures = _long_text(_("corrective measures"))
    deadline = models.DateField(_("correction deadline"), null=True, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="contract_inspections",
    )
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("contract inspection")
        verbose_name_plural = _("contract inspections")
        indexes = [
            models.Index(fields=["inspected_on", "id"], name="inspection_date_idx"),
            models.Index(fields=["contract", "-inspected_on"], name="inspection_contract_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=F("inspected_on")),
                name="inspection_deadline_after_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.inspected_on}"


class ContractTextUse(models.Model):
    """One taking of contract texts (表5-23 合同文本领用登记台账): which text, how many
    copies were actually used, under which seal, by whom and when."""

    text_name = models.CharField(_("text name"), max_length=100)
    text_source = models.CharField(_("text source"), max_length=100)
    copies = models.PositiveIntegerField(_("copies used"), validators=[MinValueValidator(1)])
    seal_name = models.CharField(_("seal name"), max_length=60, blank=True)
    user_name = models.CharField(_("used by"), max_length=60)
    used_on = models.DateField(_("date of use"))
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="text_uses",
    )
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-used_on", "-id"]
        verbose_name = _("contract text use")
        verbose_name_plural = _("contract text uses")
        indexes = [models.Index(fields=["used_on", "id"], name="textuse_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1), name="textuse_copies_positive")
        ]

    def __str__(self) -> str:
        return f"{self.text_name} {self.used_on}"


class AuthorizationLetter(models.Model):
    """One 《授权委托书》 issued (表5-24): its 证号 (``WT-2026-0001``, gapless per year),
    the holder, who authorises whom for what, up to which amount and until when."""

    number = models.CharField(_("certificate number"), max_length=20, unique=True, editable=False)
    department = models.CharField(_("department"), max_length=60)
    holder_name = models.CharField(_("holder's name"), max_length=60)
    position = models.CharField(_("position"), max_length=60, blank=True)
    issued_on = models.DateField(_("date issued"))
    principal = models.CharField(_("principal"), max_length=60)
    agent = models.CharField(_("agent"), max_length=60)
    matter = models.CharField(_("matter entrusted"), max_length=200)
    amount = models.DecimalField(_("amount entrusted"), **MONEY, null=True, blank=True)
    valid_until = models.DateField(_("valid until"))
    authority = models.CharField(_("authority granted"), max_length=200)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="authorization_letters",
    )
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("letter of authorization")
        verbose_name_plural = _("letters of authorization")
        indexes = [models.Index(fields=["issued_on", "id"], name="authorization_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="authorization_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("issued_on")),
                name="authorization_valid_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ContractArchive(models.Model):
    """A completed contract handed to the archive (表5-25): its 档案编号 (``GD-2026-0001``,
    gapless per year), the copies filed and who filed them. One per contract."""

    contract = models.OneToOneField(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="archive",
    )
    number = models.CharField(_("archive number"), max_length=20, unique=True, editable=False)
    archived_on = models.DateField(_("archived on"))
    copies = models.PositiveIntegerField(_("copies filed"), validators=[MinValueValidator(1)])
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-archived_on", "-id"]
        verbose_name = _("contract archive record")
        verbose_name_plural = _("contract archive records")
        indexes = [models.Index(fields=["archived_on", "id"], name="archive_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1), name="archive_copies_positive")
        ]

    def __str__(self) -> str:
        return self.number
