"""Limits are enforced where data is saved: every text field has a maximum length that the
model checks (so every service refuses more), the forms say it too, and a register or a
customer card with every field at its maximum still prints in seconds."""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import User
from ledger.models import Contact, Customer, CustomerEvent, Product, ServiceRecord
from ledger.models.limits import LONG_TEXT_MAX_LENGTH
from ledger.services.customers import customer_create, customer_update
from tests.factories import ContactFactory, CustomerFactory, EventFactory, ServiceRecordFactory

EDITABLE_MODELS = [Customer, Contact, CustomerEvent, ServiceRecord, Product]
HUGE = "风" * 10 + "x" * 2_200_000  # a pasted 2.2 MB 风险预警
TOO_LONG_MESSAGE = "确保该变量包含不超过 2000 字符"


def text_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and f.editable
    ]


@pytest.mark.parametrize(
    "field",
    [f for model in EDITABLE_MODELS for f in text_fields(model)],
    ids=lambda f: f"{f.model.__name__}.{f.name}",
)
def test_every_text_field_has_a_maximum_the_model_checks(field):
    assert field.max_length, f"{field} has no maximum length"
    limit = field.max_length
    value = "a" * (limit + 1)
    with pytest.raises(ValidationError):
        field.run_validators(value)
    if not field.choices and not isinstance(field, models.EmailField):
        field.run_validators("a" * limit)  # the boundary itself is allowed


def test_long_texts_are_capped_at_2000_characters():
    capped = {
        f"{m.__name__}.{f.name}"
        for m in EDITABLE_MODELS
        for f in text_fields(m)
        if isinstance(f, models.TextField)
    }
    assert capped == {
        "Customer.overdue_record",
        "Customer.risk_warning",
        "CustomerEvent.detail",
        "ServiceRecord.content",
        "ServiceRecord.result",
    }
    for label in capped:
        model_name, name = label.split(".")
        field = next(m for m in EDITABLE_MODELS if m.__name__ == model_name)._meta.get_field(name)
        assert field.max_length == LONG_TEXT_MAX_LENGTH == 2000
        # The form says it too (the browser stops typing at the limit).
        assert field.formfield().widget.attrs["maxlength"] == "2000"


def test_a_huge_risk_warning_is_refused_by_the_services(sales1):
    data = {"name": "巨型文本客户", "category": "new"}
    with pytest.raises(ValidationError) as exc:
        customer_create(actor=sales1, data={**data, "risk_warning": HUGE})
    assert TOO_LONG_MESSAGE in " ".join(exc.value.message_dict["risk_warning"])
    assert not Customer.objects.exists()
    customer = customer_create(actor=sales1, data={**data, "risk_warning": "回款慢"})
    with pytest.raises(ValidationError) as exc:
        customer_update(
            actor=sales1, customer=customer, data={"risk_warning": HUGE}, expected_version=1
        )
    assert "risk_warning" in exc.value.message_dict
    customer.refresh_from_db()
    assert (customer.risk_warning, customer.version) == ("回款慢", 1)
    at_limit = customer_update(
        actor=sales1,
        customer=customer,
        data={"risk_warning": "风" * LONG_TEXT_MAX_LENGTH},
        expected_version=1,
    )
    assert len(at_limit.risk_warning) == 2000


def test_a_huge_risk_warning_is_refused_by_the_page_with_a_chinese_message(org, login):
    customer = CustomerFactory(owner=org.sales1, risk_warning="回款慢")
    client = login(org.sales1)
    form = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert 'maxlength="2000"' in form
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {"name": customer.name, "category": "new", "risk_warning": HUGE, "version": 1},
    )
    assert response.status_code == 200
    assert TOO_LONG_MESSAGE in response.content.decode()
    customer.refresh_from_db()
    assert customer.risk_warning == "回款慢"


def _max_text(field) -> str:
    if isinstance(field, models.EmailField):
        return ("m" * 64 + "@" + "d" * 60 + ".com")[: field.max_length]
    return ("宽" * field.max_length)[: field.max_length]


def _fill(model, **fixed):
    values = {}
    for f in text_fields(model):
        if f.name in fixed or f.choices:
            continue
        values[f.name] = _max_text(f)
    values.update(fixed)
    return values


@pytest.fixture
def maxed_customers(org):
    """Customers with every text field at its maximum, each with contacts, events and
    service records at their maximum."""
    customers = []
    for i in range(20):
        data = _fill(Customer, owner=org.sales1, category="key", credit_rating="A")
        data["name"] = f"{i:02d}" + data["name"][2:]
        customer = CustomerFactory(**data)
        for kind in ("primary", "secondary"):
            ContactFactory(customer=customer, **_fill(Contact, kind=kind))
        for day in range(1, 2 if i else 4):  # the first customer's card has three of each
            EventFactory(
                customer=customer,
                **_fill(CustomerEvent, kind="meeting", occurred_on=datetime.date(2026, 11, day)),
            )
            ServiceRecordFactory(
                customer=customer,
                **_fill(
                    ServiceRecord,
                    kind="complaint",
                    received_on=datetime.date(2026, 11, day),
                    handled_on=datetime.date(2026, 11, day + 1),
                    handler=org.sales1,
                ),
            )
        for f in text_fields(Customer):
            if not f.choices:
                assert len(getattr(customer, f.name)) == f.max_length or f.name == "email"
        customer.full_clean()
        customers.append(customer)
    return customers


# Processor seconds of the worker (the machine running the tests may be shared, so wall
# time says little): measured figures are in docs/limits.md.
CPU_SECONDS = 10


def _timed_pdf(client, url) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert response.status_code == 200 and response.content.startswith(b"%PDF"), url
    return round(wall, 2), round(cpu, 2)


def test_pdfs_with_every_field_at_its_maximum_render_in_seconds(org, login, maxed_customers):
    client = login(org.sales1)
    timings = {
        "customer card": _timed_pdf(client, f"/customers/{maxed_customers[0].pk}/print.pdf"),
        "个人台账 (20 rows)": _timed_pdf(client, "/registers/customers/print.pdf?scope=personal"),
        "客户服务台账 (22 rows)": _timed_pdf(client, "/registers/service/print.pdf"),
    }
    print("(wall s, cpu s):", timings)
    assert all(cpu < CPU_SECONDS for _wall, cpu in timings.values()), timings


def test_no_user_text_reaches_excels_cell_limit():
    longest = max(f.max_length for m in EDITABLE_MODELS for f in text_fields(m))
    assert longest < 32_767
    assert User._meta.get_field("full_name").max_length < 32_767
