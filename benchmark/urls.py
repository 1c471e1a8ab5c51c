"""The product's URLs with the benchmark's yardstick, the minimal view, in front."""

from django.urls import path

from council.urls import urlpatterns as product_urlpatterns

from .server import MINIMAL_PATH, minimal

urlpatterns = [path(MINIMAL_PATH.lstrip("/"), minimal), *product_urlpatterns]
