"""The shop's own e-mails: the order confirmation, with Clerk recommendations in it."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from django_clerk.consent import unsubscribe_url
from shop.models import Order

FROM_EMAIL = "shop@example.com"


def order_confirmation_email(order: Order) -> EmailMultiAlternatives:
    """The confirmation of ``order``: recommendations bought with its products (one Clerk
    call, at most ``CLERK["EMAIL_RECOMMENDATIONS_TIMEOUT"]`` seconds, left out on failure)."""
    lines = list(order.lines.select_related("product"))
    context = {
        "order": order,
        "lines": lines,
        "product_ids": [line.product_id for line in lines],
        "unsubscribe_url": unsubscribe_url(order.email),
    }
    html = render_to_string("shop/emails/order_confirmation.html", context)
    text = f"Thank you for your order #{order.pk}. Total: {order.total} kr."
    message = EmailMultiAlternatives(f"Your order #{order.pk}", text, FROM_EMAIL, [order.email])
    message.attach_alternative(html, "text/html")
    message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
