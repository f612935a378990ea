"""Test-only register declarations, put in the site for one test and taken out after."""

import contextlib

from accounts.models import Role
from ledger.engine import Column, Family, Kind, Register, site
from ledger.models import Product


@contextlib.contextmanager
def declared(*declaration_classes):
    """The site with these declarations added (replacing any with the same code)."""
    saved = dict(site._registry)
    try:
        for declaration_class in declaration_classes:
            site.unregister(declaration_class.code)
            site.register(declaration_class)
        yield site
    finally:
        site._registry.clear()
        site._registry.update(saved)


class ViewOnlyProducts(Register):
    """Open to everyone; exported by managers and up; printed by admins only."""

    code = "view-only"
    title = "产品一览（只读）"
    family = Family.SALES
    model = Product
    columns = (
        Column("产品编号", "code"),
        Column("零售", "retail_price", kind=Kind.MONEY),
        # A column only admins see: a rule per role, on the column.
        Column("批发", "wholesale_price", kind=Kind.MONEY, visible=lambda c: c.user.is_admin),
    )

    def can_open(self, user):
        return user.is_active

    def can_export(self, user):
        return user.role in (Role.MANAGER, Role.GM, Role.ADMIN)

    def can_print(self, user):
        return user.is_admin

    def base_queryset(self, context):
        return Product.objects.all()


def product_form(code: str, title: str, family=Family.SALES) -> type[Register]:
    """A register standing in for a numbered form, for the order of menus and indexes."""
    return type(
        f"Form{code.replace('-', '_')}",
        (Register,),
        {
            "code": code,
            "title": title,
            "family": family,
            "model": Product,
            "columns": (Column("产品编号", "code"),),
            "in_monthly_workbook": True,
            "can_open": lambda self, user: user.is_active,
            "base_queryset": lambda self, context: Product.objects.all(),
        },
    )


@contextlib.contextmanager
def withdrawn(*codes):
    """The site without these real declarations (as before their forms were built)."""
    saved = dict(site._registry)
    try:
        for code in codes:
            assert code in site, f"{code} is not declared"
            site.unregister(code)
        yield site
    finally:
        site._registry.clear()
        site._registry.update(saved)
