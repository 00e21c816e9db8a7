from django.apps import AppConfig


class OtherShopConfig(AppConfig):
    name = "tests.othershop"
    label = "othershop"
    default_auto_field = "django.db.models.AutoField"
