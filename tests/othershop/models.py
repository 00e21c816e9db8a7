"""A shop that looks nothing like the example: string ids, other names, no variants."""

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Section(models.Model):
    code = models.CharField(primary_key=True, max_length=20)
    title = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="kids"
    )

    def get_absolute_url(self) -> str:
        return f"/sections/{self.code}/"


class Maker(models.Model):
    label = models.CharField(max_length=100)
    country = models.ForeignKey("Country", null=True, on_delete=models.SET_NULL)
    slug = models.SlugField(unique=True, null=True, blank=True)


class Tag(models.Model):
    """Tags on any object (a generic relation)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=40)
    tagged = GenericForeignKey("content_type", "object_id")
    text = models.CharField(max_length=40)


class DistinctManager(models.Manager["MakerAlias"]):
    def get_queryset(self) -> models.QuerySet["MakerAlias"]:
        return super().get_queryset().distinct()


class MakerAlias(models.Model):
    """Names a maker also goes by, from a manager that never repeats a row."""

    maker = models.ForeignKey(Maker, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)
    rank = models.PositiveIntegerField(default=0)
    objects = DistinctManager()

    class Meta:
        ordering = ["rank"]


class MakerNote(models.Model):
    """Notes linked by the maker's slug, not its key (``to_field``)."""

    maker = models.ForeignKey(
        Maker, to_field="slug", on_delete=models.CASCADE, related_name="notes"
    )
    text = models.CharField(max_length=100)


class Country(models.Model):
    iso = models.CharField(max_length=2)


class Article(models.Model):
    ean = models.CharField(primary_key=True, max_length=13)
    tags = GenericRelation(Tag)
    title = models.CharField(max_length=200)
    blurb = models.TextField(null=True, blank=True)
    net_cost = models.DecimalField(max_digits=10, decimal_places=2)
    photo = models.FileField(upload_to="photos/", blank=True)
    first_listed = models.DateField()
    changed = models.DateTimeField(auto_now=True)
    sections = models.ManyToManyField(Section, related_name="articles")
    maker = models.ForeignKey(Maker, null=True, on_delete=models.SET_NULL)
    hidden = models.BooleanField(default=False)
    on_hand = models.PositiveIntegerField(default=0)

    def permalink(self) -> str:
        return f"/a/{self.ean}"


class Member(models.Model):
    handle = models.CharField(primary_key=True, max_length=30)
    display_name = models.CharField(max_length=100)
    mail = models.EmailField()
    newsletter = models.BooleanField(default=False)


class Purchase(models.Model):
    ref = models.CharField(primary_key=True, max_length=20)
    member = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL)
    placed = models.DateTimeField()


class PurchaseItem(models.Model):
    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    qty = models.PositiveIntegerField()
    each = models.DecimalField(max_digits=10, decimal_places=2)
    weight = models.FloatField(null=True, blank=True)
    exact_total = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)


class Story(models.Model):
    slug = models.SlugField(primary_key=True)
    headline = models.CharField(max_length=200)
    content = models.TextField()
