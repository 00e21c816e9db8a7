"""Oscar's category tree read once per render: parents, ancestors, children and full slugs
from the materialised paths, so a page of categories or products costs one query for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oscar.core.loading import get_model


@dataclass(frozen=True)
class Node:
    pk: Any
    path: str
    slug: str
    browsable: bool


class CategoryTree:
    """Every category of the tree (one query), looked up by key or by path."""

    def __init__(self, model: Any = None) -> None:
        model = model or get_model("catalogue", "Category")
        self.steplen: int = model.steplen
        rows = model._default_manager.values_list(
            "pk", "path", "slug", "is_public", "ancestors_are_public"
        )
        self.by_pk: dict[Any, Node] = {}
        self.by_path: dict[str, Node] = {}
        self.children_of: dict[str, list[Node]] = {}
        for pk, path, slug, public, ancestors_public in rows.order_by("path"):
            node = Node(pk, path, slug, bool(public and ancestors_public))
            self.by_pk[pk] = node
            self.by_path[path] = node
        for node in self.by_path.values():
            parent = node.path[: -self.steplen]
            if parent:
                self.children_of.setdefault(parent, []).append(node)

    def parent(self, pk: Any) -> Node | None:
        node = self.by_pk.get(pk)
        if node is None or len(node.path) <= self.steplen:
            return None
        return self.by_path.get(node.path[: -self.steplen])

    def ancestors_and_self(self, pk: Any) -> list[Node]:
        """The root first, the category itself last (``[]`` for an unknown key)."""
        node = self.by_pk.get(pk)
        if node is None:
            return []
        step = self.steplen
        paths = [node.path[:end] for end in range(step, len(node.path) + 1, step)]
        return [self.by_path[path] for path in paths if path in self.by_path]

    def full_slug(self, pk: Any) -> str:
        """``books/fiction/crime``, as Oscar's ``Category.full_slug``."""
        return "/".join(node.slug for node in self.ancestors_and_self(pk))

    def browsable_children(self, pk: Any) -> list[Any]:
        node = self.by_pk.get(pk)
        children = self.children_of.get(node.path, []) if node is not None else []
        return [child.pk for child in children if child.browsable]

    def with_ancestors(self, pks: list[Any]) -> list[Any]:
        """The browsable categories of ``pks`` and their ancestors, each once, in order: a
        product listed in "Books > Fiction" is found on the "Books" page too, as Oscar's
        category view shows it."""
        found: dict[Any, None] = {}
        for pk in pks:
            for node in self.ancestors_and_self(pk):
                if node.browsable:
                    found[node.pk] = None
        return list(found)


def tree_of(field: Any) -> CategoryTree:
    """The tree of the render ``field`` takes part in (its serializer is made per render)."""
    serializer = field.parent if field.parent is not None else field
    tree: CategoryTree | None = serializer.__dict__.get("_clerk_category_tree")
    if tree is None:
        tree = serializer.__dict__["_clerk_category_tree"] = CategoryTree()
    return tree
