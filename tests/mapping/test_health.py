import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.othershop.clerk import SERIALIZERS
from tests.othershop.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def other_shop(settings):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": SERIALIZERS}


def article(ean: str, blurb: str | None) -> Article:
    return Article.objects.create(
        ean=ean,
        title=f"Chair {ean}",
        blurb=blurb,
        net_cost=Decimal("10"),
        first_listed=datetime.date(2024, 1, 1),
        on_hand=1,
    )


def test_healthy_data(store):
    article("1", "Fine")
    out = StringIO()
    call_command("clerk_check_data", "--entity", "products", stdout=out)
    assert "default/products: 1 objects, all valid" in out.getvalue()


def test_broken_objects_are_reported_by_field_and_fail_the_command(store):
    article("1", "Fine")
    article("2", None)
    article("3", None)
    out = StringIO()
    with pytest.raises(CommandError, match="2 objects break Clerk's data rules") as caught:
        call_command("clerk_check_data", "--entity", "products", stdout=out)
    assert caught.value.returncode == 1
    text = out.getvalue()
    assert "default/products: 2 of 3 objects break Clerk's rules; fields: description (2)" in text
    assert "products '2': field 'description' is mandatory but missing" in text


def test_unknown_store_code(store):
    with pytest.raises(CommandError, match="Unknown store code"):
        call_command("clerk_check_data", "--store", "nope")


def test_an_object_that_cannot_be_built_is_reported_and_the_rest_checked(store, monkeypatch):
    from tests.othershop.clerk import ArticleSerializer

    article("1", "Fine")
    article("2", "Fine")

    def explode(self, obj):
        if obj.pk == "2":
            raise RuntimeError("boom")
        return 1

    monkeypatch.setattr(ArticleSerializer, "get_headline_length", explode)
    out = StringIO()
    with pytest.raises(CommandError, match="1 objects break"):
        call_command("clerk_check_data", "--entity", "products", stdout=out)
    assert "products '2': field 'headline_length' cannot be rendered: RuntimeError: boom" in (
        out.getvalue()
    )
