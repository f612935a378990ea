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


def sign(org, rnd, box, opinion=Opinion.AGREE, comment="可以"):
    step = rnd.steps.get(box=box)
    return review_sign(
        step=step, actor=getattr(org, BOX_USERS[box]), opinion=opinion, comment=comment
    )


def sign_all(org, rnd, *, boxes=BOX_ORDER):
    for box in boxes:
        sign(org, rnd, box)
