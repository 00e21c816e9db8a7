"""Reading a page as Clerk.js does: its Clerk elements and the calls its scripts write."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.test import RequestFactory

from django_clerk.testing.validator.markup import attribute_value, read_markup


def test_calls_written_by_the_tags_are_read_back() -> None:
    html = (
        "<script>(function(w){w.__clerk_q=w.__clerk_q||[];})(window);\n"
        'Clerk("config", {"key": "pk", "globals": {"currency_symbol": "\\u003C/script\\u003E"}});'
        '\n  Clerk("cart", "set", [1, "b-2"]);\nClerk ( "context" , {"product": 7} ) ;</script>'
    )
    markup = read_markup(html)
    assert markup.loader
    assert [call.args for call in markup.calls] == [
        ["config", {"key": "pk", "globals": {"currency_symbol": "</script>"}}],
        ["cart", "set", [1, "b-2"]],
        ["context", {"product": 7}],
    ]
    assert [call.line for call in markup.calls] == [2, 3, 4]
    assert markup.config() == {"key": "pk", "globals": {"currency_symbol": "</script>"}}


def test_calls_computed_by_a_script_are_left_alone() -> None:
    markup = read_markup(
        "<script>Clerk('cart', 'set', ids); Clerk(\"cart\", \"set\", ids); x.Clerk(1);"
        'myClerk(2); Clerk();</script><p>Clerk("config", {})</p>'
    )
    assert [call.args for call in markup.calls] == [[]]
    assert not markup.loader and markup.config() is None


def test_elements_with_the_clerk_class() -> None:
    markup = read_markup(
        '<div class="clerk-placement">\n<span class="clerk clerk_1" data-template="@a" '
        "data-products='[1, &quot;x&quot;]'></span><span class=\"not-clerk\"></span>"
        '<br class="clerk" data-api="log/sale"/></div>'
    )
    first, second = markup.elements
    assert first.classes == ["clerk", "clerk_1"] and first.template == "@a"
    assert attribute_value(first.data("products") or "") == [1, "x"]
    assert first.describe() == '<span class="clerk clerk_1" data-template="@a"> (line 2)'
    assert second.api == "log/sale" and second.tag == "br"


def test_attribute_values_as_clerk_js_reads_them() -> None:
    assert attribute_value("42") == 42
    assert attribute_value("7f1c-uuid") == "7f1c-uuid"
    assert attribute_value("[1, 2") == "[1, 2"
    assert attribute_value("true") is True


def test_a_rendered_clerk_js_tag_is_read(db, make_store) -> None:  # type: ignore[no-untyped-def]
    make_store(code="default", public_key="pk-1")
    request = RequestFactory().get("/")
    html = Template("{% load clerk %}{% clerk_js %}{% clerk_cart products %}").render(
        Context({"request": request, "products": [3, 4]})
    )
    markup = read_markup(html)
    assert markup.loader and (markup.config() or {}).get("key") == "pk-1"
    assert markup.calls[-1].args == ["cart", "set", [3, 4]]


def test_json_arguments_followed_by_a_callback() -> None:
    markup = read_markup(
        '<script>Clerk("call", "log/sale", {"sale": 7}, function () { go(); });\n'
        'Clerk("call", "search/search", {"q": "a"}, (answer) => show(answer));\n'
        'Clerk("call", "log/sale", data, function () {}); Clerk("cart", "set", ids);'
        "Clerk(function () {});</script>"
    )
    assert [(call.args, call.callback) for call in markup.calls] == [
        (["call", "log/sale", {"sale": 7}], True),
        (["call", "search/search", {"q": "a"}], True),
    ]
    assert [call.endpoint for call in markup.calls] == ["log/sale", "search/search"]
    assert [call.sale_confirm_url for call in markup.calls] == ["", ""]  # no beacon named


def test_a_rendered_sale_call_names_its_beacon(db, make_store, settings) -> None:  # type: ignore[no-untyped-def]
    """``{% clerk_sales_tracking %}`` with sales from both sides: the call, its callback and
    the URL the callback beacons, read from the script's ``data-clerk-sale-confirm``."""
    from shop.models import Order

    settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "both"}}
    make_store(code="default", public_key="pk-1")
    order = Order.objects.create(email="a@example.com", status="paid")
    html = Template("{% load clerk %}{% clerk_sales_tracking order %}").render(
        Context({"request": RequestFactory().get("/"), "order": order})
    )
    (call,) = read_markup(html).calls
    assert call.endpoint == "log/sale" and call.callback
    assert call.args[2]["sale"] == order.pk
    (beaconed,) = re.findall(r'var url = "([^"]+)"', html)
    assert call.sale_confirm_url == beaconed and beaconed.startswith("/clerk/tracking/sale/?t=")
    settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "browser"}}
    html = Template("{% load clerk %}{% clerk_sales_tracking order %}").render(
        Context({"request": RequestFactory().get("/"), "order": order})
    )
    markup = read_markup(html)
    assert markup.calls == [] and markup.elements[0].api == "log/sale"
