"""The wipe guard: feed crawls it refused (and their release), and the size of the last
complete full sync of each store and entity."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_clerk", "0006_store_auth"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedcrawl",
            name="baseline",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="items of the last complete crawl"
            ),
        ),
        migrations.AddField(
            model_name="feedcrawl",
            name="refused",
            field=models.BooleanField(
                default=False,
                help_text="The feed held far fewer items than the last complete crawl: its first page was answered 503 so that Clerk.io does not delete the missing objects. Items: what the feed held when last refused.",
                verbose_name="refused by the wipe guard",
            ),
        ),
        migrations.AddField(
            model_name="feedcrawl",
            name="released_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the new size was accepted: the next crawl is served.",
                null=True,
                verbose_name="released at",
            ),
        ),
        migrations.CreateModel(
            name="FullSyncRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "entity",
                    models.CharField(
                        choices=[
                            ("products", "products"),
                            ("categories", "categories"),
                            ("orders", "orders"),
                            ("customers", "customers"),
                            ("pages", "pages"),
                        ],
                        max_length=20,
                        verbose_name="entity",
                    ),
                ),
                ("items", models.PositiveIntegerField(verbose_name="objects in the feed")),
                (
                    "finished_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="finished"
                    ),
                ),
                (
                    "store",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="full_sync_records",
                        to="django_clerk.store",
                        verbose_name="store",
                    ),
                ),
            ],
            options={
                "verbose_name": "Clerk full sync record",
                "verbose_name_plural": "Clerk full sync records",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("store", "entity"), name="django_clerk_full_sync_record_unique"
                    )
                ],
            },
        ),
    ]
