"""PostgreSQL's plans of the delivery's queries on a big outbox: a claim (three statements)
reads the head of the delivery-order index and sorts nothing; settling reads the claimed rows
by primary key. None of them reads the whole table."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_clerk.models import PendingChange
from django_clerk.sync.delivery import claim_batch
from django_clerk.sync.settling import settle_failed, settle_ok, settle_retry

ROWS = 20_000
TABLE = PendingChange._meta.db_table


def plans(queries) -> list[str]:
    """The plan of each captured statement on the outbox (``EXPLAIN``, nothing is run)."""
    found = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if TABLE in sql and sql.split(" ", 1)[0] in {"SELECT", "UPDATE", "DELETE"}:
                cursor.execute(f"EXPLAIN {sql}")
                found.append("\n".join(line for (line,) in cursor.fetchall()))
    return found


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_claims_and_settling_do_not_read_the_whole_outbox(clerk_store, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans")
    settings.CLERK = {**settings.CLERK, "SYNC_BATCH_SIZE": 100}
    PendingChange.objects.bulk_create(
        PendingChange(store=clerk_store, entity="products", object_id=str(n)) for n in range(ROWS)
    )
    PendingChange.objects.bulk_create(  # and rows of another store
        PendingChange(store_id=clerk_store.pk + 1, entity="products", object_id=str(n))
        for n in range(ROWS // 10)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")

    with CaptureQueriesContext(connection) as claiming:
        claim, rows = claim_batch()
    object_ids = [row.object_id for row in rows]
    with CaptureQueriesContext(connection) as settling:
        settle_retry(claim, rows, set(object_ids[:10]), None)
        settle_failed(claim, {object_id: "refused" for object_id in object_ids[10:20]})
        settle_ok(claim, object_ids[20:])

    claim_plans, settle_plans = plans(claiming), plans(settling)
    assert len(rows) == 100 and len(claim_plans) == 3 and len(settle_plans) == 3
    for plan in claim_plans + settle_plans:
        assert f"Seq Scan on {TABLE}" not in plan, plan
    for plan in claim_plans:
        assert "Sort" not in plan, plan
    assert PendingChange.objects.count() == ROWS + ROWS // 10 - 80


def test_a_run_of_integer_keys_is_read_as_a_range():
    from django_clerk.sync.settling import by_keys

    assert by_keys([3, 1, 2]) == {"pk__range": (1, 3)}
    assert by_keys([1, 3]) == {"pk__in": [1, 3]}  # a gap
    assert by_keys([1, 1, 2]) == {"pk__in": [1, 1, 2]}  # a repeat is no run
    assert by_keys(["1", "2"]) == {"pk__in": ["1", "2"]}  # text keys
    assert by_keys([True, 2]) == {"pk__in": [True, 2]}
    assert by_keys([]) == {"pk__in": []}
