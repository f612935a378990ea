"""Pages of the sales family (表5-2 … 5-13) (orders)."""

from django.urls import path

from ledger.workflow.views import TransitionView
from sales.selectors import get_order_for
from sales.views import costs, orders

urlpatterns: list = [
    path("orders/", orders.OrderListView.as_view(), name="order-list"),
    path("orders/new/", orders.OrderFormView.as_view(), name="order-create"),
    path("orders/contracts/", orders.order_contract_choices, name="order-contract-choices"),
    path("orders/<int:pk>/", orders.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/edit/", orders.OrderFormView.as_view(), name="order-edit"),
    path(
        "orders/<int:pk>/transition/",
        TransitionView.as_view(get_object_for=get_order_for),
        name="order-transition",
    ),
    path("orders/<int:pk>/ship/", orders.ShipmentCreateView.as_view(), name="order-ship"),
    path("orders/<int:pk>/receipt/", orders.ReceiptCreateView.as_view(), name="order-receipt"),
    path("orders/<int:pk>/invoice/", orders.InvoiceCreateView.as_view(), name="order-invoice"),
    path(
        "orders/<int:pk>/adjustment/",
        orders.AdjustmentCreateView.as_view(),
        name="order-adjustment",
    ),
    path("costs/", costs.CostListView.as_view(), name="cost-list"),
    path("costs/expense/", costs.ExpenseFormView.as_view(), name="cost-expense"),
    path("costs/allocation/", costs.AllocationFormView.as_view(), name="cost-allocation"),
    path("costs/product/", costs.ProductCostFormView.as_view(), name="cost-product"),
]
