"""Content: CMS pages and blog posts (Clerk's "pages" entity)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from shop.models.catalog import media_url


class PageQuerySet(models.QuerySet["Page"]):
    def published(self) -> PageQuerySet:
        return self.filter(is_published=True, published_at__lte=timezone.now())


class Page(models.Model):
    class Kind(models.TextChoices):
        CMS = "cms", "CMS page"
        BLOG = "blog", "Blog post"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CMS)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    body = models.TextField(blank=True)
    image = models.CharField(max_length=255, blank=True)
    is_published = models.BooleanField(default=True)
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        name = "shop:blog_post" if self.kind == self.Kind.BLOG else "shop:page"
        return reverse(name, kwargs={"slug": self.slug})

    @property
    def image_url(self) -> str:
        return media_url(self.image)

    @property
    def excerpt(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
