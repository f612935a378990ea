"""Contracts for tests, made through the services (the rules apply to test state too)."""

import datetime
from decimal import Decimal

from contracts.models import BOX_ORDER, ContractTextVersion, Opinion, ReviewBox
from contracts.services.contracts import contract_create, contract_submit
from contracts.services.reviews import review_sign
from tests.factories import CustomerFactory

BOX_USERS = {
    ReviewBox.MANAGER: "manager1",
    ReviewBox.ASSISTANT: "assistant1",
    ReviewBox.PRODUCTION: "production1",
    ReviewBox.QUALITY: "quality1",
    ReviewBox.PURCHASING: "purchasing1",
    ReviewBox.GM: "gm",
}


def contract_data(customer, **over):
    data = {
        "customer": customer,
        "name": "不锈钢法兰供货合同",
        "kind": "sales",
        "amount": Decimal("123456.70"),
        "net_amount": Decimal("110000.00"),
        "text_version": ContractTextVersion.CUSTOMER,
        "pay_advance": True,
        "pay_retention": True,
        "payment_terms": "预付30%，质保金10%",
        "signed_on": datetime.date(2026, 11, 20),
        "start_on": datetime.date(2026, 11, 20),
        "end_on": datetime.date(2027, 11, 19),
        "delivery_on": datetime.date(2026, 12, 31),
        "advance_due_on": datetime.date(2026, 12, 1),
        "is_penalty": False,
        "copies": 2,
        "pages_per_copy": 8,
        "delivery_place": "客户仓库（杭州）",
        "acceptance_method": "到货后 7 日内按图纸验收",
        "quality_requirements": "符合 GB/T 1234-2020",
        "sample_sealed": True,
    }
    data.update(over)
    return data


def make_contract(owner, *, customer=None, lines=(), **over):
    customer = customer or CustomerFactory(owner=owner)
    return contract_create(actor=owner, data=contract_data(customer, **over), lines=lines)


def submitted(owner, **over):
    contract = make_contract(owner, **over)
    rnd = contract_submit(contract=contract, actor=owner)
    return contract, rnd


def signer_of(org, rnd, box):
    """Who signs ``box``: the demo user of its role; the 销售经理 box, the owner's manager."""
    if box == ReviewBox.MANAGER and rnd.contract.owner.department_id == org.dept2.pk:
        return org.manager2
    return getattr(org, BOX_USERS[box])


def sign(org, rnd, box, opinion=Opinion.AGREE, comment="可以"):
    step = rnd.steps.get(box=box)
    return review_sign(step=step, actor=signer_of(org, rnd, box), opinion=opinion, comment=comment)


def sign_all(org, rnd, *, boxes=BOX_ORDER):
    for box in boxes:
        sign(org, rnd, box)


def approved_change(org, owner, departments=("technical", "production", "purchasing")):
    """A sealed contract of ``owner`` with an approved change notified to ``departments``."""
    from contracts.services.changes import change_approve, change_check, change_create
    from contracts.services.contracts import contract_seal

    contract, rnd = submitted(owner)
    sign_all(org, rnd)
    contract.refresh_from_db()
    contract_seal(contract=contract, actor=owner)
    change = change_create(
        contract=contract,
        actor=owner,
        data={
            "content": "客户要求推迟交货",
            "basis": ["fax", "other"],
            "basis_other": "邮件确认",
            "notify_departments": list(departments),
            "notify_related": "客户采购部",
        },
        proposed={"delivery_on": "2027-01-15", "amount": "130000.00"},
    )
    manager = org.manager1 if owner.department == org.manager1.department else org.manager2
    change_check(change=change, actor=manager)
    change_approve(change=change, actor=org.gm)
    change.refresh_from_db()
    return change
