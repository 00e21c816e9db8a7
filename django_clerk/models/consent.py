"""What the consent features keep: used unsubscribe links and the audit of forgotten people.

Neither table holds an e-mail address: a link is kept as the SHA-256 of its token, a person
as a keyed hash of their e-mail (:func:`email_hash`, keyed with ``SECRET_KEY``), enough to
answer "was this person forgotten, and when?" for someone who knows the address.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

EMAIL_HASH_SALT = "django_clerk.privacy.email"


def normalize_email(email: str) -> str:
    """``email`` as the app compares it everywhere: trimmed and lower-cased (as the database's
    case-insensitive ``iexact`` matches it)."""
    return (email or "").strip().lower()


def email_hash(email: str) -> str:
    """A keyed hash of ``email`` (normalised): 64 hex characters."""
    return salted_hmac(EMAIL_HASH_SALT, normalize_email(email), algorithm="sha256").hexdigest()


class UsedUnsubscribeLink(models.Model):
    """An unsubscribe link that was used: the same link is refused from then on."""

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("used"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("used unsubscribe link")
        verbose_name_plural = _("used unsubscribe links")

    def __str__(self) -> str:
        return f"{self.token_hash[:12]}… used {self.used_at:%Y-%m-%d %H:%M}"


class ForgottenCustomer(models.Model):
    """The audit of a right-to-be-forgotten request: who (as a hash), when, where."""

    email_hash = models.CharField(_("e-mail hash"), max_length=64, db_index=True)
    forgotten_at = models.DateTimeField(_("forgotten"), default=timezone.now)
    stores = models.TextField(_("stores Clerk confirmed"), blank=True)
    failed_stores = models.TextField(_("stores that failed"), blank=True)
    purged_changes = models.PositiveIntegerField(_("pending changes purged"), default=0)

    class Meta:
        verbose_name = _("forgotten customer")
        verbose_name_plural = _("forgotten customers")
        ordering = ["-forgotten_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}… forgotten {self.forgotten_at:%Y-%m-%d %H:%M}"
