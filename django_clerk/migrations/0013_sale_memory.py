from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_clerk", "0012_feed_cursor_store_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pendingchange",
            name="state",
            field=models.CharField(
                choices=[("pending", "pending"), ("failed", "failed"), ("sent", "sent")],
                default="pending",
                max_length=10,
                verbose_name="state",
            ),
        ),
    ]
