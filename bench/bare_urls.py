"""The benchmarks' URLconf: the bare view (bench_pages.bare, the baseline every ratio divides by)
in front of the project's URLs, unchanged. bench_pages.py and load.py (through load_wsgi.py) both
serve it, so the page table and the load table divide by the same view."""

from bench_pages import BARE_PATH, bare
from django.urls import include, path

urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare),
    path("", include("pursuing_equity.urls")),
]
