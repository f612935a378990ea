"""This family's pages, mounted at /sales/ by ``ledger.urls`` (declared in registers)."""

from sales.urls_orders import urlpatterns as orders_urls
from sales.urls_plans import urlpatterns as plans_urls

app_name = "sales"

urlpatterns = [*orders_urls, *plans_urls]
