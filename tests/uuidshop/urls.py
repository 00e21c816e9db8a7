"""URLs of the UUID-keyed shop: its pages and Clerk's feeds."""

from django.urls import include, path

from tests.uuidshop import views

urlpatterns = [
    path("p/<uuid:pk>/", views.product_page, name="uuidshop-product"),
    path("c/<uuid:pk>/", views.category_page, name="uuidshop-category"),
    path("orders/<uuid:pk>/", views.order_confirmation, name="uuidshop-order"),
    path("clerk/", include("django_clerk.urls")),
]
