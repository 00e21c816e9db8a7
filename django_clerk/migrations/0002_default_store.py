"""Create the store called "default", whose keys CLERK["PUBLIC_KEY"]/["PRIVATE_KEY"] give."""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def create_default_store(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Store = apps.get_model("django_clerk", "Store")
    Store.objects.using(schema_editor.connection.alias).get_or_create(
        code="default",
        defaults={"name": "Default store", "language": settings.LANGUAGE_CODE},
    )


class Migration(migrations.Migration):
    dependencies = [("django_clerk", "0001_initial")]
    operations = [migrations.RunPython(create_default_store, migrations.RunPython.noop)]
