"""This family's pages, mounted at /sales/ by ``ledger.urls`` (declared in registers.py)."""

app_name = "sales"

urlpatterns: list = []
