"""The endpoints of Clerk's platform extensions: ``product``, ``category``, ``order``,
``customer``, ``page``, and the service endpoints ``version``, ``plugin``, ``getconfig``,
``setconfig`` and ``rotatekey``. All accept the bearer token, and the private key (query
string or body) for stores whose key-based authentication is on."""

from __future__ import annotations

import platform
import re
import sys
from collections.abc import Sequence
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.http import StreamingHttpResponse
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.response import Response

import django_clerk
from django_clerk.feeds.authentication import (
    BodyKeyAuthentication,
    QueryKeyAuthentication,
    TokenAuthentication,
)
from django_clerk.feeds.errors import BadParameter
from django_clerk.feeds.pagination import PagePagination
from django_clerk.feeds.views import TRUE, EntityFeedView, FeedAPIView
from django_clerk.json_errors import error_body
from django_clerk.models import FeedCrawl
from django_clerk.models.store import SYNC_OPTIONS

LEGACY_AUTHENTICATION: list[type[BaseAuthentication]] = [
    TokenAuthentication,
    BodyKeyAuthentication,
    QueryKeyAuthentication,
]
#: The store options ``getconfig`` shows and ``setconfig`` may change. Never the keys, nor
#: the authentication toggle.
CONFIG_OPTIONS = SYNC_OPTIONS
AUTH_PARAMETERS = {"key", "private_key"}
FALSE = {"0", "false", "no", "off"}
PRIVATE_KEY = re.compile(r"[\x21-\x7e]{8,128}")


class LegacyFeedView(EntityFeedView):
    """``GET``/``POST`` ``<entity>?page=&limit=``: a bare JSON array for the store's key."""

    authentication_classes: Sequence[type[BaseAuthentication]] = LEGACY_AUTHENTICATION
    pagination_class = PagePagination
    protocol = FeedCrawl.Protocol.LEGACY

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response | StreamingHttpResponse:
        return self.serve(request)

    post = get


class LegacyServiceView(FeedAPIView):
    authentication_classes: Sequence[type[BaseAuthentication]] = LEGACY_AUTHENTICATION

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        self.pretty = str(self.params.get("debug", "")).lower() in TRUE
        return Response(self.answer())

    post = get

    def answer(self) -> Any:
        raise NotImplementedError


class VersionView(LegacyServiceView):
    """Platform and versions, in the shape of the official extensions."""

    def answer(self) -> dict[str, str]:
        return {
            "platform": "Django",
            "platform_version": django.get_version(),
            "clerk_version": django_clerk.__version__,
            "python_version": platform.python_version(),
        }


class PluginView(LegacyServiceView):
    """The installed apps and, where they say, their versions."""

    def answer(self) -> list[dict[str, str]]:
        plugins = []
        for config in apps.get_app_configs():
            module = sys.modules.get(config.name.split(".")[0])
            version = getattr(module, "__version__", None) or getattr(module, "VERSION", None)
            entry = {"name": config.name, "label": config.label}
            if version is not None:
                entry["version"] = (
                    version if isinstance(version, str) else ".".join(str(part) for part in version)
                )
            plugins.append(entry)
        return plugins


def store_config(store: Any) -> dict[str, Any]:
    config = {name: getattr(store, name) for name in CONFIG_OPTIONS}
    config.update(language=store.get_language(), base_url=store.get_base_url())
    return config


class GetConfigView(LegacyServiceView):
    """The store's whitelisted options, its language and base URL; never a key."""

    def answer(self) -> dict[str, Any]:
        return store_config(self.store)


class SetConfigView(LegacyServiceView):
    """``POST`` whitelisted options (and ``language``) to change them; answers the new config."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return Response(error_body(405, "Use POST."), status=status.HTTP_405_METHOD_NOT_ALLOWED)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        store = self.store
        changes = {k: v for k, v in self.params.items() if k not in AUTH_PARAMETERS | {"debug"}}
        if not changes:
            raise BadParameter("settings", "nothing to change.")
        for name, value in changes.items():
            if name == "language":
                setattr(store, name, self.language(value))
            elif name in CONFIG_OPTIONS:
                setattr(store, name, self.boolean(name, value))
            else:
                raise BadParameter(name, "is not a setting that can be changed remotely.")
        store.save(update_fields=[*changes, "updated_at"])
        return Response(store_config(store))

    @staticmethod
    def boolean(name: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE or text in FALSE:
            return text in TRUE
        raise BadParameter(name, "must be true or false.")

    @staticmethod
    def language(value: Any) -> str:
        codes = {code for code, _name in settings.LANGUAGES}
        if not isinstance(value, str) or (value and value not in codes):
            raise BadParameter("language", f"must be one of {', '.join(sorted(codes))}.")
        return value


class RotateKeyView(LegacyServiceView):
    """``POST {"new_private_key": ...}``: store a new private key. It is never echoed back."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return Response(error_body(405, "Use POST."), status=status.HTTP_405_METHOD_NOT_ALLOWED)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        store = self.store
        new_key = self.params.get("new_private_key")
        if not isinstance(new_key, str) or not PRIVATE_KEY.fullmatch(new_key):
            raise BadParameter("new_private_key", "must be 8 to 128 printable characters.")
        if store.keys_from_settings:
            return Response(
                error_body(409, "This store's keys come from settings; change them there."),
                status=status.HTTP_409_CONFLICT,
            )
        store.private_key = new_key
        store.save(update_fields=["private_key", "updated_at"])
        return Response({"status": "ok", "message": "The private key was changed."})
