"""System checks for the CLERK settings and the entity mapping, with stable ids.

========================  ==============================================================
``django_clerk.E001``     ``CLERK`` is not a dict
``django_clerk.E002``     ``CLERK`` has a key this app does not know (a typo?)
``django_clerk.E003``     ``CLERK["SERIALIZERS"]`` is not a dict, or names an unknown entity
``django_clerk.E004``     a serializer cannot be imported
``django_clerk.E005``     a serializer is not a subclass of the entity's base serializer
``django_clerk.E006``     a serializer has no ``Meta.model`` that is a Django model
``django_clerk.E007``     a serializer does not produce a field Clerk requires
``django_clerk.E008``     ``CLERK["API_URL"]`` is not an absolute http(s) URL
``django_clerk.E009``     a numeric setting is out of range
``django_clerk.E010``     ``CLERK["STORES"]`` is malformed
``django_clerk.E011``     ``Meta.modified_field``/``Meta.date_field`` is not a field of the model
``django_clerk.E012``     ``Meta.in_stock_filter`` or ``hidden_filter`` does not apply to the model
``django_clerk.E013``     ``CLERK["BASE_URL"]`` is not an absolute http(s) URL
``django_clerk.I014``     a serializer renders from model instances (names the field that
                          needs them and what to declare instead); info only
``django_clerk.E015``     two fields of a serializer emit the same output key (e.g.
                          ``PricesField`` and ``VariantsField`` both emit ``price``)
``django_clerk.E016``     two sources of an entity have colliding ``Meta.id_prefix`` (equal,
                          or one the start of the other)
``django_clerk.E017``     more than one source of an entity has no ``Meta.id_prefix``
``django_clerk.E018``     a ``Meta.id_prefix`` is not a string of URL-safe characters
                          (letters, digits, ``-``, ``_``, ``.``, ``~``) with one that no
                          integer or UUID key begins with
``django_clerk.E019``     ``CLERK["TOKEN_VERIFY_LOCK_DIR"]`` is not a directory path
``django_clerk.E020-W029`` feeds: see :mod:`django_clerk.feeds.checks`
``django_clerk.E040-W049`` storefront settings: see :mod:`django_clerk.storefront.checks`
``django_clerk.E050-W059`` markets and prices: see :mod:`django_clerk.mapping.currency_checks`
``django_clerk.E140``     ``CLERK["TRACKING_JOURNEY"]`` is not the dotted path of a callable
========================  ==============================================================
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, register
from django.core.exceptions import FieldDoesNotExist, FieldError, ImproperlyConfigured
from django.db import models
from django.db.models import Q

from django_clerk import ENTITIES
from django_clerk.conf import DEFAULTS, clerk_settings, named_callable
from django_clerk.feeds import checks as feed_checks  # noqa: F401 (registers)
from django_clerk.feeds import url_checks  # noqa: F401 (registers)
from django_clerk.mapping import currency_checks  # noqa: F401 (registers)
from django_clerk.mapping.plans import plan_for
from django_clerk.mapping.registry import configured_sources, get_serializers
from django_clerk.mapping.serializers import BASES, ClerkSerializer
from django_clerk.storefront import checks as storefront_checks  # noqa: F401 (registers)
from django_clerk.sync import ops_checks  # noqa: F401 (registers)

NUMERIC_RANGES: dict[str, tuple[float, float]] = {
    "API_TIMEOUT": (0.1, 300),
    "TRACKING_SALE_GRACE_SECONDS": (0, 86400),
    "TRACKING_SALE_MEMORY_DAYS": (1, 3650),
    "API_RETRIES": (0, 20),
    "API_BACKOFF": (0, 60),
    "FEED_DEFAULT_LIMIT": (1, 1000),
    "FEED_MAX_LIMIT": (1, 1000),
    "TOKEN_CACHE_SECONDS": (0, 3600),
    "TOKEN_REJECT_CACHE_SECONDS": (0, 3600),
    "TOKEN_VERIFY_TIMEOUT": (0.1, 60),
    "TOKEN_VERIFY_CONCURRENCY": (1, 1000),
    "TOKEN_VERIFY_COOLDOWN": (0, 3600),
    "STORE_CACHE_SECONDS": (0, 3600),
    "FEED_CURSOR_IDLE_SECONDS": (60, 7 * 86400),
    "SYNC_BATCH_SIZE": (1, 1000),
    "INDIVIDUAL_PRICES_MAX_IDS": (1, 1000),
    "INDIVIDUAL_PRICES_CACHE_SECONDS": (0, 86400),
    "FEED_WIPE_GUARD_MIN_ITEMS": (0, 10**9),
}
#: Numeric settings that may also be ``None`` (``FEED_WIPE_GUARD_SHARE``: ``0``/``None`` turn
#: the wipe guard off; ``1`` would refuse nothing).
OPTIONAL_RANGES: dict[str, tuple[float, float]] = {"FEED_WIPE_GUARD_SHARE": (0, 1)}
STORE_KEYS = {"PUBLIC_KEY", "PRIVATE_KEY", "CURRENCY", "CLERK_JS_SLUG"}
URL_SAFE_PREFIX = re.compile(r"[A-Za-z0-9._~-]{1,64}")
#: Text an integer or UUID key can begin with: a prefix made only of it could be taken for
#: the start of another source's key ("cafe" of "cafe1234-...").
KEY_LIKE_PREFIX = re.compile(r"[0-9A-Fa-f-]+")


@register("django_clerk")
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    user = getattr(settings, "CLERK", {})
    if not isinstance(user, dict):
        return [Error("settings.CLERK must be a dict.", id="django_clerk.E001")]
    errors: list[CheckMessage] = []
    for key in sorted(set(user) - set(DEFAULTS)):
        errors.append(
            Error(
                f"settings.CLERK has an unknown key {key!r}.",
                hint=f"Known keys: {', '.join(sorted(DEFAULTS))}.",
                id="django_clerk.E002",
            )
        )
    ranges = {**NUMERIC_RANGES, **OPTIONAL_RANGES}
    for name, (low, high) in ranges.items():
        value = getattr(clerk_settings, name)
        if value is None and name in OPTIONAL_RANGES:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not low <= value <= high
        ):
            errors.append(
                Error(
                    f"CLERK[{name!r}] must be a number from {low:g} to {high:g}, not {value!r}.",
                    id="django_clerk.E009",
                )
            )
    if not _is_http_url(clerk_settings.API_URL):
        errors.append(
            Error(
                "CLERK['API_URL'] must be an absolute http(s) URL, "
                f"not {clerk_settings.API_URL!r}.",
                hint="The default is https://api.clerk.io/v2/.",
                id="django_clerk.E008",
            )
        )
    lock_dir = clerk_settings.TOKEN_VERIFY_LOCK_DIR
    if not isinstance(lock_dir, (str, os.PathLike)):
        errors.append(
            Error(
                f"CLERK['TOKEN_VERIFY_LOCK_DIR'] must be a directory path, not {lock_dir!r}.",
                hint='"" (the default) uses a private directory in the temporary directory.',
                id="django_clerk.E019",
            )
        )
    if clerk_settings.BASE_URL and not _is_http_url(clerk_settings.BASE_URL):
        errors.append(
            Error(
                "CLERK['BASE_URL'] must be an absolute http(s) URL, "
                f"not {clerk_settings.BASE_URL!r}.",
                id="django_clerk.E013",
            )
        )
    errors.extend(_check_stores(clerk_settings.STORES))
    errors.extend(_check_journey(clerk_settings.TRACKING_JOURNEY))
    return errors


def _check_journey(value: Any) -> list[CheckMessage]:
    """``CLERK["TRACKING_JOURNEY"]`` names a callable (imported, never called here)."""
    try:
        named_callable(value)
    except (ImportError, TypeError) as exc:
        return [
            Error(
                f"CLERK['TRACKING_JOURNEY'] must be the dotted path of a callable returning "
                f"a Journey: {exc}",
                id="django_clerk.E140",
            )
        ]
    return []


@register("django_clerk")
def check_serializers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not isinstance(getattr(settings, "CLERK", {}), dict):
        return []  # reported as E001
    mapping = clerk_settings.SERIALIZERS
    if not isinstance(mapping, dict):
        return [Error("CLERK['SERIALIZERS'] must be a dict.", id="django_clerk.E003")]
    errors: list[CheckMessage] = []
    for entity in mapping:
        if entity not in ENTITIES:
            errors.append(
                Error(
                    f"CLERK['SERIALIZERS'] names an unknown entity {entity!r}.",
                    hint=f"Clerk's entities are {', '.join(ENTITIES)}.",
                    id="django_clerk.E003",
                )
            )
            continue
        try:
            serializers = get_serializers(entity)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="django_clerk.E004"))
            continue
        several = len(configured_sources(entity)) > 1
        valid = []
        for index, serializer in enumerate(serializers):
            where = f"CLERK['SERIALIZERS'][{entity!r}]" + (f"[{index}]" if several else "")
            found = _check_serializer(entity, serializer, BASES[entity], where)
            errors.extend(found)
            if not any(message.id in SHAPE_ERRORS for message in found):
                valid.append(serializer)
        errors.extend(_check_prefixes(entity, valid))
    return errors


SHAPE_ERRORS = {"django_clerk.E005", "django_clerk.E006"}


def _check_prefixes(entity: str, serializers: list[Any]) -> list[CheckMessage]:
    """E018 for a prefix that is not URL-safe text; E016 for two colliding prefixes; E017
    when more than one source of the entity goes without a prefix."""
    errors: list[CheckMessage] = []
    where = f"CLERK['SERIALIZERS'][{entity!r}]"
    prefixes: list[tuple[str, Any]] = []
    unprefixed = []
    for serializer in serializers:
        prefix = getattr(serializer.Meta, "id_prefix", None)
        if prefix is None or prefix == "":
            unprefixed.append(serializer)
        elif (
            not isinstance(prefix, str)
            or not URL_SAFE_PREFIX.fullmatch(prefix)
            or KEY_LIKE_PREFIX.fullmatch(prefix)
        ):
            errors.append(
                Error(
                    f"{where}: {serializer.__qualname__}.Meta.id_prefix {prefix!r} must be "
                    "up to 64 URL-safe characters (letters, digits, '-', '_', '.', '~'), with "
                    "one that no integer or UUID key begins with (a letter after 'f', '_', '.' "
                    "or '~').",
                    hint='E.g. id_prefix = "blog-".',
                    obj=serializer,
                    id="django_clerk.E018",
                )
            )
        else:
            prefixes.append((prefix, serializer))
    for index, (prefix, serializer) in enumerate(prefixes):
        for other, other_serializer in prefixes[:index]:
            if prefix.startswith(other) or other.startswith(prefix):
                errors.append(
                    Error(
                        f"{where}: the id prefixes {other!r} ({other_serializer.__qualname__}) "
                        f"and {prefix!r} ({serializer.__qualname__}) collide: an id could "
                        "belong to either source.",
                        hint="Give each source a prefix that does not begin another one.",
                        obj=serializer,
                        id="django_clerk.E016",
                    )
                )
    if len(unprefixed) > 1:
        names = ", ".join(serializer.__qualname__ for serializer in unprefixed)
        errors.append(
            Error(
                f"{where}: {len(unprefixed)} sources have no Meta.id_prefix ({names}); their "
                "ids could collide.",
                hint='Set Meta.id_prefix (e.g. "blog-") on all of them but one at most.',
                obj=unprefixed[-1],
                id="django_clerk.E017",
            )
        )
    return errors


def _check_serializer(
    entity: str, serializer: Any, base: type[ClerkSerializer], where: str
) -> list[CheckMessage]:
    if not isinstance(serializer, type) or not issubclass(serializer, base):
        return [
            Error(
                f"{where} must be a subclass of django_clerk.mapping.{base.__name__}.",
                obj=serializer,
                id="django_clerk.E005",
            )
        ]
    meta = getattr(serializer, "Meta", None)
    model = getattr(meta, "model", None)
    if not (isinstance(model, type) and issubclass(model, models.Model)):
        return [Error(f"{where} has no Meta.model.", obj=serializer, id="django_clerk.E006")]
    errors: list[CheckMessage] = []
    try:
        missing = serializer.missing_required_fields()
    except Exception as exc:  # a broken field declaration
        return [
            Error(f"{where} cannot build its fields: {exc}", obj=serializer, id="django_clerk.E007")
        ]
    for name in missing:
        errors.append(
            Error(
                f"{where} does not produce {name!r}, which Clerk requires for {entity}.",
                hint="Add it to Meta.fields or declare a field of that name.",
                obj=serializer,
                id="django_clerk.E007",
            )
        )
    for option in ("modified_field", "date_field"):
        field_name = getattr(meta, option, None)
        if field_name is None:
            continue
        try:
            model._meta.get_field(field_name)
        except FieldDoesNotExist:
            errors.append(
                Error(
                    f"{where}: Meta.{option} {field_name!r} is not a field of {model.__name__}.",
                    obj=serializer,
                    id="django_clerk.E011",
                )
            )
    errors.extend(_check_sources(where, serializer))
    for option in ("in_stock_filter", "hidden_filter"):
        condition = getattr(meta, option, None)
        if condition is None:
            continue
        try:
            q = Q(**condition) if isinstance(condition, dict) else condition
            str(model._default_manager.filter(q).query)  # compiles, touches no database
        except (FieldError, TypeError, ValueError) as exc:
            errors.append(
                Error(
                    f"{where}: Meta.{option} does not apply to {model.__name__}: {exc}",
                    obj=serializer,
                    id="django_clerk.E012",
                )
            )
    return errors


def _check_sources(where: str, serializer: Any) -> list[CheckMessage]:
    """E015: output keys two fields emit; I014: the serializer renders from instances."""
    found: list[CheckMessage] = []
    for key, earlier, later in serializer.output_key_clashes():
        found.append(
            Error(
                f"{where}: fields {earlier!r} and {later!r} both emit {key!r}.",
                hint=(
                    "Keep one: e.g. VariantsField(price=None) keeps the product's own price, "
                    "VariantsField(override_price=True) replaces price and price_excl_tax "
                    "with the cheapest variant's."
                ),
                obj=serializer,
                id="django_clerk.E015",
            )
        )
    plan = plan_for(serializer)
    if not plan.rows:
        found.append(
            Info(
                f"{where} renders from model instances, not values() rows: {plan.reason}.",
                hint="Feeds, pushes and the health check are faster from rows; see "
                "docs/mapping.md, 'Reads and sources'.",
                obj=serializer,
                id="django_clerk.I014",
            )
        )
    return found


def _check_stores(stores: Any) -> list[CheckMessage]:
    if not isinstance(stores, dict):
        return [
            Error("CLERK['STORES'] must be a dict of store code to keys.", id="django_clerk.E010")
        ]
    errors: list[CheckMessage] = []
    for code, keys in stores.items():
        if not isinstance(keys, dict) or set(keys) - STORE_KEYS:
            errors.append(
                Error(
                    f"CLERK['STORES'][{code!r}] must be a dict with PUBLIC_KEY, PRIVATE_KEY "
                    "and/or CURRENCY.",
                    id="django_clerk.E010",
                )
            )
    return errors


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)
