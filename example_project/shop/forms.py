from __future__ import annotations

from typing import Any

from django import forms

from shop.cart import MAX_QUANTITY
from shop.models import Product, ProductVariant


class AddToCartForm(forms.Form):
    """Quantity, plus a variant when the product has any (then it is required)."""

    variant = forms.ModelChoiceField(
        queryset=ProductVariant.objects.none(), required=False, empty_label=None
    )
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, initial=1)

    def __init__(self, product: Product, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.product = product
        variants = product.variants.filter(stock__gt=0)
        if product.variants.exists():
            self.fields["variant"].queryset = variants
            self.fields["variant"].required = True
            self.fields["variant"].label_from_instance = lambda v: f"{v.name} - {v.price}"
        else:
            del self.fields["variant"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.product.in_stock:
            raise forms.ValidationError("Sorry, this product is out of stock.")
        item = cleaned.get("variant") or self.product
        quantity = cleaned.get("quantity")
        if quantity and quantity > item.stock:
            raise forms.ValidationError(f"Only {item.stock} left in stock.")
        return cleaned


class CheckoutForm(forms.Form):
    email = forms.EmailField()
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    zip_code = forms.CharField(max_length=20, label="Zip code")
    subscribed = forms.BooleanField(required=False, label="Subscribe to our newsletter")
