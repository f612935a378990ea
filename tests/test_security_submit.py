"""A double-submitted form creates one record, not two."""

import re

import pytest

from ledger.models import Contact, Customer, CustomerEvent, FormSubmission, Product, ServiceRecord
from tests.factories import CustomerFactory

TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{32})"')


def _token(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return TOKEN.search(page.content.decode())[1]


def _customer_data(token):
    return {
        "form_token": token,
        "version": "",
        "name": "一次客户有限公司",
        "category": "new",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "30",
    }


def test_a_customer_form_sent_twice_saves_one_customer(login, sales1):
    client = login(sales1)
    token = _token(client, "/customers/new/")
    first = client.post("/customers/new/", _customer_data(token))
    assert first.status_code == 302
    customer = Customer.objects.get(name="一次客户有限公司")
    again = client.post("/customers/new/", _customer_data(token), follow=True)
    assert Customer.objects.filter(name="一次客户有限公司").count() == 1
    assert again.redirect_chain[0] == (customer.get_absolute_url(), 302)
    assert "未重复保存" in again.content.decode()


def test_a_new_form_saves_again(login, sales1):
    """Only the same sending is refused: a fresh form (a new token) saves."""
    client = login(sales1)
    client.post("/customers/new/", _customer_data(_token(client, "/customers/new/")))
    data = _customer_data(_token(client, "/customers/new/"))
    data["confirm_duplicate"] = "on"
    client.post("/customers/new/", data)
    assert Customer.objects.filter(name="一次客户有限公司").count() == 2


@pytest.mark.parametrize(
    ("path", "model", "data"),
    [
        ("contacts/new/", Contact, {"kind": "secondary", "name": "赵六"}),
        (
            "events/new/",
            CustomerEvent,
            {"kind": "meeting", "occurred_on": "2026-11-02", "title": "拜访"},
        ),
        (
            "service/new/",
            ServiceRecord,
            {
                "kind": "consultation",
                "received_on": "2026-11-02",
                "client_name": "张三",
                "content": "咨询价格",
            },
        ),
    ],
)
def test_customer_part_forms_sent_twice_save_once(login, sales1, path, model, data):
    customer = CustomerFactory(owner=sales1)
    client = login(sales1)
    url = f"/customers/{customer.pk}/{path}"
    data = {**data, "form_token": _token(client, url)}
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    again = client.post(url, data)
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert model.objects.filter(**{"customer": customer}).count() == 1


def test_a_product_form_sent_twice_saves_one_product(login, admin_user):
    client = login(admin_user)
    data = {"code": "P-9", "name": "螺栓", "form_token": _token(client, "/products/new/")}
    assert client.post("/products/new/", data).status_code == 302
    assert client.post("/products/new/", data).status_code == 302
    assert Product.objects.filter(code="P-9").count() == 1


def test_a_racing_second_sending_rolls_back(rf, sales1):
    """Two requests that both passed the check: the second's save is undone."""
    from django.db import transaction

    from ledger import submissions

    token = submissions.new_token()
    request = rf.post("/customers/new/", {"form_token": token})
    request.user = sales1
    submissions.remember(request, "/customers/1/")
    with pytest.raises(submissions.Repeated) as raised, transaction.atomic():
        CustomerFactory(owner=sales1, name="竞争客户")
        submissions.remember(request, "/customers/2/")
    assert raised.value.url == "/customers/1/"
    assert not Customer.objects.filter(name="竞争客户").exists()
    assert FormSubmission.objects.count() == 1


def test_another_users_token_is_not_theirs(login, sales1, sales2):
    client = login(sales1)
    token = _token(client, "/customers/new/")
    client.post("/customers/new/", _customer_data(token))
    other = login(sales2).post("/customers/new/", {**_customer_data(token), "name": "别人的"})
    # sales2 is not sent to sales1's customer; the unique token refuses a second save.
    assert other.status_code == 302
    assert not Customer.objects.filter(name="别人的").exists()


def test_tokens_older_than_a_day_are_forgotten(rf, sales1):
    import datetime

    from django.utils import timezone

    from ledger import submissions

    old = FormSubmission.objects.create(token="0" * 32, user=sales1, url="/")
    FormSubmission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    request = rf.post("/products/new/", {"form_token": submissions.new_token()})
    request.user = sales1
    submissions.remember(request, "/registers/5-7/")
    assert list(FormSubmission.objects.values_list("url", flat=True)) == ["/registers/5-7/"]
