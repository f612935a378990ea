"""Users, their one role and their department."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES = "sales", _("Salesperson")
    ASSISTANT = "assistant", _("Sales assistant")
    MANAGER = "manager", _("Sales manager")
    PRODUCTION = "production", _("Production dept.")
    QUALITY = "quality", _("Quality dept.")
    PURCHASING = "purchasing", _("Purchasing dept.")
    GM = "gm", _("General manager")
    ADMIN = "admin", _("Administrator")


# Roles that work with customers and see the shared ledger (公共台账).
SALES_SIDE_ROLES = frozenset({Role.SALES, Role.ASSISTANT, Role.MANAGER, Role.GM, Role.ADMIN})
# Roles that may own customers.
OWNER_ROLES = frozenset({Role.SALES, Role.MANAGER})
# Department reviewers: they see the contracts under review by their department only.
REVIEWER_ROLES = frozenset({Role.PRODUCTION, Role.QUALITY, Role.PURCHASING})


class Department(models.Model):
    """A unit of the organisation; departments form a tree (市场总部 → 销售一部, 销售二部)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_sales = models.BooleanField(_("sales department"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class LedgerUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. Exactly one role; belongs to one department."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALES)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = LedgerUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # The admin site is for the 管理员 role: staff and superuser follow the role, so
        # changing a role can never leave a stale admin behind.
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_gm(self) -> bool:
        return self.role == Role.GM

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_sales_side(self) -> bool:
        return self.role in SALES_SIDE_ROLES

    @property
    def sees_everything(self) -> bool:
        """总经理 and 管理员 see every customer's details."""
        return self.role in (Role.GM, Role.ADMIN)
