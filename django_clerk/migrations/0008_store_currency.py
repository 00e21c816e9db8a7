"""Markets: the ISO 4217 currency of a store's prices."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_clerk", "0007_hidden_wipe_guard"),
    ]

    operations = [
        migrations.AddField(
            model_name="store",
            name="currency",
            field=models.CharField(
                blank=True,
                help_text="ISO 4217 code of the prices this store sends, e.g. EUR. Empty: CLERK['BASE_CURRENCY'], the currency the shop keeps its prices in.",
                max_length=3,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{3}$", "An ISO 4217 code such as DKK or EUR."
                    )
                ],
                verbose_name="currency",
            ),
        ),
    ]
