"""The newsletter sign-up and the tracking-consent page (views of their own)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from django_clerk import consent
from shop.consent import CONSENT_COOKIE, tracking_allowed
from shop.models import NewsletterSubscriber

CONSENT_MAX_AGE = 180 * 24 * 3600


class NewsletterForm(forms.Form):
    email = forms.EmailField(label="Your e-mail")


def newsletter(request: HttpRequest) -> HttpResponse:
    """Sign up: every row holding the address is subscribed (a customer's too); an address
    the shop does not know yet becomes a newsletter-only subscriber."""
    form = NewsletterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        with transaction.atomic():
            if not consent.subscribe(email):
                NewsletterSubscriber.objects.create(email=email.strip().lower())
        messages.success(request, "Thank you: you are subscribed to our newsletter.")
        return redirect("shop:newsletter")
    status = 400 if request.method == "POST" else 200
    return render(request, "shop/newsletter.html", {"form": form}, status=status)


def tracking(request: HttpRequest) -> HttpResponse:
    """Accept or decline tracking (the cookie ``CLERK["TRACKING_CONSENT"]`` reads)."""
    if request.method == "POST":
        response = redirect("shop:tracking")
        if request.POST.get("choice") == "accept":
            response.set_cookie(CONSENT_COOKIE, "yes", max_age=CONSENT_MAX_AGE, samesite="Lax")
        else:
            response.delete_cookie(CONSENT_COOKIE)
        return response
    return render(request, "shop/tracking.html", {"allowed": tracking_allowed(request)})
