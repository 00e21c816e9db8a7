from django.apps import AppConfig


class MarketShopConfig(AppConfig):
    name = "tests.marketshop"
    label = "marketshop"
    default_auto_field = "django.db.models.BigAutoField"
