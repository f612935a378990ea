"""Ledger reviews, the 梳理 page and the access log, as their users meet them."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from ledger.engine.printing import signature_line
from ledger.models import AccessKind, AccessLog, FindingStatus, LedgerReview, ReviewFinding
from ledger.supervision import selectors as sel
from ledger.supervision.services import finding_add, review_create
from ledger.workflow import inbox
from tests.factories import ContactFactory, CustomerFactory, ServiceRecordFactory
from tests.formcheck import missing_labels, pdf_text, xlsx_text  # noqa: F401

MONTH = "2026-11"


def _token(client, url):
    page = client.get(url).content.decode()
    match = re.search(r'name="form_token" value="([0-9a-f]{32})"', page)
    return match.group(1) if match else ""


def test_manager_reviews_the_service_register_and_the_owner_closes_the_finding(org, client):
    customer = CustomerFactory(owner=org.sales1, name="华东机电")
    record = ServiceRecordFactory(customer=customer, received_on=datetime.date(2026, 11, 12))
    ServiceRecordFactory(customer=customer, received_on=datetime.date(2026, 10, 2))
    today = timezone.localdate()

    # Before any review the printed month shows a blank 审核 line, as on paper.
    client.force_login(org.manager1)
    blank = pdf_text(client.get(f"/registers/service/print.pdf?month={MONTH}").content)
    assert re.search(r"审核：＿+", blank)

    # manager1 reviews the 客户服务台账 of 2026-11 …
    response = client.post(
        "/supervision/reviews/new/",
        {
            "register_code": "service",
            "period": MONTH,
            "reviewed_on": today.isoformat(),
            "checked": "逐条核对11月投诉的处理结果",
            "conclusion": "一条投诉缺少处理结果",
            "form_token": _token(client, "/supervision/reviews/new/"),
        },
    )
    review = LedgerReview.objects.get()
    assert response.status_code == 302 and response.url == f"/supervision/reviews/{review.pk}/"
    assert (review.reviewer, review.period, review.department) == (org.manager1, MONTH, org.dept1)

    # … with one finding on the November record: the October one is not offered.
    url = f"/supervision/reviews/{review.pk}/findings/new/"
    form_page = client.get(url)
    choices = [value for value, _label in form_page.context["form"].fields["record"].choices]
    assert choices == ["", str(record.pk)]
    response = client.post(
        url,
        {
            "record": str(record.pk),
            "description": "补充处理结果与处理日期",
            "due_on": (today + datetime.timedelta(days=5)).isoformat(),
            "form_token": _token(client, url),
        },
    )
    assert response.status_code == 302
    finding = ReviewFinding.objects.get()
    # Assigned to the record's owner (the customer's), tied to the record.
    assert finding.owner == org.sales1
    assert finding.record_pk == str(record.pk)
    assert finding.record_url == f"/service/{record.pk}/edit/"
    assert "华东机电" in finding.record_label

    # The finding reaches sales1's inbox, not sales2's.
    assert [s.count for s in inbox.sections_for(org.sales1) if s.key == "supervision.findings"] == [
        1
    ]
    assert [s.count for s in inbox.sections_for(org.sales2) if s.key == "supervision.findings"] == [
        0
    ]

    # sales2 sees the review of their department but may not close sales1's item.
    client.force_login(org.sales2)
    assert client.get(f"/supervision/reviews/{review.pk}/").status_code == 200
    assert client.get(f"/supervision/findings/{finding.pk}/close/").status_code == 403

    # sales1 fixes the record and closes the item.
    client.force_login(org.sales1)
    page = client.get("/inbox/").content.decode()
    assert finding.get_absolute_url() in page
    response = client.post(
        f"/supervision/findings/{finding.pk}/close/",
        {"resolution": "已补充处理结果", "version": finding.version},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.closed_by) == (FindingStatus.CLOSED, org.sales1)
    # Closed twice: refused, nothing changed.
    assert client.get(f"/supervision/findings/{finding.pk}/close/").status_code == 403

    # The manager sees it closed.
    client.force_login(org.manager1)
    page = client.get(f"/supervision/reviews/{review.pk}/").content.decode()
    assert "已补充处理结果" in page and "已整改" in page

    # The month's printed register is signed: 审核：manager1's name and the date.
    signed = f"{org.manager1} {today:%Y-%m-%d}"
    pdf = client.get(f"/registers/service/print.pdf?month={MONTH}").content
    assert f"审核：{signed}" in pdf_text(pdf).replace("\n", "")
    xlsx = b"".join(client.get(f"/registers/service/export.xlsx?month={MONTH}").streaming_content)
    assert f"审核：{signed}" in xlsx_text(xlsx)
    # Another month is not signed by it.
    other = pdf_text(client.get("/registers/service/print.pdf?month=2026-10").content)
    assert f"审核：{signed}" not in other and re.search(r"审核：＿+", other)
    # sales3 (销售二部) printing the same month does not see 销售一部's review.
    client.force_login(org.sales3)
    sales3_pdf = client.get(f"/registers/service/print.pdf?month={MONTH}").content
    assert re.search(r"审核：＿+", pdf_text(sales3_pdf))


def test_signature_line_keeps_the_labels_in_order():
    line = signature_line(["复核", "填制"], "landscape", {"复核": "张经理 2026-12-03"})
    assert line.startswith("复核：张经理 2026-12-03＿")
    assert "填制：＿" in line
    assert signature_line(["审核"], "portrait") == "审核：" + "＿" * 53


def test_a_register_of_a_period_reads_its_period_for_the_review(org, client):
    """Every register gets the line: one declared with a period (5-7 has none) is keyed by
    its period value; master data by ``""``."""
    from django.http import QueryDict

    from ledger.engine import site
    from ledger.engine.base import RegisterContext

    product = site.get("5-7")
    context = RegisterContext(user=org.manager1, params=QueryDict("month=2026-11"))
    assert product.review_period(context) == ""
    service = site.get("service")
    assert service.review_period(context) == MONTH
    assert service.review_period(RegisterContext(org.manager1, QueryDict("month=junk"))) == ""
    review_create(actor=org.manager1, register_code="5-7", checked="核对单价")
    client.force_login(org.sales1)
    text = pdf_text(client.get("/registers/5-7/print.pdf").content).replace("\n", "")
    assert f"复核：{org.manager1} " in text


def test_review_rules(org):
    with pytest.raises(PermissionDenied):
        review_create(actor=org.sales1, register_code="service", checked="x")
    with pytest.raises(ValidationError):
        review_create(actor=org.manager1, register_code="nope", checked="x")
    with pytest.raises(ValidationError):  # sales3 is not managed by manager1
        review_create(
            actor=org.manager1, register_code="customers", subject=org.sales3, checked="x"
        )
    review = review_create(actor=org.manager1, register_code="service", period=MONTH, checked="x")
    with pytest.raises(ValidationError):  # the owner must be one of manager1's people
        finding_add(
            actor=org.manager1,
            review=review,
            description="x",
            owner=org.sales3,
            due_on=review.reviewed_on,
        )
    with pytest.raises(PermissionDenied):  # only the reviewer adds items
        finding_add(
            actor=org.gm,
            review=review,
            description="x",
            owner=org.sales1,
            due_on=review.reviewed_on,
        )
    # Who reads it: 销售一部, its manager, the 总经理 and admins; not 销售二部.
    readers = {u.username for u in org.users.values() if sel.reviews_visible_to(u).exists()}
    assert readers == {"admin", "gm", "manager1", "sales1", "sales2"}


def test_registers_due_for_review(org):
    today = timezone.localdate()
    review_create(
        actor=org.manager1,
        register_code="service",
        period=MONTH,
        checked="x",
        reviewed_on=today - datetime.timedelta(days=3),
    )
    review_create(
        actor=org.manager1,
        register_code="customers",
        checked="x",
        reviewed_on=today - datetime.timedelta(days=100),
    )
    due = {d.register.code: d for d in sel.registers_due_for_review(org.manager1, days=45)}
    assert "service" not in due
    assert due["customers"].days == 100
    assert due["5-7"].last_reviewed is None
    # manager2 reads none of 销售一部's reviews: everything is due for them.
    assert "service" in {d.register.code for d in sel.registers_due_for_review(org.manager2)}
    assert sel.registers_due_for_review(org.sales1) == []


def test_tidy_page_lists_what_looks_stale_and_confirms_once(org, client):
    today = timezone.localdate()
    stale = CustomerFactory(
        owner=org.sales1, name="久未联系", last_contact_on=today.replace(year=2020)
    )
    fresh = CustomerFactory(
        owner=org.sales1, name="刚联系", last_contact_on=today, phone="13800000000"
    )
    ContactFactory(customer=fresh)
    ServiceRecordFactory(customer=fresh, received_on=today - datetime.timedelta(days=30))
    CustomerFactory(owner=org.sales2, name="别人的客户")
    client.force_login(org.sales1)
    response = client.get("/supervision/tidy/")
    assert [c.name for c in response.context["stale"]] == [stale.name]
    assert stale.name in [c.name for c in response.context["missing"]]
    assert fresh.name not in [c.name for c in response.context["missing"]]
    assert response.context["overdue_count"] == 1
    assert client.post("/supervision/tidy/", {"note": "已梳理"}).status_code == 302
    again = client.post("/supervision/tidy/", {"note": "再次"})
    assert again.status_code == 200  # the page again, with the message; nothing saved
    from ledger.models import LedgerConfirmation

    confirmation = LedgerConfirmation.objects.get()
    assert (confirmation.user, confirmation.stale_count, confirmation.overdue_count) == (
        org.sales1,
        1,
        1,
    )
    client.force_login(org.manager1)
    team = dict(client.get("/supervision/tidy/").context["team"])
    assert team[org.sales1] == confirmation and team[org.sales2] is None


def test_access_log_records_views_and_exports(org, client, settings):
    settings.LEDGER_ACCESS_DAILY_THRESHOLD = 3
    c1 = CustomerFactory(owner=org.sales1, name="甲公司")
    c2 = CustomerFactory(owner=org.sales1, name="乙公司")
    ServiceRecordFactory(customer=c1)
    client.force_login(org.sales1)
    client.get(f"/customers/{c1.pk}/", REMOTE_ADDR="10.1.2.3")
    client.get(f"/customers/{c2.pk}/")
    client.get(f"/customers/{c1.pk}/print.pdf")
    client.get(f"/registers/service/export.xlsx?month={MONTH}")
    client.get("/registers/customers/print.pdf?scope=personal")
    client.get("/registers/5-7/export.xlsx")  # product master: no customer data, no row
    client.get(f"/customers/{c1.pk + c2.pk + 100}/")  # 404: nothing read, nothing logged
    rows = list(AccessLog.objects.order_by("id").values_list("kind", "customer_id", "target"))
    assert rows == [
        (AccessKind.VIEW, c1.pk, "customers"),
        (AccessKind.VIEW, c2.pk, "customers"),
        (AccessKind.PRINT, c1.pk, "customer"),
        (AccessKind.EXPORT, None, "service"),
        (AccessKind.PRINT, None, "customers"),
    ]
    first, export, printed = (
        AccessLog.objects.order_by("id")[0],
        AccessLog.objects.get(target="service"),
        AccessLog.objects.get(target="customers", kind=AccessKind.PRINT),
    )
    assert (first.address, first.user_id, first.day) == (
        "10.1.2.3",
        org.sales1.pk,
        timezone.localdate(),
    )
    assert (export.filters, export.row_count) == (f"month={MONTH}", 1)
    assert printed.row_count == 2

    # sales1 read 2 customers and 3 exported/printed rows: 5 > 3, flagged to admins.
    flagged = list(sel.flagged_users())
    assert [(f["user_id"], f["total"]) for f in flagged] == [(org.sales1.pk, 5)]
    assert [s.count for s in inbox.sections_for(org.admin) if s.key == "supervision.access"] == [1]
    assert [s.count for s in inbox.sections_for(org.gm) if s.key == "supervision.access"] == [0]

    client.force_login(org.admin)
    page = client.get("/supervision/access/")
    assert page.context["page"].paginator.count == 5
    assert [f["user_id"] for f in page.context["flagged"]] == [org.sales1.pk]
    assert 'class="flagged"' in page.content.decode()
    only_exports = client.get(
        f"/supervision/access/?user={org.sales1.pk}&day={timezone.localdate():%Y-%m-%d}&kind=export"
    )
    assert [a.target for a in only_exports.context["page"]] == ["service"]
    assert client.get(f"/supervision/access/?customer={c2.pk}").context["page"].paginator.count == 1
    # Junk filters: an empty list, never a 500.
    assert client.get("/supervision/access/?day=junk&user=x").context["page"].paginator.count == 0
    # The admin's own views are logged too (the access page itself carries no customer data).
    assert AccessLog.objects.filter(user=org.admin).count() == 0


def test_the_customer_page_shows_which_managers_looked(org, client):
    customer = CustomerFactory(owner=org.sales1)
    for user in (org.manager1, org.gm, org.admin, org.sales1):
        client.force_login(user)
        client.get(f"/customers/{customer.pk}/")
    client.force_login(org.sales1)
    viewed = client.get(f"/customers/{customer.pk}/").context["viewed_by"]
    assert sorted(v["name"] for v in viewed) == sorted([str(org.manager1), str(org.gm)])
    assert all(v["times"] == 1 for v in viewed)


def test_prune_access_log(org, settings):
    settings.LEDGER_ACCESS_LOG_DAYS = 30
    now = timezone.now()
    for days in (1, 29, 31, 400):
        at = now - datetime.timedelta(days=days)
        AccessLog.objects.create(
            at=at, day=timezone.localdate(at), user=org.sales1, kind=AccessKind.VIEW
        )
    call_command("prune_access_log")
    assert AccessLog.objects.count() == 2
    call_command("prune_access_log", "--days", "0")
    assert AccessLog.objects.count() == 0
