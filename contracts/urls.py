"""This family's pages, mounted at /contracts/ by ``ledger.urls`` (declared in registers.py)."""

app_name = "contracts"

urlpatterns: list = []
