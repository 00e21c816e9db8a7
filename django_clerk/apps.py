from django.apps import AppConfig, apps
from django.core.signals import request_started
from django.db.models.signals import post_migrate
from django.test.signals import setting_changed
from django.utils.translation import gettext_lazy as _


class DjangoClerkConfig(AppConfig):
    name = "django_clerk"
    label = "django_clerk"
    verbose_name = _("Clerk.io")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_clerk import (
            checks,  # noqa: F401  (registers the system checks)
            stores,  # noqa: F401  (clears the cached stores on save)
        )
        from django_clerk.consent import checks as consent_checks  # noqa: F401
        from django_clerk.mapping.compiled import forget_compiled_queries
        from django_clerk.sync import checks as sync_checks  # noqa: F401
        from django_clerk.sync import dispatch, signals
        from django_clerk.tracking import checks as tracking_checks  # noqa: F401
        from django_clerk.tracking import returns

        signals.connect()  # real-time sync receivers, for the mapped models only
        returns.connect()  # log/returned receivers, for CLERK["RETURN_MODELS"] only
        if apps.is_installed("django.contrib.auth"):
            from django_clerk.privacy import connect_user_deletion

            connect_user_deletion()  # acts only with CLERK["FORGET_ON_USER_DELETE"]
        # Compiled feed queries are compiled again after the schema or the databases changed.
        post_migrate.connect(forget_compiled_queries, dispatch_uid="django_clerk.compiled")
        setting_changed.connect(forget_compiled_queries, dispatch_uid="django_clerk.compiled")
        request_started.connect(
            dispatch.wake_on_first_request, dispatch_uid="django_clerk.sync.wake_on_first_request"
        )
