from django.apps import AppConfig


class UUIDShopConfig(AppConfig):
    name = "tests.uuidshop"
    label = "uuidshop"
    default_auto_field = "django.db.models.BigAutoField"
