"""Outbox object ids and full-sync resume points hold primary keys of up to 255 characters
(long string keys, UUIDs and anything else a shop uses)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_clerk", "0004_feed_cursors"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pendingchange",
            name="object_id",
            field=models.CharField(max_length=255, verbose_name="object id"),
        ),
        migrations.AlterField(
            model_name="synccheckpoint",
            name="last_pk",
            field=models.CharField(max_length=255, verbose_name="last primary key sent"),
        ),
    ]
