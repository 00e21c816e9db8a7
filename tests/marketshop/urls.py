"""URLs of the market shop: its pages and Clerk's feeds."""

from django.urls import include, path

from tests.marketshop import views

urlpatterns = [
    path("p/<slug:slug>/", views.product_page, name="marketshop-product"),
    path("c/<slug:slug>/", views.page, name="marketshop-category"),
    path("pages/<slug:slug>/", views.page, name="marketshop-article"),
    path("blog/<slug:slug>/", views.page, name="marketshop-post"),
    path("orders/<uuid:pk>/", views.order_confirmation, name="marketshop-order"),
    path("clerk/", include("django_clerk.urls")),
]
