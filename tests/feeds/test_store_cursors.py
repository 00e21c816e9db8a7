"""The stores and a crawl's cursor, read by one precompiled query: the same objects as the
ORM reads, on every database."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_clerk.feeds.crawls import move_cursor
from django_clerk.feeds.store_cursors import UNREAD, cursor_of, stores_with_cursor
from django_clerk.mapping.compiled import CompiledQuery, forget_compiled_queries
from django_clerk.models import FeedCursor, Store
from django_clerk.stores import active_stores
from tests.feeds.test_crawls import page_of


def fields_of(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_stores_are_those_the_orm_reads(en, da):
    Store.objects.filter(pk=da.pk).update(legacy_auth=False, include_out_of_stock=True)
    read = stores_with_cursor("no crawl has this scope")
    expected = active_stores()
    assert [store.pk for store in read] == [store.pk for store in expected] == [en.pk, da.pk]
    for ours, theirs in zip(read, expected, strict=True):
        assert fields_of(ours) == fields_of(theirs)
        assert ours._state.adding is False and ours._state.db == theirs._state.db
        assert cursor_of(ours) is None  # read with the stores: none for this scope
        assert cursor_of(theirs) is UNREAD  # read without: the crawl reads it itself


def test_the_cursor_is_the_one_the_orm_reads(client, en, da):
    for page in (1, 2):
        page_of(client, "product", page, 5)
    stored = FeedCursor.objects.get()
    by_store = {store.pk: store for store in stores_with_cursor(stored.scope)}
    cursor = cursor_of(by_store[en.pk])
    assert isinstance(cursor, FeedCursor)
    assert fields_of(cursor) == fields_of(stored)  # datetimes, booleans, keys as the ORM's
    assert cursor.updated_at.tzinfo is not None and cursor.store_updated_at == en.updated_at
    assert cursor_of(by_store[da.pk]) is None  # the cursor belongs to its own store


def test_one_query_compiled_once(client, en, da, monkeypatch):
    compiled = []
    real = CompiledQuery.__init__

    def counting(self: Any, queryset: Any, marks: Any) -> None:
        compiled.append(queryset.db)
        real(self, queryset, marks)

    forget_compiled_queries()
    monkeypatch.setattr(CompiledQuery, "__init__", counting)
    for scope in ("a" * 64, "b" * 64, "c" * 64):
        with CaptureQueriesContext(connection) as captured:
            assert [store.pk for store in stores_with_cursor(scope)] == [en.pk, da.pk]
        assert len(captured.captured_queries) == 1
        assert scope in str(captured.captured_queries[0]["sql"])
    assert compiled == ["default"]


@pytest.mark.parametrize("change", ["deactivate", "rotate"])
def test_store_changes_apply_at_once(client, en, change):
    page_of(client, "product", 1, 5)
    if change == "deactivate":
        Store.objects.filter(pk=en.pk).update(is_active=False)
        assert en.pk not in [store.pk for store in stores_with_cursor("x" * 64)]
    else:
        Store.objects.filter(pk=en.pk).update(private_key="rotated-private")
        (store,) = [s for s in stores_with_cursor("x" * 64) if s.pk == en.pk]
        assert store.credentials().private_key == "rotated-private"


def test_the_cursor_move_writes_what_the_orm_writes(client, en):
    for page in (1, 2):
        page_of(client, "product", page, 5)
    cursor = FeedCursor.objects.get()
    values = {
        "crawl_id": None,
        "offset": 2**40,
        "after": "ü-42",
        "previous_offset": 7,
        "previous_after": None,
        "pages": 3,
        "items": 15,
        "duration": 0.125,
        "finished": True,
        "store_updated_at": en.updated_at,
        "updated_at": timezone.now() - datetime.timedelta(microseconds=123457),
    }
    with CaptureQueriesContext(connection) as captured:
        move_cursor(cursor.pk, values)
    assert len(captured.captured_queries) == 1
    ours = fields_of(FeedCursor.objects.get(pk=cursor.pk))
    FeedCursor.objects.filter(pk=cursor.pk).update(offset=0, finished=False, after="x")
    FeedCursor.objects.filter(pk=cursor.pk).update(**values)
    assert ours == fields_of(FeedCursor.objects.get(pk=cursor.pk))
    assert {name: ours[name] for name in values} == values


def test_before_the_cursors_are_migrated_the_stores_are_read_alone(en, da, monkeypatch, caplog):
    """Before migration 0012 the stores-with-cursor query would fail (and abort the request's
    transaction on PostgreSQL, as under ATOMIC_REQUESTS): it is never run; the stores are read
    alone (crawls go on by OFFSET), and the migrations are looked for again only now and then."""
    from django_clerk.feeds import store_cursors

    monkeypatch.setattr(store_cursors, "_migrated", {})
    describe = connection.introspection.get_table_description

    def before_0012(cursor, table):  # the cursors' table as it was before migration 0012
        return [c for c in describe(cursor, table) if c.name != "store_updated_at"]

    monkeypatch.setattr(connection.introspection, "get_table_description", before_0012)
    with CaptureQueriesContext(connection) as captured:
        first = stores_with_cursor("x")
        second = stores_with_cursor("x")
    assert [s.pk for s in first] == [s.pk for s in second] == [en.pk, da.pk]
    assert all(cursor_of(store) is UNREAD for store in first)
    assert not any("clerk_cursor" in q["sql"] for q in captured.captured_queries)
    assert "not migrated" in caplog.text
    monkeypatch.setattr(connection.introspection, "get_table_description", describe)
    monkeypatch.setattr(store_cursors, "RECHECK_AFTER", 0.0)
    (store,) = [s for s in stores_with_cursor("x") if s.pk == en.pk]
    assert cursor_of(store) is None  # read with the stores again: no cursor of that scope
