"""This family's pages, mounted at /contracts/ by ``ledger.urls`` (declared in registers)."""

from contracts.urls_contracts import urlpatterns as contracts_urls
from contracts.urls_records import urlpatterns as records_urls

app_name = "contracts"

urlpatterns = [*contracts_urls, *records_urls]
