"""The supervision pages × every role: the allowed path answers, the forbidden is refused
(404 for a review or item the user may not see, 403 for a page the role may not use)."""

import datetime

import pytest

from ledger.models import AccessLog, FindingStatus, LedgerReview, ReviewFinding
from ledger.supervision.services import finding_add, review_create
from tests.conftest import ROLES
from tests.factories import CustomerFactory, ServiceRecordFactory

SALES_SIDE = {"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3", "assistant1"}
REVIEWERS = {"gm", "manager1", "manager2"}
OWNERS = {"manager1", "manager2", "sales1", "sales2", "sales3"}
LOG_READERS = {"admin", "gm"}
# manager1's review of 销售一部's 客户服务台账: 销售一部, its manager, the 总经理, admins.
SEES_REVIEW1 = {"admin", "gm", "manager1", "sales1", "sales2"}
# manager2's review of 销售二部's: 销售二部, its manager, the 总经理, admins.
SEES_REVIEW2 = {"admin", "gm", "manager2", "sales3"}


@pytest.fixture
def things(org):
    c1 = CustomerFactory(owner=org.sales1)
    c3 = CustomerFactory(owner=org.sales3)
    s1 = ServiceRecordFactory(customer=c1)
    s3 = ServiceRecordFactory(customer=c3)
    due = datetime.date(2030, 1, 1)
    r1 = review_create(actor=org.manager1, register_code="service", period="2026-11", checked="x")
    r2 = review_create(actor=org.manager2, register_code="service", period="2026-11", checked="y")
    f1 = finding_add(actor=org.manager1, review=r1, description="a", due_on=due, record_pk=s1.pk)
    f3 = finding_add(actor=org.manager2, review=r2, description="b", due_on=due, record_pk=s3.pk)
    return {"r1": r1, "r2": r2, "f1": f1, "f3": f3}


def pages(t):
    """(url, roles that get 200, status for everyone else)."""
    r1, r2, f1, f3 = t["r1"].pk, t["r2"].pk, t["f1"].pk, t["f3"].pk
    return [
        ("/supervision/reviews/", SALES_SIDE, 403),
        ("/supervision/reviews/?register_code=service&period=2026-11", SALES_SIDE, 403),
        ("/supervision/reviews/new/", REVIEWERS, 403),
        (f"/supervision/reviews/{r1}/", SEES_REVIEW1, 404),
        (f"/supervision/reviews/{r2}/", SEES_REVIEW2, 404),
        ("/supervision/reviews/999999/", set(), 404),
        ("/supervision/findings/", SALES_SIDE, 403),
        ("/supervision/findings/?status=closed&mine=1", SALES_SIDE, 403),
        ("/supervision/due/", REVIEWERS, 403),
        ("/supervision/tidy/", OWNERS, 403),
        ("/supervision/access/", LOG_READERS, 403),
        ("/supervision/access/?kind=view&day=2026-11-30", LOG_READERS, 403),
        ("/supervision/findings/999999/close/", set(), 404),
    ], [
        # (url, roles that get 200, roles that get 403; everyone else 404)
        (f"/supervision/reviews/{r1}/findings/new/", {"manager1"}, SEES_REVIEW1 - {"manager1"}),
        (f"/supervision/reviews/{r2}/findings/new/", {"manager2"}, SEES_REVIEW2 - {"manager2"}),
        (f"/supervision/findings/{f1}/close/", {"sales1"}, SEES_REVIEW1 - {"sales1"}),
        (f"/supervision/findings/{f3}/close/", {"sales3"}, SEES_REVIEW2 - {"sales3"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_supervision_page_for_every_role(org, things, client, role):
    client.force_login(getattr(org, role))
    plain, object_pages = pages(things)
    failures = []
    for url, allowed, refused in plain:
        status = client.get(url).status_code
        expected = 200 if role in allowed else refused
        if status != expected:
            failures.append(f"{url}: {status}, expected {expected}")
    for url, allowed, forbidden in object_pages:
        status = client.get(url).status_code
        expected = 200 if role in allowed else 403 if role in forbidden else 404
        if status != expected:
            failures.append(f"{url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_anonymous_users_are_sent_to_the_login_page(things, client):
    plain, object_pages = pages(things)
    for url, *_rest in [*plain, *object_pages]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_the_menu_lists_the_supervision_pages_for_the_right_roles(org, client):
    expected = {
        "admin": ["/supervision/reviews/", "/supervision/findings/", "/supervision/access/"],
        "gm": [
            "/supervision/reviews/",
            "/supervision/findings/",
            "/supervision/due/",
            "/supervision/access/",
        ],
        "manager1": [
            "/supervision/reviews/",
            "/supervision/findings/",
            "/supervision/due/",
            "/supervision/tidy/",
        ],
        "sales1": ["/supervision/reviews/", "/supervision/findings/", "/supervision/tidy/"],
        "assistant1": ["/supervision/reviews/", "/supervision/findings/"],
        "production1": [],
    }
    for role, urls in expected.items():
        client.force_login(getattr(org, role))
        menus = client.get("/").context["nav_menus"]
        found = [url for m in menus if m["family"] == "supervision" for _label, url in m["items"]]
        assert found == urls, role


def test_forbidden_writes_change_nothing(org, things, client):
    client.force_login(org.sales1)
    # Another department's item: 404 (not visible), nothing closed.
    response = client.post(
        f"/supervision/findings/{things['f3'].pk}/close/", {"resolution": "x", "version": 1}
    )
    assert response.status_code == 404
    # sales1 may not record a review, nor add items to manager1's.
    assert client.post("/supervision/reviews/new/", {"register_code": "service"}).status_code == 403
    response = client.post(
        f"/supervision/reviews/{things['r1'].pk}/findings/new/",
        {"description": "x", "due_on": "2030-01-01"},
    )
    assert response.status_code == 403
    # manager1 may not close sales1's item for them.
    client.force_login(org.manager1)
    response = client.post(
        f"/supervision/findings/{things['f1'].pk}/close/", {"resolution": "x", "version": 1}
    )
    assert response.status_code == 403
    assert ReviewFinding.objects.filter(status=FindingStatus.CLOSED).count() == 0
    assert LedgerReview.objects.count() == 2 and ReviewFinding.objects.count() == 2
    # Reading the access log is not an access to customer data: nothing is logged for it.
    client.force_login(org.sales1)
    assert client.get("/supervision/access/").status_code == 403
    assert AccessLog.objects.count() == 0
