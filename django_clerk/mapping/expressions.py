"""A value the database computes, as a field: the same annotation read by both sources."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q

from django_clerk.mapping.fields import ClerkField
from django_clerk.mapping.reads import ReadContext, Reads
from django_clerk.mapping.values import clerk_value


class ExpressionField(ClerkField):
    """A value the database computes, read from an annotation by both sources::

        in_stock = mapping.ExpressionField(Q(stock__gt=0), output=bool)
        price = mapping.ExpressionField(F("price_cents") / 100.0, output=float)

    ``output`` (``bool``, ``int``, ``float`` or ``str``) converts the value; without it the
    value follows Clerk's value rules. A ``Q`` condition is a boolean expression.
    """

    def __init__(self, expression: Any, *, output: type | None = None, **kwargs: Any) -> None:
        if isinstance(expression, Q):
            expression = ExpressionWrapper(expression, output_field=BooleanField())
        self.expression = expression
        self.output = output
        super().__init__(**kwargs)

    @property
    def annotation(self) -> str:
        return f"clerk_{self.field_name}"

    def annotations(self) -> dict[str, Any]:
        return {self.annotation: self.expression}

    def get_attribute(self, instance: Any) -> Any:
        return getattr(instance, self.annotation)

    def reads(self, context: ReadContext) -> Reads | None:
        return Reads(itemgetter(self.annotation), annotations=self.annotations())

    def unchanged_classes(self) -> frozenset[type]:
        """A value of the ``output`` class is rendered as it is (``bool(True)`` is ``True``)."""
        if type(self).to_representation is not ExpressionField.to_representation:
            return frozenset()
        return frozenset((self.output,)) if self.output in (bool, int, float, str) else frozenset()

    def to_representation(self, value: Any) -> Any:
        return clerk_value(value) if self.output is None else self.output(value)
