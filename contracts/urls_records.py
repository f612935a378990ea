"""Pages of the contract family (表5-14 … 5-25) (records)."""

urlpatterns: list = []
