"""Every contract register makes the same number of queries for 10 rows as for 100."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import ContractStatus
from contracts.services.records import (
    authorization_create,
    contract_archive,
    inspection_create,
    text_use_create,
)
from tests.contracts.records_state import all_signers, make_contract, sign_round

PAGES = [
    ("/registers/5-17/?period=2026", "manager1"),
    ("/registers/5-17/?period=2026&sort=-amount", "admin"),
    ("/registers/5-18/", "sales1"),
    ("/registers/5-19/", "admin"),
    ("/registers/5-19/?sort=-owner_name&year=2026", "gm"),
    ("/registers/5-20/", "assistant1"),
    ("/registers/5-21/?period=2026", "manager1"),
    ("/registers/5-22/", "admin"),
    ("/registers/5-23/", "assistant1"),
    ("/registers/5-24/", "gm"),
    ("/registers/5-25/?q=GD", "admin"),
]


def _fill(org, n, start):
    for i in range(start, start + n):
        owner = org.sales1 if i % 2 else org.sales2
        status = ContractStatus.COMPLETED if i % 3 == 0 else ContractStatus.IN_FORCE
        contract = make_contract(owner, kind="order" if i % 2 else "sales", status=status)
        # 5-20 rows: one decision per contract (six would make 600 rows; the page shows 100).
        sign_round(contract, {"gm": all_signers(org)["gm"]})
        inspection_create(
            actor=org.admin,
            data={
                "contract": contract,
                "inspected_on": datetime.date(2026, 5, 3),
                "items": "交货进度",
                "performance": "按期交货",
            },
        )
        if status == ContractStatus.COMPLETED:
            contract_archive(
                actor=org.admin,
                contract=contract,
                data={"archived_on": datetime.date(2026, 11, 2), "copies": 2},
            )
        text_use_create(
            actor=org.admin,
            data={
                "text_name": f"文本{i}",
                "text_source": "合同管理部门",
                "copies": 1,
                "user_name": "张伟",
                "used_on": datetime.date(2026, 4, 1),
            },
        )
        authorization_create(
            actor=org.admin,
            data={
                "department": "销售一部",
                "holder_name": "张伟",
                "issued_on": datetime.date(2026, 4, 1),
                "principal": "王建国",
                "agent": "张伟",
                "matter": "签订销售合同",
                "valid_until": datetime.date(2026, 12, 31),
                "authority": "代表公司签订合同",
            },
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_register_queries_do_not_grow_with_rows(
    org, client, settings, django_assert_max_num_queries
):
    settings.LEDGER_PAGE_SIZE = 100
    _fill(org, 10, 0)
    ten = {}
    for url, role in PAGES:
        client.force_login(getattr(org, role))
        ten[url] = _count(client, url)
    _fill(org, 90, 10)
    for url, role in PAGES:
        client.force_login(getattr(org, role))
        response = client.get(url)
        assert len(response.context["table"].page.object_list) > 10, url
        assert _count(client, url) == ten[url], url
        with django_assert_max_num_queries(14):
            client.get(url)
