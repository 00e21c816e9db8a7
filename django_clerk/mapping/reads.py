"""What a field reads, declared: the ``values()`` columns, the many relations (with the
columns of their related rows) and the annotations it needs, and how it builds its attribute
from a row.

A row is a dict: the columns and annotations of one object (``"pk"``, ``"brand__name"``...),
plus, for each declared many relation, the list of its related rows under
:attr:`ManyRead.key` (single values when one column is read, else tuples). Relations are read
with one query per relation per page (:func:`fetch_many`), or, for a page on PostgreSQL or
SQLite, in the page's own statement (:mod:`~django_clerk.mapping.page_reads`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FullResultSet
from django.db.models import Field as ModelField
from django.db.models import ForeignObjectRel, ManyToManyField, Model, QuerySet
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.manager import BaseManager
from django.db.models.query_utils import DeferredAttribute
from rest_framework import fields as drf_fields
from rest_framework import relations

from django_clerk.mapping.compiled import CompiledQuery, compiled_queries

Row = dict[str, Any]
PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)
RowReader = Callable[[Row], Any]


@dataclass(frozen=True)
class ManyRead:
    """A many relation of the model (many-to-many, reverse foreign key) and the columns of
    its related rows a field reads, in the relation's default order."""

    name: str
    columns: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.name}:{','.join(self.columns)}"


@dataclass
class Reads:
    """How a field builds its attribute from a row: ``read(row)`` after the rows hold
    ``columns``, ``many`` and ``annotations``."""

    read: RowReader
    columns: list[str] = field(default_factory=list)
    many: list[ManyRead] = field(default_factory=list)
    annotations: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadContext:
    """What the reads of a field depend on: the model, and the language rows are read for."""

    model: type[Model]
    language: str


def model_field(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def plain_column(
    model: type[Model], name: str, *, files: bool = False
) -> ModelField[Any, Any] | None:
    """The concrete field ``name`` (or attname) of ``model`` whose attribute is a plain
    column value (no descriptor of its own: not a relation object, nor a file unless
    ``files``, whose column is the file's name)."""
    for candidate in model._meta.concrete_fields:
        if name == candidate.attname or (name == candidate.name and not candidate.is_relation):
            descriptor = getattr(model, candidate.attname, None)
            if candidate.primary_key or type(descriptor) in PLAIN_DESCRIPTORS:
                return candidate
            if files and isinstance(descriptor, FileDescriptor):
                return candidate
    return None


def pk_column(model: type[Model], name: str, *, files: bool = False) -> str | None:
    """The column ``name`` reads (``"pk"`` is the primary key's), or ``None``."""
    if name == "pk":
        return model._meta.pk.attname
    column = plain_column(model, name, files=files)
    return column.attname if column is not None else None


def column_path(
    model: type[Model], attrs: Sequence[str], *, files: bool = False
) -> tuple[str, list[str]] | None:
    """``("brand__name", ["brand_id"])`` for ``["brand", "name"]``: a plain column reached
    through forward foreign keys, with the key columns that may break the path."""
    links: list[str] = []
    current = model
    for index, attr in enumerate(attrs):
        if index == len(attrs) - 1:
            column = pk_column(current, attr, files=files)
            if column is None:
                return None
            return "__".join([*attrs[:-1], column]), links
        relation = model_field(current, attr)
        if (
            relation is None
            or relation.auto_created
            or not (relation.many_to_one or relation.one_to_one)
        ):
            return None
        links.append("__".join([*attrs[:index], relation.attname]))
        current = relation.related_model
    return None


def null_link(attrs: Sequence[str], depth: int) -> Any:
    """An object whose ``attrs[: depth + 1]`` path ends in ``None`` (a missing link)."""
    value: Any = None
    for attr in reversed(attrs[: depth + 1]):
        value = SimpleNamespace(**{attr: value})
    return value


def read_column_path(
    field: drf_fields.Field[Any, Any, Any, Any], model: type[Model], attrs: Sequence[str]
) -> Reads | None:
    """Reads of a value at ``attrs`` (a column, or one across foreign keys). A missing link
    (a product without a brand) goes through the field's own ``get_attribute`` rules (its
    default, ``allow_null``, or leaving the value out)."""
    path = column_path(model, attrs)
    if path is None:
        return None
    column, links = path
    if not links:
        return Reads(itemgetter(column), [column])

    def read(row: Row) -> Any:
        for depth, link in enumerate(links):
            if row[link] is None:
                try:
                    return field.get_attribute(null_link(attrs, depth))
                except AttributeError:
                    return None
        return row[column]

    return Reads(read, [column, *links])


def value_reader(model: type[Model], path: str) -> tuple[list[str], RowReader] | None:
    """The columns and reader of a dotted ``path`` (``"brand.tax_rate"``) that gives
    ``None`` on a missing link, as following the path on an instance does."""
    attrs = path.split(".")
    found = column_path(model, attrs)
    if found is None:
        return None
    column, links = found
    if not links:
        return [column], itemgetter(column)

    def read(row: Row) -> Any:
        for link in links:
            if row[link] is None:
                return None
        return row[column]

    return [column, *links], read


def many_relation(model: type[Model], name: str) -> Any:
    """The many relation ``name`` of ``model`` (many-to-many or reverse foreign key) when its
    related rows point to ``model``'s primary key (they are read by the page's keys); a
    foreign key with a ``to_field`` of its own is followed on instances."""
    relation = model_field(model, name)
    if relation is None or not (relation.many_to_many or relation.one_to_many):
        return None
    return relation if links_by_key(relation) else None


def links_by_key(relation: Any) -> bool:
    """Whether the related rows of the many ``relation`` point to its model's primary key."""
    link = many_link(relation)
    return link is not None and bool(link.target_field.primary_key)


def many_link(relation: Any) -> Any:
    """The foreign key that points the related rows of the many ``relation`` to its model:
    the related model's, or the through table's; ``None`` for another kind (a generic
    relation)."""
    if isinstance(relation, ManyToManyField):  # forward: the through table's link to us
        through: Any = relation.remote_field.through
        return through._meta.get_field(relation.m2m_field_name())
    if isinstance(relation, ForeignObjectRel) and relation.many_to_many:  # reverse
        field: Any = relation.field  # the other side's link to us
        return field.remote_field.through._meta.get_field(field.m2m_reverse_field_name())
    if isinstance(relation, ForeignObjectRel):  # reverse foreign key
        return relation.field
    return None


def read_many(model: type[Model], name: str, attrs: Sequence[str]) -> ManyRead | None:
    """A :class:`ManyRead` of the columns ``attrs`` of the related rows of ``name``."""
    relation = many_relation(model, name)
    if relation is None:
        return None
    columns = [pk_column(relation.related_model, attr) for attr in attrs]
    if None in columns:
        return None
    return ManyRead(name, tuple(c for c in columns if c is not None))


def drf_reads(field: drf_fields.Field[Any, Any, Any, Any], model: type[Model]) -> Reads | None:
    """Reads of DRF's own fields, from their ``source``: a column (across foreign keys), a
    foreign key's id (``PrimaryKeyRelatedField``), or the ids of a many relation
    (``ManyRelatedField`` of primary keys). ``None``: the field needs model instances."""
    attrs = list(getattr(field, "source_attrs", None) or [])
    if not attrs:
        return None  # source="*": the whole object
    if type(field) is relations.ManyRelatedField:
        child = field.child_relation
        if type(child) is not relations.PrimaryKeyRelatedField or child.pk_field is not None:
            return None
        many = read_many(model, attrs[0], ["pk"]) if len(attrs) == 1 else None
        if many is None:
            return None
        key = many.key
        return Reads(lambda row: [relations.PKOnlyObject(pk) for pk in row[key]], many=[many])
    if type(field) is relations.PrimaryKeyRelatedField:
        target = model_field(model, attrs[0]) if len(attrs) == 1 else None
        if target is None or target.auto_created or not (target.many_to_one or target.one_to_one):
            return None
        column = target.attname
        return Reads(lambda row: relations.PKOnlyObject(row[column]), [column])
    if type(field).get_attribute is not drf_fields.Field.get_attribute:
        return None  # the field reads in a way of its own
    if isinstance(field, (relations.RelatedField, relations.ManyRelatedField)):
        return None
    return read_column_path(field, model, attrs)


def relation_join(model: type[Model], many: ManyRead) -> tuple[type[Model], str]:
    """The related model of ``many``, and the lookup on it of the key of the object a
    related row belongs to."""
    relation = model._meta.get_field(many.name)
    related = relation.related_model
    if isinstance(relation, ManyToManyField):  # forward many-to-many
        join = relation.related_query_name()
    elif isinstance(relation, ForeignObjectRel) and relation.many_to_many:  # reverse
        join = relation.field.name
    elif isinstance(relation, ForeignObjectRel):  # reverse foreign key
        join = relation.field.attname
    else:
        raise TypeError(f"{model.__name__}.{many.name} is not a many relation")
    if not isinstance(related, type):
        raise TypeError(f"{model.__name__}.{many.name} has no related model")
    return related, join


def related_rows(
    model: type[Model], many: ManyRead, using: str, lookups: dict[str, Any]
) -> QuerySet[Any, Any]:
    """``values_list(join, *columns)`` of ``many``'s related rows, from the related model's
    default manager, whose link to ``model`` matches ``lookups`` (``{"in": keys}``,
    ``{"gte": low, "lte": high}``): the read of a page's related rows, however it is run."""
    related, join = relation_join(model, many)
    links = {f"{join}__{lookup}": value for lookup, value in lookups.items()}
    queryset = related._default_manager.db_manager(using).all().filter(**links)
    return queryset.values_list(join, *many.columns)


def fixed_manager(model: type[Model], many: ManyRead) -> bool:
    """Whether ``many``'s related rows come from a default manager without a
    ``get_queryset()`` of its own (one may filter by time, a tenant...): then nothing but the
    page's keys changes what a read of them gives, and the read can be built once."""
    manager = relation_join(model, many)[0]._default_manager
    return type(manager).get_queryset is BaseManager.get_queryset


def group_related(rows: Iterable[Sequence[Any]], single: bool) -> dict[Any, list[Any]]:
    """``{key: [related row...]}`` of rows ``(key, *columns)``, in their order: a related
    row is a value when one column is read (``single``), else a tuple."""
    found: dict[Any, list[Any]] = defaultdict(list)
    if single:
        for key, value in rows:
            found[key].append(value)
    else:
        for row in rows:
            found[row[0]].append(tuple(row[1:]))
    return found


def fetch_many(
    model: type[Model], many: ManyRead, pks: list[Any], using: str
) -> dict[Any, list[Any]]:
    """``{pk: [related row...]}`` for the page's ``pks``, one query, in the relation's
    order (see :func:`group_related`)."""
    if not pks:
        return {}
    ints = isinstance(pks[0], int)
    low, high = (min(pks), max(pks)) if ints else (None, None)
    # A dense run of ids is cheaper to the database as a range than as 1000 parameters;
    # rows of ids outside the page are never looked up.
    dense = isinstance(low, int) and isinstance(high, int) and high - low < 2 * len(pks)
    compiled = compiled_range(model, many, using) if dense else None
    rows: Iterable[Sequence[Any]]
    if compiled is not None:
        rows = compiled.rows([low, high])
    else:
        lookups = {"gte": low, "lte": high} if dense else {"in": pks}
        rows = related_rows(model, many, using, lookups)
    return group_related(rows, len(many.columns) == 1)


#: Stand for the lowest and the highest key of a page while a relation's read is compiled
#: (within the range of every integer key type, which Django checks).
RANGE_MARKS = (-32011, -32007)


def compiled_range(model: type[Model], many: ManyRead, using: str) -> CompiledQuery | None:
    """The read of ``many``'s rows for a range of keys, compiled once (see
    :mod:`django_clerk.mapping.compiled`); ``None`` when it is built on each page: the related
    model's default manager has a ``get_queryset()`` of its own (it may filter by time, a
    tenant...), or its query holds values of its own."""
    key = ("django_clerk.mapping.reads", model, many, using)
    queries = compiled_queries()
    if key in queries:
        return queries[key]
    query: CompiledQuery | None = None
    if fixed_manager(model, many):
        low, high = RANGE_MARKS
        rows = related_rows(model, many, using, {"gte": low, "lte": high})
        try:
            query = CompiledQuery(rows, RANGE_MARKS)
        except (ValueError, EmptyResultSet, FullResultSet):  # a mark outside the key's type
            query = None
        if query is not None and query.own_values:
            query = None
    queries[key] = query
    return query
