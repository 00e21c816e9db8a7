"""The store's key-based authentication toggle now governs private keys in the query string
and in the body alike: its label and help text say so (no schema change)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_clerk", "0005_object_ids"),
    ]

    operations = [
        migrations.AlterField(
            model_name="store",
            name="legacy_auth",
            field=models.BooleanField(
                default=False,
                help_text="Let Clerk's importer sign in with the public and private key sent in the request, in the query string (?key=...&private_key=...) or in a POST body, as older Clerk extensions do. Off: only the bearer token that Clerk issues to its importer (X-Clerk-Authorization) is accepted; the token is always accepted.",
                verbose_name="accept the private key in requests",
            ),
        ),
    ]
