"""The shop's models, split by area: catalogue, sales and content."""

from shop.models.catalog import Brand, Category, Product, ProductVariant
from shop.models.content import Page
from shop.models.newsletter import NewsletterSubscriber
from shop.models.prices import GroupPrice, NegotiatedPrice
from shop.models.sales import Customer, Order, OrderLine

__all__ = [
    "Brand",
    "Category",
    "Customer",
    "GroupPrice",
    "NegotiatedPrice",
    "NewsletterSubscriber",
    "Order",
    "OrderLine",
    "Page",
    "Product",
    "ProductVariant",
]
