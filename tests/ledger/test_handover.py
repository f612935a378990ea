"""客户移交: choose, check the list, confirm; only the confirming POST moves customers."""

import re

from ledger.models import Customer
from tests.factories import CustomerFactory


def owners(*customers):
    return [c.owner.username for c in Customer.objects.filter(pk__in=[c.pk for c in customers])]


def rows(html: str) -> list[str]:
    table = re.search(r'data-testid="handover-customers".*?</table>', html, re.S).group(0)
    return re.findall(r"<tr><td>\d+</td><td>([^<]+)</td>", table)


def test_the_confirmation_names_both_people_the_count_and_the_customers(org, client):
    org.sales1.full_name = "王一"
    org.sales1.save()
    org.sales2.full_name = "李二"
    org.sales2.save()
    moving = [CustomerFactory(owner=org.sales1, name=n) for n in ("乙公司", "甲公司", "丙公司")]
    staying = CustomerFactory(owner=org.sales2, name="丁公司")
    client.force_login(org.manager1)
    choice = {"from_user": org.sales1.pk, "to_user": org.sales2.pk}
    page = client.post("/customers/handover/", choice)
    assert page.status_code == 200
    html = page.content.decode()
    summary = re.search(r'data-testid="handover-summary">([^<]+)<', html).group(1)
    assert summary == "王一将 3 个客户移交给李二。"
    assert sorted(rows(html)) == sorted(["乙公司", "甲公司", "丙公司"])
    assert "丁公司" not in html
    # Nothing moved yet: choosing is not confirming.
    assert owners(*moving) == ["sales1"] * 3
    confirm = {**choice, "step": "confirm", "customers": [c.pk for c in moving]}
    done = client.post("/customers/handover/", confirm)
    assert done.status_code == 302
    assert owners(*moving) == ["sales2"] * 3
    assert owners(staying) == ["sales2"]


def test_a_list_that_changed_meanwhile_is_shown_again_not_moved(org, client):
    first = CustomerFactory(owner=org.sales1, name="甲公司")
    client.force_login(org.manager1)
    choice = {"from_user": org.sales1.pk, "to_user": org.sales2.pk}
    checked = [first.pk]
    late = CustomerFactory(owner=org.sales1, name="后来的客户")  # added after the check
    response = client.post(
        "/customers/handover/", {**choice, "step": "confirm", "customers": checked}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "客户名单已有变动" in html
    assert sorted(rows(html)) == ["后来的客户", "甲公司"]
    assert owners(first, late) == ["sales1", "sales1"]


def test_nothing_to_hand_over_has_no_confirm_button(org, client):
    client.force_login(org.manager1)
    page = client.post(
        "/customers/handover/", {"from_user": org.sales1.pk, "to_user": org.sales2.pk}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="step"' not in html and "没有客户" in html


def test_a_manager_cannot_confirm_another_departments_handover(org, client):
    theirs = CustomerFactory(owner=org.sales3)
    client.force_login(org.manager1)
    response = client.post(
        "/customers/handover/",
        {
            "from_user": org.sales3.pk,
            "to_user": org.sales1.pk,
            "step": "confirm",
            "customers": [theirs.pk],
        },
    )
    assert response.status_code == 200  # the choice is invalid: sales3 is not theirs
    assert owners(theirs) == ["sales3"]


def test_the_confirmation_page_reads_a_constant_number_of_queries(org, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.manager1)
    choice = {"from_user": org.sales1.pk, "to_user": org.sales2.pk}
    counts = []
    for size in (10, 100):
        CustomerFactory.create_batch(size - Customer.objects.count(), owner=org.sales1)
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/customers/handover/", choice)
        assert response.status_code == 200
        assert len(rows(response.content.decode())) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
