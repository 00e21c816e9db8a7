"""Facet choices in the URL, Clerk's filter string, and Clerk's facets answer as groups."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from django.http import QueryDict

from django_clerk.search import facets

# Clerk's documented answer (docs.clerk.io/docs/facets), shortened
ANSWER = {
    "price": [
        {"count": 7, "max": 74.99, "type": "range", "name": "50 - 74", "min": 50.0},
        {"count": 2, "max": 180, "type": "range", "name": "150 <", "min": 149.99},
    ],
    "categories": [
        {"count": 14, "type": "unit", "name": "Deathstars", "value": 3517},
        {"count": 1, "type": "unit", "name": "On Sale", "value": 3791},
    ],
    "brand": [{"count": 14, "type": "unit", "name": "Empire (TM)", "value": "Empire (TM)"}],
}


def test_selection_keeps_allowed_attributes_and_well_formed_values():
    params = QueryDict(
        "q=x&f_brand=A&f_brand=B&f_brand=A&f_price=1..2&f_price=1..x&f_nope=1&f_brand="
    )
    assert facets.selection_from(params, ["brand", "price"]) == {
        "brand": ["A", "B"],
        "price": ["1..2"],
    }


@pytest.mark.parametrize(
    "query",
    ["f_nope=1", "f_price=1..x", "f_brand=", "f_brand=%01", "f_brand=" + "x" * 201],
)
def test_strict_selection_refuses_what_it_cannot_use(query):
    with pytest.raises(facets.FacetError):
        facets.selection_from(QueryDict(query), ["brand", "price"], strict=True)


def test_too_many_choices_are_refused():
    query = "&".join(f"f_brand={n}" for n in range(facets.MAX_CHOICES + 1))
    with pytest.raises(facets.FacetError):
        facets.selection_from(QueryDict(query), ["brand"])


def test_filter_string_quotes_text_and_keeps_numbers():
    selection = {"brand": ["It's", "a\\b"], "categories": ["12", "-3.5"], "price": ["0..9.5"]}
    assert facets.filter_string(selection, base="stock > 0") == (
        '(stock > 0) and brand in ["It\'s", "a\\\\b"] and categories in [12, -3.5]'
        " and (price >= 0 and price <= 9.5)"
    )
    assert facets.filter_string({"price": ["1..2", "5..6"], "x": []}) == (
        "((price >= 1 and price <= 2) or (price >= 5 and price <= 6))"
    )
    assert facets.filter_string({}) == ""


def test_groups_follow_the_attributes_with_titles_counts_and_toggle_urls():
    params = QueryDict("q=boot&page=3&f_categories=3517&f_brand=Empire (TM)")
    selection = facets.selection_from(params, ["price", "categories", "brand"])
    groups = facets.facet_groups(
        ANSWER,
        selection,
        params,
        attributes=["brand", "categories", "price", "colour"],
        titles={"brand": "Brand"},
        multiselect=["categories"],
    )
    assert [g.attribute for g in groups] == ["brand", "categories", "price"]
    brand, categories, price = groups
    assert (brand.title, categories.title) == ("Brand", "Categories")
    assert [c.value for c in price.choices] == ["50..74.99", "149.99..180"]
    assert [c.count for c in categories.choices] == [14, 1]
    deathstars, on_sale = categories.choices
    assert deathstars.selected and not on_sale.selected
    assert categories.selected == [deathstars]
    # multiselect: choosing adds; deselecting removes; the page number is dropped
    assert parse_qs(on_sale.url[1:]) == {
        "q": ["boot"],
        "f_categories": ["3517", "3791"],
        "f_brand": ["Empire (TM)"],
    }
    assert parse_qs(deathstars.url[1:]) == {"q": ["boot"], "f_brand": ["Empire (TM)"]}
    # single select: choosing replaces
    cheap = price.choices[0]
    assert parse_qs(cheap.url[1:])["f_price"] == ["50..74.99"]


def test_groups_skip_malformed_answers():
    groups = facets.facet_groups(
        {"brand": "oops", "price": [1, {"name": "x", "value": "x", "count": True}]},
        {},
        QueryDict(""),
        attributes=["brand", "price"],
    )
    assert [(g.attribute, [(c.value, c.count) for c in g.choices]) for g in groups] == [
        ("price", [("x", None)])
    ]
