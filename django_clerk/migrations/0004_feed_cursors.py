import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_clerk", "0003_feeds_sync_storefront"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedCursor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scope", models.CharField(max_length=64, unique=True, verbose_name="scope")),
                ("entity", models.CharField(max_length=20, verbose_name="entity")),
                ("offset", models.PositiveBigIntegerField(verbose_name="next offset")),
                ("after", models.TextField(blank=True, null=True, verbose_name="last key")),
                (
                    "previous_offset",
                    models.PositiveBigIntegerField(verbose_name="offset of the last page"),
                ),
                (
                    "previous_after",
                    models.TextField(
                        blank=True, null=True, verbose_name="key before the last page"
                    ),
                ),
                ("pages", models.PositiveIntegerField(default=0, verbose_name="pages")),
                ("items", models.PositiveIntegerField(default=0, verbose_name="items")),
                ("duration", models.FloatField(default=0.0, verbose_name="duration (s)")),
                (
                    "finished",
                    models.BooleanField(
                        default=False,
                        help_text="A short page was served: the crawl is over.",
                        verbose_name="finished",
                    ),
                ),
                ("updated_at", models.DateTimeField(db_index=True, verbose_name="last page at")),
                (
                    "crawl",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="cursors",
                        to="django_clerk.feedcrawl",
                        verbose_name="crawl",
                    ),
                ),
                (
                    "store",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feed_cursors",
                        to="django_clerk.store",
                        verbose_name="store",
                    ),
                ),
            ],
            options={
                "verbose_name": "feed cursor",
                "verbose_name_plural": "feed cursors",
            },
        ),
    ]
