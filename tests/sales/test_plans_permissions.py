"""Every plan page × every role: the allowed path answers, the forbidden path is refused
(403 for a page the role may not use, 404 for a plan the user may not see)."""

import pytest

from tests.conftest import ROLES
from tests.factories import CustomerFactory
from tests.sales.plan_factories import action_plan, annual_plan, month_item, week_plan

OWNERS_AND_UP = {"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3"}
SEES_SALES1 = {"sales1", "manager1", "gm", "admin"}  # 销售一部
SEES_SALES3 = {"sales3", "manager2", "gm", "admin"}  # 销售二部


@pytest.fixture
def plans(org):
    made = {}
    for key, owner in (("1", org.sales1), ("3", org.sales3)):
        customer = CustomerFactory(owner=owner)
        made[f"annual{key}"] = annual_plan(owner)
        made[f"action{key}"] = action_plan(owner, customer=customer)
        made[f"week{key}"] = week_plan(owner, customer=customer)
        made[f"month{key}"] = month_item(owner, customer=customer)
        made[f"customer{key}"] = customer
    return made


def pages(t):
    """(url, roles that get 200, status for everyone else)."""
    rows = [
        ("/sales/dashboard/", OWNERS_AND_UP, 403),
        ("/sales/dashboard/?year=2025", OWNERS_AND_UP, 403),
        ("/sales/plans/annual/new/", OWNERS_AND_UP, 403),
        ("/sales/plans/action/new/", OWNERS_AND_UP, 403),
        ("/sales/plans/week/new/", OWNERS_AND_UP, 403),
        ("/sales/plans/month/new/", OWNERS_AND_UP, 403),
        ("/sales/plans/annual/999999/", set(), 404),
    ]
    for code in ("5-2", "5-4", "5-5", "5-10"):
        rows.append((f"/forms/{code}/", OWNERS_AND_UP, 403))
    for suffix in ("", "export.xlsx", "print.pdf"):
        rows.append((f"/registers/5-3/{suffix}?period=2026-11", OWNERS_AND_UP, 403))
    for key, seen_by in (("1", SEES_SALES1), ("3", SEES_SALES3)):
        annual, action, week = t[f"annual{key}"].pk, t[f"action{key}"].pk, t[f"week{key}"].pk
        month, customer = t[f"month{key}"].pk, t[f"customer{key}"].pk
        rows += [
            (f"/sales/plans/annual/{annual}/", seen_by, 404),
            (f"/sales/plans/annual/{annual}/edit/", seen_by, 404),
            (f"/forms/5-2/{annual}.pdf", seen_by, 404),
            (f"/forms/5-2/{annual}.xlsx", seen_by, 404),
            (f"/sales/plans/action/{action}/", seen_by, 404),
            (f"/sales/plans/action/{action}/edit/", seen_by, 404),
            (f"/forms/5-4/{action}.pdf", seen_by, 404),
            (f"/sales/plans/week/{week}/", seen_by, 404),
            (f"/sales/plans/week/{week}/edit/", seen_by, 404),
            (f"/forms/5-5/{week}.pdf", seen_by, 404),
            (f"/sales/plans/month/{month}/edit/", seen_by, 404),
            (f"/sales/plans/month/{month}/delete/", seen_by, 404),
            (f"/forms/5-10/{customer}.pdf", seen_by, 404),
            (f"/forms/5-10/{customer}.xlsx", seen_by, 404),
        ]
    return rows


def _refused_status(role, url, status):
    """A printed or exported document is fetched first: 404 whoever may not see it. A
    page of the plans refuses a role without any plan (403) before looking anything up."""
    if url.startswith("/forms/") and url.rsplit("/", 1)[-1]:
        return 404
    return status if role in OWNERS_AND_UP else 403


@pytest.mark.parametrize("role", ROLES)
def test_role_page_matrix(org, plans, client, role):
    client.force_login(getattr(org, role))
    failures = []
    for url, allowed, refused in pages(plans):
        expected = 200 if role in allowed else _refused_status(role, url, refused)
        response = client.get(url)
        if response.status_code != expected:
            failures.append(f"{url}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_sales1_gets_404_for_every_face_of_sales3s_plans(org, plans, client):
    client.force_login(org.sales1)
    urls = [url for url, allowed, _ in pages(plans) if allowed == SEES_SALES3]
    statuses = {url: client.get(url).status_code for url in urls}
    assert len(statuses) == 14 and set(statuses.values()) == {404}, statuses


def test_sales1_may_not_post_to_sales3s_plans(org, plans, client):
    client.force_login(org.sales1)
    annual = plans["annual3"]
    response = client.post(f"/sales/plans/annual/{annual.pk}/edit/", {"year": 2030})
    assert response.status_code == 404
    annual.refresh_from_db()
    assert annual.year == 2026
    item = plans["month3"]
    assert client.post(f"/sales/plans/month/{item.pk}/delete/").status_code == 404
    assert type(item).objects.filter(pk=item.pk).exists()


def test_lists_show_only_the_plans_one_may_see(org, plans, client):
    client.force_login(org.manager1)
    rows = client.get("/forms/5-2/").context["table"].page.object_list
    assert [r.record["owner_name"] for r in rows] == [str(org.sales1)]
    client.force_login(org.sales3)
    rows = client.get("/registers/5-3/?period=2026-11").context["table"].page.object_list
    assert [r.record["pk"] for r in rows] == [plans["month3"].pk]
    # The salesperson filter offers only oneself; another's id is refused, not shown.
    page = client.get(f"/forms/5-4/?owner={org.sales1.pk}")
    assert list(page.context["filter"].form.fields["owner"].queryset) == [org.sales3]
    assert page.context["table"].paginator.count == 0
