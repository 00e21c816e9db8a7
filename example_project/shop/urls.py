from django.urls import path

from shop import newsletter, search_views, views
from shop.models import Page

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("category/<slug:slug>/", views.category_detail, name="category"),
    path("product/<slug:slug>/", views.product_detail, name="product"),
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/<int:product_id>/", views.cart_add, name="cart_add"),
    path("cart/added/", views.added, name="added"),
    path("checkout/", views.checkout, name="checkout"),
    path("order/<int:pk>/", views.order_confirmation, name="order_confirmation"),
    path("search/", views.search, name="search"),
    path("search/results/", search_views.ShopSearchView.as_view(), name="search_results"),
    path(
        "category/<slug:slug>/results/",
        search_views.ShopCategoryView.as_view(),
        name="category_results",
    ),
    path("pages/<slug:slug>/", views.page_detail, {"kind": Page.Kind.CMS}, name="page"),
    path("blog/", views.blog_list, name="blog"),
    path("blog/<slug:slug>/", views.page_detail, {"kind": Page.Kind.BLOG}, name="blog_post"),
    path("newsletter/", newsletter.newsletter, name="newsletter"),
    path("tracking/", newsletter.tracking, name="tracking"),
]
