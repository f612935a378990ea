"""An order placed under a contract (合同): the rule (the customer's own contract, one the
user may see, sealed or in force), on the services and on the order pages."""

import re

import pytest
from django.core.exceptions import ValidationError

from contracts.models import Contract, ContractStatus
from ledger.services.customers import customer_update
from sales.models import Order
from sales.selectors import order_history
from sales.services.orders import LineInput, order_update
from tests.contracts.records_state import make_contract
from tests.factories import CustomerFactory, ProductFactory
from tests.sales.orders_helpers import make_order

pytestmark = pytest.mark.django_db


def refusal(error: ValidationError) -> list[str]:
    return error.value.message_dict["contract"]


def order_post(customer, contract=None, **extra):
    product = ProductFactory()
    return {
        "customer": customer.pk,
        "contract": contract.pk if contract else "",
        "ordered_on": "2026-11-05",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": product.pk,
        "lines-0-quantity": "2",
        "lines-0-unit_price": "10",
        **extra,
    }


def errors(response) -> str:
    return " ".join(re.findall(r'role="alert">([^<]*)<', response.content.decode()))


# --- the services ------------------------------------------------------------------------


def test_an_order_is_placed_under_its_customers_contract_in_force(org):
    contract = make_contract(org.sales1)
    order = make_order(org.sales1, contract=contract)
    assert Order.objects.get(pk=order.pk).contract == contract
    assert list(contract.orders.all()) == [order]


def test_another_customers_contract_is_refused_with_the_reason(org):
    contract = make_contract(org.sales1)  # of another customer of sales1's
    with pytest.raises(ValidationError) as error:
        make_order(org.sales1, customer=CustomerFactory(owner=org.sales1), contract=contract)
    assert refusal(error) == [f"合同 {contract.number} 不属于该订货单的客户，不能关联。"]
    assert Order.objects.count() == 0


def test_sales1_cannot_place_an_order_under_sales3s_contract(org):
    """sales3's contract (of sales3's customer) is not sales1's to see: refused without
    a word about it, before anything else is checked."""
    theirs = make_contract(org.sales3)
    with pytest.raises(ValidationError) as error:
        make_order(org.sales1, customer=CustomerFactory(owner=org.sales1), contract=theirs)
    assert refusal(error) == ["您无权将订货单关联到该合同。"]
    # Under its own customer, sales3's customer is refused first: not sales1's to order for.
    with pytest.raises(ValidationError) as error:
        make_order(org.sales1, customer=theirs.customer, contract=theirs)
    assert list(error.value.message_dict) == ["customer"]
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (ContractStatus.DRAFT, False),
        (ContractStatus.IN_REVIEW, False),
        (ContractStatus.APPROVED, False),
        (ContractStatus.SEALED, True),
        (ContractStatus.IN_FORCE, True),
        (ContractStatus.COMPLETED, False),
        (ContractStatus.ARCHIVED, False),
        (ContractStatus.CANCELLED, False),
    ],
)
def test_only_a_sealed_contract_or_one_in_force_takes_a_new_order(org, status, allowed):
    contract = make_contract(org.sales1, status=status)
    if allowed:
        assert make_order(org.sales1, contract=contract).contract == contract
        return
    with pytest.raises(ValidationError) as error:
        make_order(org.sales1, contract=contract)
    label = ContractStatus(status).label
    assert refusal(error) == [
        f"合同 {contract.number} 当前为“{label}”：只有已盖章或已生效的合同可以关联订货单。"
    ]


def test_a_link_stays_when_its_contract_is_completed_and_is_recorded_in_the_history(org):
    contract = make_contract(org.sales1)
    order = make_order(org.sales1, confirm=True, customer=contract.customer)
    keep = [LineInput(data={}, line=line) for line in order.lines.all()]
    order = order_update(
        actor=org.sales1,
        order=order,
        expected_version=order.version,
        data={"contract": contract},
        lines=keep,
        reason="按合同供货",
    )
    assert order.contract == contract
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.COMPLETED)
    contract.refresh_from_db()
    # Another change of the order keeps the link to the now completed contract …
    order = order_update(
        actor=org.sales1,
        order=order,
        expected_version=order.version,
        data={"contract": contract, "remarks": "分两批交货"},
        lines=keep,
        reason="备注",
    )
    assert Order.objects.get(pk=order.pk).contract == contract
    # … but no order may be newly placed under it.
    with pytest.raises(ValidationError):
        make_order(org.sales1, customer=contract.customer, contract=contract)
    changes = [(c.field, c.reason) for c in order_history(order)]
    assert ("合同", "按合同供货") in changes
    # The history names the contract (its number), not its database id.
    linked = next(c for c in order_history(order) if c.field == "合同")
    assert (linked.old, linked.new) == ("—", str(contract))
    assert contract.number in linked.new


def test_the_customer_of_a_draft_cannot_move_away_from_its_contract(org):
    contract = make_contract(org.sales1)
    order = make_order(org.sales1, contract=contract)
    with pytest.raises(ValidationError) as error:
        order_update(
            actor=org.sales1,
            order=order,
            expected_version=order.version,
            data={"customer": CustomerFactory(owner=org.sales1)},
            lines=[],
        )
    assert refusal(error) == [f"合同 {contract.number} 不属于该订货单的客户，不能关联。"]
    assert Order.objects.get(pk=order.pk).customer == contract.customer


# --- the pages ---------------------------------------------------------------------------


def options(html: str) -> list[str]:
    """The values of a select's options (the empty choice first)."""
    return re.findall(r'<option value="(\d*)"', html)


def test_the_order_form_offers_the_chosen_customers_contracts_that_take_orders(org, client):
    own = CustomerFactory(owner=org.sales1)
    mine = make_contract(org.sales1, customer=own, name="在执行合同")
    sealed = make_contract(
        org.sales1, customer=own, status=ContractStatus.SEALED, name="已盖章合同"
    )
    for status in (ContractStatus.DRAFT, ContractStatus.IN_REVIEW, ContractStatus.COMPLETED):
        make_contract(org.sales1, customer=own, status=status)
    other = make_contract(org.sales1, name="另一客户的合同")
    theirs = make_contract(org.sales3, name="二部合同")
    client.force_login(org.sales1)
    # No customer chosen yet: no contract to offer.
    page = client.get("/sales/orders/new/").content.decode()
    select = re.search(r'<select name="contract".*?</select>', page, re.S).group(0)
    assert options(select) == [""]
    assert 'hx-get="/sales/orders/contracts/"' in select
    assert 'hx-trigger="change from:#id_customer"' in select
    page = client.get(f"/sales/orders/new/?customer={own.pk}").content.decode()
    select = re.search(r'<select name="contract".*?</select>', page, re.S).group(0)
    assert sorted(options(select)) == sorted(["", str(mine.pk), str(sealed.pk)])
    # Choosing a customer fetches that one's (htmx), the posted choice kept when it is theirs.
    fetched = client.get(f"/sales/orders/contracts/?customer={own.pk}&contract={sealed.pk}")
    assert sorted(options(fetched.content.decode())) == sorted(["", str(mine.pk), str(sealed.pk)])
    assert f'<option value="{sealed.pk}" selected>' in fetched.content.decode()
    fetched = client.get(f"/sales/orders/contracts/?customer={other.customer_id}")
    assert options(fetched.content.decode()) == ["", str(other.pk)]
    # Another salesperson's customer: nothing of theirs is offered.
    fetched = client.get(f"/sales/orders/contracts/?customer={theirs.customer_id}")
    assert options(fetched.content.decode()) == [""] and "二部合同" not in fetched.content.decode()
    assert options(client.get("/sales/orders/contracts/?customer=x").content.decode()) == [""]


def test_editing_keeps_offering_the_orders_contract_after_it_is_completed(org, client):
    contract = make_contract(org.sales1)
    order = make_order(org.sales1, contract=contract)
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.COMPLETED)
    client.force_login(org.sales1)
    page = client.get(f"/sales/orders/{order.pk}/edit/").content.decode()
    assert f'<option value="{contract.pk}" selected>' in page
    assert f'hx-vals="{{&quot;order&quot;: {order.pk}}}"' in page
    fetched = client.get(
        f"/sales/orders/contracts/?customer={contract.customer_id}&order={order.pk}"
    ).content.decode()
    assert options(fetched) == ["", str(contract.pk)]
    # Not for another salesperson's order: 404, as for one that does not exist.
    client.force_login(org.sales3)
    url = f"/sales/orders/contracts/?customer={contract.customer_id}&order={order.pk}"
    assert client.get(url).status_code == 404


def test_an_order_is_linked_on_the_page_and_its_page_links_the_contract(org, client):
    contract = make_contract(org.sales1, name="轴承供货合同")
    client.force_login(org.sales1)
    response = client.post("/sales/orders/new/", order_post(contract.customer, contract))
    order = Order.objects.get()
    assert response.status_code == 302 and order.contract == contract
    detail = client.get(order.get_absolute_url()).content.decode()
    assert (
        f'<span data-testid="order-contract"><a href="/contracts/{contract.pk}/">'
        f"{contract.number} 轴承供货合同</a></span>"
    ) in detail


def test_the_page_refuses_another_customers_and_an_unseen_contract(org, client):
    own = CustomerFactory(owner=org.sales1)
    other = make_contract(org.sales1)  # sales1's, of another customer
    theirs = make_contract(org.sales3)
    client.force_login(org.sales1)
    # Only the posted customer's contracts are choices: another one is refused as such
    # (the service's own refusal is tested above).
    response = client.post("/sales/orders/new/", order_post(own, other))
    assert response.status_code == 200
    assert "请选择已盖章或已生效、且您有权查看的该客户合同。" in errors(response)
    response = client.post("/sales/orders/new/", order_post(own, theirs))
    assert response.status_code == 200
    assert "请选择已盖章或已生效、且您有权查看的该客户合同。" in errors(response)
    assert Order.objects.count() == 0


def test_an_order_whose_contract_the_user_no_longer_sees_names_it_without_a_link(org, client):
    """sales2's contract of sales1's customer: sales1 sees it while the customer is theirs.
    Handed over to sales3, the customer takes the contract out of sales1's sight; sales1's
    order still names it, as plain text."""
    customer = CustomerFactory(owner=org.sales1)
    contract = make_contract(org.sales2, customer=customer, name="交接前的合同")
    order = make_order(org.sales1, customer=customer, contract=contract)
    customer.refresh_from_db()
    customer_update(
        actor=org.admin,
        customer=customer,
        data={"owner": org.sales3},
        expected_version=customer.version,
    )
    client.force_login(org.sales1)
    detail = client.get(order.get_absolute_url()).content.decode()
    assert f'<span data-testid="order-contract">{contract.number} 交接前的合同</span>' in detail
    assert f"/contracts/{contract.pk}/" not in detail
    assert client.get(f"/contracts/{contract.pk}/").status_code == 404


def test_an_order_without_a_contract_says_nothing_of_one(org, client):
    order = make_order(org.sales1)
    client.force_login(org.sales1)
    detail = client.get(order.get_absolute_url()).content.decode()
    assert order.number in detail and 'data-testid="order-contract"' not in detail
