"""Oscar's categories as Clerk's categories: name, URL (Oscar's own, with the full slug),
parent, subcategories (the public children), image and description."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from oscar.core.loading import get_model

from django_clerk import mapping
from django_clerk.contrib.oscar.tree import tree_of

Category = get_model("catalogue", "Category")


class CategoryURLField(mapping.ClerkField):
    """The category page's absolute URL, ``/catalogue/category/books/fiction_7/``, with the
    full slug from the tree read once per render (Oscar's ``get_absolute_url`` reads the
    ancestors of each category)."""

    clean_output = True

    def __init__(self, *, view_name: str = "catalogue:category", **kwargs: Any) -> None:
        self.view_name = view_name
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> str:
        slug = tree_of(self).full_slug(instance.pk)
        return reverse(self.view_name, kwargs={"category_slug": slug, "pk": instance.pk})

    def to_representation(self, value: str) -> str:
        return self.absolute(value)


class ParentIdField(mapping.ClerkField):
    """The parent category's id (left out for a root)."""

    clean_output = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        parent = tree_of(self).parent(instance.pk)
        return parent.pk if parent is not None and parent.browsable else None

    def to_representation(self, value: Any) -> Any:
        return mapping.clerk_value(value)


class SubcategoriesField(mapping.ClerkField):
    """The ids of the public children."""

    clean_output = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> list[Any]:
        return tree_of(self).browsable_children(instance.pk)

    def to_representation(self, value: list[Any]) -> list[Any]:
        return [mapping.clerk_value(pk) for pk in value]


class CategorySerializer(mapping.CategorySerializer):
    """Oscar's public categories (``Category.objects.browsable()``)."""

    url = CategoryURLField()
    # DRF's Field.parent is the serializer a field is bound to; a declared field of that
    # name is taken off the class by DRF's metaclass.
    parent = ParentIdField()  # type: ignore[assignment]
    subcategories = SubcategoriesField()
    image = mapping.ImageURLField()

    class Meta:
        model = Category
        fields = ["id", "name", "url", "parent", "subcategories", "image", "description"]

    @classmethod
    def get_queryset(cls, store: Any) -> QuerySet[Any, Any]:
        categories: QuerySet[Any, Any] = Category.objects.browsable()
        return categories


class ProductCategoriesField(mapping.ClerkField):
    """A product's categories and their ancestors (public ones), as Oscar lists a product
    on the pages of its categories' ancestors too."""

    clean_output = True

    def __init__(self, *, with_ancestors: bool = True, **kwargs: Any) -> None:
        self.with_ancestors = with_ancestors
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> list[Any]:
        tree = tree_of(self)
        own = [category.pk for category in instance.categories.all()]
        if self.with_ancestors:
            return tree.with_ancestors(own)
        return [pk for pk in own if pk in tree.by_pk and tree.by_pk[pk].browsable]

    def to_representation(self, value: list[Any]) -> list[Any]:
        return [mapping.clerk_value(pk) for pk in value]
