"""Settings of the Wagtail test site: the test settings plus Wagtail, in English and Danish.

Run its tests with ``pytest --ds tests.wagtailshop.settings tests/wagtail``.
"""

from tests.settings import *  # noqa: F403
from tests.settings import CLERK, INSTALLED_APPS

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "wagtail",
    "modelcluster",
    "taggit",
    "django_clerk.contrib.wagtail",
    "tests.wagtailshop",
]
ROOT_URLCONF = "tests.wagtailshop.urls"
WAGTAIL_SITE_NAME = "Wagtail shop"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [("en", "English"), ("da", "Danish")]
WAGTAILADMIN_BASE_URL = "https://shop.example.com"
CLERK = {
    **CLERK,
    "SERIALIZERS": {
        **CLERK["SERIALIZERS"],
        # The shop's own pages and the Wagtail pages, side by side.
        "pages": ["shop.clerk.PageSerializer", "tests.wagtailshop.clerk.CmsPageSerializer"],
    },
}
