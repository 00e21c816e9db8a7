from django.apps import AppConfig


class WagtailShopConfig(AppConfig):
    name = "tests.wagtailshop"
    label = "wagtailshop"
    default_auto_field = "django.db.models.BigAutoField"
