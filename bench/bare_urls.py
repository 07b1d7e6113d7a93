"""The bench's own URLconf: a bare view (the baseline every ratio divides by), then the project's."""

from django.http import HttpResponse
from django.urls import include, path

BARE_PATH = "/__bench_bare__/"


def bare(request):
    return HttpResponse("ok")


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare),
    path("", include("pursuing_equity.urls")),
]
