"""The shop's models, split by area: catalogue, sales and content."""

from shop.models.catalog import Brand, Category, Product, ProductVariant
from shop.models.content import Page
from shop.models.newsletter import NewsletterSubscriber
from shop.models.sales import Customer, Order, OrderLine

__all__ = [
    "Brand",
    "Category",
    "Customer",
    "NewsletterSubscriber",
    "Order",
    "OrderLine",
    "Page",
    "Product",
    "ProductVariant",
]
