"""``manage.py clerk_forget EMAIL...``: the right to be forgotten, in Clerk and the outbox."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_clerk.models import Store
from django_clerk.privacy import forget_customer


class Command(BaseCommand):
    help = (
        "Ask Clerk (privacy/forget, every active store with a private key, or --store) to "
        "forget each e-mail address, purge the person's pending changes, and keep an audit "
        "row holding a hash of the address. Exits with status 1 when a store failed "
        "(running it again is safe)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("emails", nargs="+", metavar="EMAIL")
        parser.add_argument("--store", action="append", help="store code (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        stores = None
        if options["store"]:
            stores = list(Store.objects.filter(code__in=options["store"]))
            missing = set(options["store"]) - {store.code for store in stores}
            if missing:
                raise CommandError(f"Unknown store code(s): {', '.join(sorted(missing))}")
        failures = 0
        for number, email in enumerate(options["emails"], 1):
            if "@" not in email:
                raise CommandError(f"Argument {number} is not an e-mail address.")
            result = forget_customer(email, stores=stores)
            record = result.record
            reference = record.email_hash[:12] if record is not None else "?"
            self.stdout.write(
                f"{reference}: forgotten in {', '.join(result.forgotten) or 'no store'}; "
                f"{result.purged} pending changes purged"
            )
            for code, error in result.failed.items():
                failures += 1
                self.stdout.write(self.style.ERROR(f"{reference}: store {code} failed: {error}"))
        if failures:
            raise CommandError(
                f"{failures} store(s) could not forget now; those Clerk could not be reached "
                "are asked again by the delivery until Clerk confirms.",
                returncode=1,
            )
