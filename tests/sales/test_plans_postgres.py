"""Two people saving the same salesperson's plan for the same year at once, on PostgreSQL:
one plan is saved, the other is told, never an error page."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sales.models import AnnualPlan
from sales.services.plans import annual_plan_create


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_creations_of_one_plan_save_one(org):
    barrier = threading.Barrier(2)
    results = []

    def create(actor):
        try:
            barrier.wait()
            annual_plan_create(actor=actor, data={"owner": org.sales1, "year": 2027}, lines=[])
            results.append("saved")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(u,)) for u in (org.sales1, org.manager1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[-1] == "saved"
    assert AnnualPlan.objects.filter(owner=org.sales1, year=2027).count() == 1
    assert len(results) == 2 and results.count("saved") == 1
