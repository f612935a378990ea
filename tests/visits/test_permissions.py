"""Every visit page × every role: the allowed path answers, the forbidden one is refused
(404 for a record one may not see, 403 for a page the role has no use for)."""

import pytest

from tests.conftest import ROLES

OWNERS_AND_UP = {"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3"}
PLANNERS = {"manager1", "manager2", "sales1", "sales2", "sales3"}
SEES_1 = {"sales1", "manager1", "gm", "admin"}  # sales1's records, 销售一部
SEES_3 = {"sales3", "manager2", "gm", "admin"}  # sales3's records, 销售二部


def pages(v):
    rows = [
        ("/visits/", PLANNERS, 403),
        ("/visits/plans/new/", PLANNERS, 403),
        ("/visits/schedules/", OWNERS_AND_UP, 403),
        ("/visits/reports/new/", PLANNERS, 403),
        ("/visits/daily/", PLANNERS, 403),
        ("/visits/overview/", OWNERS_AND_UP, 403),
        ("/forms/5-29/", OWNERS_AND_UP, 403),
    ]
    for code in ("5-27", "5-28", "5-30"):
        for suffix in ("", "export.xlsx", "print.pdf"):
            rows.append((f"/registers/{code}/{suffix}", OWNERS_AND_UP, 403))
    for report, seen in ((v.report1, SEES_1), (v.report3, SEES_3)):
        rows += [
            (f"/visits/reports/{report.pk}/", seen, 404),
            (f"/forms/5-29/{report.pk}.pdf", seen, 404),
        ]
    for schedule, seen in ((v.schedule1, SEES_1), (v.schedule3, SEES_3)):
        rows.append((f"/visits/schedules/{schedule.pk}/", seen, 404))
    rows.append((f"/visits/plans/{v.plan1.pk}/edit/", {"sales1"}, None))
    rows.append((f"/visits/reports/{v.report1.pk}/edit/", {"sales1"}, None))
    rows.append((f"/visits/daily/{v.daily1.day}/", PLANNERS, 403))
    rows.append((f"/visits/reports/new/?planned={v.line1.pk}", {"sales1"}, None))
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_visit_pages_by_role(visits, login, org, role):
    client = login(getattr(org, role))
    for url, allowed, refused in pages(visits):
        status = client.get(url).status_code
        if role in allowed:
            assert status == 200, (url, role, status)
        elif refused is not None:
            assert status == refused, (url, role, status)
        else:
            assert status in (403, 404), (url, role, status)


def rows_of(client, url):
    return client.get(url).content.decode()


def test_sales1_never_sees_sales3_records(visits, login, org):
    client = login(org.sales1)
    for code in ("5-27", "5-28", "5-30"):
        html = rows_of(client, f"/registers/{code}/?period=&salesperson=")
        assert "一部" in html and "二部" not in html, code
    month = visits.report1.visited_on.strftime("%Y-%m")
    listed = rows_of(client, f"/forms/5-29/?period={month}")
    assert "一部客户" in listed and "二部客户" not in listed
    # Filtering on sales3 by hand is no way in either.
    html = rows_of(
        client, f"/registers/5-30/?period={visits.daily3.day}&salesperson={org.sales3.pk}"
    )
    assert "二部" not in html
    pdf = client.get(f"/forms/5-29/{visits.report3.pk}.pdf")
    assert pdf.status_code == 404
    xlsx = client.get(f"/registers/5-28/export.xlsx?schedule={visits.schedule3.pk}")
    from tests.formcheck import xlsx_text

    # Another's schedule by number: no rows, and no names in the signatures either.
    other = xlsx_text(b"".join(xlsx.streaming_content))
    assert "二部" not in other and str(org.sales3) not in other
    own = client.get(f"/registers/5-28/export.xlsx?schedule={visits.schedule1.pk}")
    text = xlsx_text(b"".join(own.streaming_content))
    assert "一部客户" in text and "二部" not in text


def test_manager1_sees_department_one_only(visits, login, org):
    client = login(org.manager1)
    html = rows_of(client, f"/registers/5-30/?period={visits.daily1.day}")
    assert "一部整理报价" in html and "二部整理报价" not in html
    reports = rows_of(client, f"/forms/5-29/?period={visits.report1.visited_on:%Y-%m}")
    assert "一部客户" in reports and "二部客户" not in reports
    overview = rows_of(client, "/visits/overview/")
    assert str(org.sales3) not in overview
    assert client.get(f"/visits/schedules/{visits.schedule3.pk}/").status_code == 404


def test_transition_of_an_invisible_schedule_is_404(visits, login, org):
    client = login(org.manager1)
    response = client.post(
        f"/visits/schedules/{visits.schedule3.pk}/transition/",
        {"to": "checked", "expected_state": "draft"},
    )
    assert response.status_code == 404
    visits.schedule3.refresh_from_db()
    assert visits.schedule3.status == "draft"


def test_author_cannot_add_to_an_approved_schedule_through_the_page(visits, login, org):
    from ledger.workflow import transition

    transition(obj=visits.schedule1, to="checked", actor=org.manager1)
    transition(obj=visits.schedule1, to="approved", actor=org.gm)
    client = login(org.sales1)
    response = client.post(
        f"/visits/schedules/{visits.schedule1.pk}/",
        {
            "customer": visits.c1.pk,
            "visit_on": visits.line1.visit_on.isoformat(),
            "purpose": "再加一次",
        },
    )
    assert response.status_code == 200
    assert "不能再修改" in response.content.decode()
    assert visits.schedule1.lines.count() == 1
