"""Oscar's customers (the user model) as Clerk's customers: active users with an e-mail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from django_clerk import mapping

User = get_user_model()


class CustomerSerializer(mapping.CustomerSerializer):
    """Active users with an e-mail address. ``name`` is the full name, else the e-mail;
    ``subscribed`` is ``False`` (Oscar keeps no newsletter consent: override it, see
    docs/oscar.md)."""

    name = mapping.ExpressionField(
        Coalesce(
            NullIf(Trim(Concat(F("first_name"), Value(" "), F("last_name"))), Value("")),
            F("email"),
            output_field=CharField(),
        ),
        output=str,
    )
    subscribed = mapping.ExpressionField(Value(False), output=bool)
    created_at = mapping.TimestampField(source="date_joined")

    class Meta:
        model = User
        fields = ["id", "name", "email", "subscribed", "created_at"]

    @classmethod
    def get_queryset(cls, store: Any) -> QuerySet[Any, Any]:
        return User._default_manager.filter(is_active=True).exclude(email="")
