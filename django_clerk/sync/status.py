"""Whether a store's integration with Clerk.io is healthy: :func:`store_status`.

What the admin's health page (:mod:`django_clerk.admin.health`) and ``manage.py clerk_status``
show: the keys (checked with Clerk's ``client/account/info``, the answer cached briefly under a
keyed hash, never a key), the last crawl of each feed, the pending and failed changes with the
age of the oldest, the last delivery error, the delivery mode, whether a delivery picks up due
changes, and on request the data-health summary (which renders the whole feed).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from django_clerk.client import ClerkClient
from django_clerk.client.errors import ClerkError, Failure, classify
from django_clerk.client.transport import redact
from django_clerk.conf import clerk_settings
from django_clerk.mapping import health
from django_clerk.models import FeedCrawl, PendingChange, Store
from django_clerk.sync.entities import store_entities

KEYS_CACHE_PREFIX = "django_clerk:status:keys:"


@dataclass
class CrawlSummary:
    entity: str
    started_at: str
    finished_at: str | None
    pages: int
    items: int
    refused: bool


@dataclass
class DataSummary:
    entity: str
    checked: int
    broken: int
    fields: dict[str, int]


@dataclass
class StoreStatus:
    """One store's status; :attr:`problems` empty means healthy."""

    store: str
    name: str
    delivery_mode: str
    keys_ok: bool | None = None  # None: not checked
    keys_detail: str = ""
    pending: int = 0
    failed: int = 0
    oldest_pending_seconds: float | None = None
    oldest_failed_seconds: float | None = None
    waiting_seconds: float | None = None  # the oldest due change no delivery picked up
    last_error: str = ""
    crawls: list[CrawlSummary] = field(default_factory=list)
    data: list[DataSummary] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "healthy": self.healthy}


def store_status(store: Store, *, check_keys: bool = True, check_data: bool = False) -> StoreStatus:
    """The status of ``store``. ``check_keys`` asks Clerk (answer cached
    ``STATUS_KEYS_CACHE_SECONDS``); ``check_data`` renders every feed (slow on a big shop)."""
    status = StoreStatus(
        store=store.code, name=store.name, delivery_mode=str(clerk_settings.SYNC_DELIVERY)
    )
    if check_keys:
        status.keys_ok, status.keys_detail = keys_status(store)
        if status.keys_ok is False:
            status.problems.append(f"Clerk.io refuses the keys: {status.keys_detail}")
        elif status.keys_ok is None:
            status.problems.append(f"Clerk.io could not be asked: {status.keys_detail}")
    _outbox(store, status)
    status.crawls = last_crawls(store)
    for crawl in status.crawls:
        if crawl.refused:
            status.problems.append(
                f"The last {crawl.entity} crawl was refused by the wipe guard: release it in "
                "the feed crawls' admin once the new size is right"
            )
    if check_data:
        status.data = data_summary(store)
        for summary in status.data:
            if summary.broken:
                status.problems.append(
                    f"{summary.broken} of {summary.checked} {summary.entity} break Clerk's rules"
                )
    return status


def keys_status(store: Store) -> tuple[bool | None, str]:
    """``(True, store name)`` when Clerk accepts the keys, ``(False, why)`` when it refuses
    them, ``(None, why)`` when it could not be asked. Cached under a keyed hash of the keys
    (so new keys are checked at once); the keys themselves are never cached nor shown."""
    credentials = store.credentials()
    if not credentials.public_key or not credentials.private_key:
        return False, "the store has no public or private key"
    fingerprint = salted_hmac(
        KEYS_CACHE_PREFIX,
        f"{credentials.public_key}\0{credentials.private_key}",
        algorithm="sha256",
    ).hexdigest()
    cache_key = f"{KEYS_CACHE_PREFIX}{store.pk}:{fingerprint}"
    cached = cache.get(cache_key)
    if isinstance(cached, tuple):
        return cached[0], cached[1]
    try:
        with ClerkClient.for_store(store, timeout=clerk_settings.SYNC_TIMEOUT, retries=0) as api:
            info = api.account_info()
        result: tuple[bool | None, str] = (True, str(info.get("name") or "keys accepted"))
    except ClerkError as exc:
        refused = classify(exc) is not Failure.TRANSIENT
        result = (False if refused else None, _scrub(str(exc), credentials))
    cache.set(cache_key, result, float(clerk_settings.STATUS_KEYS_CACHE_SECONDS))
    return result


def _scrub(text: str, credentials: Any) -> str:
    """``text`` without the private key in it (an error could quote a request), cut to 500
    characters after the key is gone."""
    return redact(text, [credentials.private_key or ""])[:500]


def _outbox(store: Store, status: StoreStatus) -> None:
    now = timezone.now()
    rows = PendingChange.objects.filter(store=store).exclude(state=PendingChange.State.SENT)
    pending_state, failed_state = PendingChange.State.PENDING, PendingChange.State.FAILED
    counts = rows.aggregate(
        pending=Count("pk", filter=Q(state=pending_state)),
        failed=Count("pk", filter=Q(state=failed_state)),
        oldest_pending=Min("created_at", filter=Q(state=pending_state)),
        oldest_failed=Min("created_at", filter=Q(state=failed_state)),
    )
    status.pending, status.failed = counts["pending"], counts["failed"]
    status.oldest_pending_seconds = _age(counts["oldest_pending"], now)
    status.oldest_failed_seconds = _age(counts["oldest_failed"], now)
    waiting = rows.due(now).aggregate(oldest=Min("due_at"))["oldest"]
    status.waiting_seconds = _age(waiting, now)
    last = rows.exclude(last_error="").order_by("-updated_at").values_list("last_error").first()
    status.last_error = last[0] if last else ""
    if status.failed:
        status.problems.append(
            f"{status.failed} changes were refused by Clerk.io: see the pending changes' admin"
        )
    stale = float(clerk_settings.STATUS_STALE_SECONDS)
    if status.waiting_seconds is not None and status.waiting_seconds > stale:
        status.problems.append(
            f"Changes due {int(status.waiting_seconds)} s ago are not picked up: is a delivery "
            f"running (SYNC_DELIVERY = {status.delivery_mode!r})?"
        )


def _age(moment: datetime.datetime | None, now: datetime.datetime) -> float | None:
    return None if moment is None else max(0.0, (now - moment).total_seconds())


def last_crawls(store: Store) -> list[CrawlSummary]:
    """The latest crawl of each entity's feed (one query per entity the store sends)."""
    found = []
    for entity in sorted(store_entities(store)):
        crawl = FeedCrawl.objects.filter(store=store, entity=entity).first()
        if crawl is not None:
            found.append(
                CrawlSummary(
                    entity=entity,
                    started_at=crawl.started_at.isoformat(),
                    finished_at=crawl.finished_at.isoformat() if crawl.finished_at else None,
                    pages=crawl.pages,
                    items=crawl.items,
                    refused=crawl.refused and crawl.released_at is None,
                )
            )
    return found


def data_summary(store: Store) -> list[DataSummary]:
    summaries = []
    for entity in sorted(store_entities(store)):
        report = health.check_entity(store, entity, examples=0)
        if report is not None:
            summaries.append(
                DataSummary(entity, report.checked, report.broken, dict(report.by_field))
            )
    return summaries


def all_statuses(
    code: str | None = None, *, check_keys: bool = True, check_data: bool = False
) -> list[StoreStatus]:
    """The status of every active store (or of the store ``code``)."""
    stores = Store.objects.filter(is_active=True).order_by("code")
    if code is not None:
        stores = Store.objects.filter(code=code)
    return [store_status(s, check_keys=check_keys, check_data=check_data) for s in stores]
