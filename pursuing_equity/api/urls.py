from django.urls import path

from pursuing_equity.api import views
from pursuing_equity.api.api import api

urlpatterns = [
    path("people/me/tokens/", views.tokens, name="api_tokens"),
    path("api/", api.urls),
]
