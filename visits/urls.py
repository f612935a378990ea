"""This family's pages, mounted at /visits/ by ``ledger.urls`` (declared in registers.py)."""

app_name = "visits"

urlpatterns: list = []
