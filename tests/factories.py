"""Factories for test state (never fixtures)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import Department, Role, User
from ledger.models import (
    Contact,
    ContactKind,
    Customer,
    CustomerCategory,
    CustomerEvent,
    EventKind,
    Product,
    ServiceKind,
    ServiceRecord,
)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"部门{n}")
    is_sales = True


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.SALES
    department = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"测试客户{n:04d}有限公司")
    category = CustomerCategory.REGULAR
    phone = factory.Sequence(lambda n: f"0571-8{n:07d}")
    owner = factory.SubFactory(UserFactory)
    industry = "机械制造"


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    kind = ContactKind.PRIMARY
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "采购经理"
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class EventFactory(DjangoModelFactory):
    class Meta:
        model = CustomerEvent

    customer = factory.SubFactory(CustomerFactory)
    kind = EventKind.MEETING
    occurred_on = datetime.date(2026, 11, 2)
    title = "需求沟通会"


class ServiceRecordFactory(DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    customer = factory.SubFactory(CustomerFactory)
    kind = ServiceKind.COMPLAINT
    client_name = "王先生"
    contact_info = "13900000000"
    content = "包装破损"
    received_on = datetime.date(2026, 11, 3)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"CP-{n:04d}")
    name = factory.Sequence(lambda n: f"产品{n}")
    spec = "DN50"
    color = "银白"
    unit = "件"
    wholesale_price = Decimal("100.50")
    retail_price = Decimal("125.00")
    packaging = "木箱"
    normal_margin = Decimal("18.50")
    historical_sales = Decimal("1200")
