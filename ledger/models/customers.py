"""The customer registry (客户台账): customers, contacts, events and service records."""

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ledger.models.limits import LONG_TEXT_MAX_LENGTH, long_text_validators

_SPACES = re.compile(r"\s+")
_NOT_DIGITS = re.compile(r"\D+")


def name_key(name: str) -> str:
    """How two customer names are compared for duplicates: case and spaces ignored."""
    return _SPACES.sub("", name or "").casefold()


def phone_key(phone: str) -> str:
    """How two phone numbers are compared: digits only, country code 86 dropped."""
    digits = _NOT_DIGITS.sub("", phone or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def search_key(name: str, person_name: str, phone: str) -> str:
    """The text a search compares against: ``name|person|phone digits``, normalised."""
    return f"{name_key(name)}|{name_key(person_name)}|{phone_key(phone)}"[:240]


class CustomerCategory(models.TextChoices):
    NEW = "new", _("New customer")
    REGULAR = "regular", _("Regular customer")
    KEY = "key", _("Key customer")
    POTENTIAL = "potential", _("Potential customer")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro (under 10 staff)")
    SMALL = "small", _("Small (10–99 staff)")
    MEDIUM = "medium", _("Medium (100–999 staff)")
    LARGE = "large", _("Large (1000+ staff)")


class CreditRating(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class Customer(models.Model):
    """One customer: a company or a person, owned by one salesperson."""

    name = models.CharField(_("customer name"), max_length=120)
    person_name = models.CharField(_("customer contact name"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    category = models.CharField(
        _("customer category"),
        max_length=20,
        choices=CustomerCategory.choices,
        default=CustomerCategory.NEW,
    )
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    company_size = models.CharField(
        _("company size"), max_length=20, choices=CompanySize.choices, blank=True
    )
    competitors = models.CharField(_("competitors"), max_length=200, blank=True)
    credit_rating = models.CharField(
        _("credit rating"), max_length=3, choices=CreditRating.choices, blank=True
    )
    overdue_record = models.TextField(
        _("overdue record"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )
    risk_warning = models.TextField(
        _("risk warning"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    # Kept by the services that record contact (events, service records, visits), so the
    # shared ledger can sort 100,000 customers by it without aggregating millions of rows.
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    # Who made that contact (a visit report's visitor, an event's author): the 公共台账
    # shows it so colleagues see who already works the customer.
    last_contact_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last contact by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    phone_key = models.CharField(max_length=40, editable=False, blank=True, db_index=True)
    # What the list's search box looks in: name, person and phone digits, normalised
    # (indexed by character pairs on PostgreSQL, see ledger.search).
    search_key = models.CharField(max_length=240, editable=False, blank=True, default="")
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["name_key", "phone_key", "search_key", "updated_at"]
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["name", "id"], name="customer_name_idx"),
            models.Index(fields=["owner", "name"], name="customer_owner_name_idx"),
            models.Index(fields=["category", "name"], name="customer_category_name_idx"),
            models.Index(fields=["last_contact_on"], name="customer_last_contact_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="customer_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Derived lookup keys, kept next to the values they derive from.
        self.name_key = name_key(self.name)
        self.phone_key = phone_key(self.phone)
        self.search_key = search_key(self.name, self.person_name, self.phone)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.pk])


class ContactKind(models.TextChoices):
    PRIMARY = "primary", _("Primary contact")
    SECONDARY = "secondary", _("Secondary contact")


class Contact(models.Model):
    """A person at the customer (主要联系人 / 辅助联系人)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    kind = models.CharField(
        _("contact type"), max_length=20, choices=ContactKind.choices, default=ContactKind.PRIMARY
    )
    name = models.CharField(_("contact name"), max_length=60)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone_key = models.CharField(max_length=40, editable=False, blank=True, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["phone_key"])

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # The 个人台账 shows each customer's first primary contact.
            models.Index(
                fields=["customer", "id"],
                condition=Q(kind="primary"),
                name="contact_primary_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="contact_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.phone_key = phone_key(self.phone)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.customer_id]) + "#contacts"


class EventKind(models.TextChoices):
    CONTRACT = "contract", _("Contracts and deals")
    MEETING = "meeting", _("Meetings and negotiations")
    OTHER = "other", _("Other activities")
    FOLLOW_UP = "follow_up", _("Follow-up item")


class CustomerEvent(models.Model):
    """A dated entry on the customer's timeline (重要事件和活动).

    Users add entries through ``customer_event_record`` (permission checked); other
    ledgers' services (contracts, orders, visit reports) through
    ``customer_event_record_from_source``, with their record as ``source``.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event type"), max_length=20, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(
        _("details"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")
        indexes = [
            models.Index(fields=["customer", "-occurred_on"], name="event_customer_date_idx"),
            # The home page's follow-ups due, in date order.
            models.Index(
                fields=["occurred_on"],
                condition=Q(kind="follow_up"),
                name="event_follow_up_date_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.customer_id]) + "#events"


class ServiceKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


class ServiceRecord(models.Model):
    """One entry of the 客户服务台账: a consultation, complaint or suggestion."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="service_records",
    )
    kind = models.CharField(_("service type"), max_length=20, choices=ServiceKind.choices)
    client_name = models.CharField(_("client name"), max_length=60)
    contact_info = models.CharField(_("contact information"), max_length=100, blank=True)
    content = models.TextField(
        _("content"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
    )
    result = models.TextField(
        _("result"),
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=long_text_validators(),
        blank=True,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_service_records",
    )
    received_on = models.DateField(_("received on"))
    handled_on = models.DateField(_("handled on"), null=True, blank=True)
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
        ordering = ["-received_on", "-id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [
            models.Index(fields=["customer", "-received_on"], name="service_customer_date_idx"),
            models.Index(fields=["received_on"], name="service_received_idx"),
            # The home page's open items (not handled, or handled without a result).
            models.Index(
                fields=["customer", "received_on"],
                condition=Q(handled_on__isnull=True) | Q(result=""),
                name="service_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(handled_on__isnull=True) | Q(handled_on__gte=models.F("received_on")),
                name="service_handled_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on}"

    def get_absolute_url(self) -> str:
        return reverse("service-record-edit", args=[self.pk])

    def clean(self):
        errors = {}
        if self.handled_on and self.received_on and self.handled_on < self.received_on:
            errors["handled_on"] = _("The handling date cannot be before the date received.")
        if self.handled_on and not self.result.strip():
            errors["result"] = _("Write down the result when you enter a handling date.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return bool(self.handled_on and self.result)
