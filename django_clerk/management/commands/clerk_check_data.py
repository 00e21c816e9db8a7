"""``manage.py clerk_check_data``: what each store would send Clerk, checked against its rules."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_clerk import ENTITIES
from django_clerk.mapping.health import check_entity
from django_clerk.models import Store


class Command(BaseCommand):
    help = (
        "Serialize every object each active store would send to Clerk and report the ones "
        "that break Clerk's data rules (missing mandatory fields, wrong types). Exits with "
        "status 1 when any does."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", action="append", help="store code (repeatable)")
        parser.add_argument("--entity", action="append", choices=ENTITIES)
        parser.add_argument("--examples", type=int, default=10, help="problems shown per feed")

    def handle(self, *args: Any, **options: Any) -> None:
        stores = Store.objects.active()
        if options["store"]:
            stores = Store.objects.filter(code__in=options["store"])
            missing = set(options["store"]) - set(stores.values_list("code", flat=True))
            if missing:
                raise CommandError(f"Unknown store code(s): {', '.join(sorted(missing))}")
        broken = 0
        for store in stores:
            for entity in options["entity"] or ENTITIES:
                report = check_entity(store, entity, examples=options["examples"])
                if report is None:
                    continue
                label = f"{store.code}/{entity}"
                if report.healthy:
                    self.stdout.write(f"{label}: {report.checked} objects, all valid")
                    continue
                broken += report.broken
                fields = ", ".join(f"{name} ({n})" for name, n in report.by_field.most_common())
                self.stdout.write(
                    self.style.ERROR(
                        f"{label}: {report.broken} of {report.checked} objects break Clerk's "
                        f"rules; fields: {fields}"
                    )
                )
                for problem in report.examples:
                    self.stdout.write(f"  {problem}")
        if broken:
            raise CommandError(f"{broken} objects break Clerk's data rules.", returncode=1)
