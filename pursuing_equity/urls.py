from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("pursuing_equity.programs.urls")),
    path("", include("pursuing_equity.accounts.urls")),
    path("", include("pursuing_equity.teams.urls")),
    path("", include("pursuing_equity.applications.urls")),
    path("", include("pursuing_equity.review.urls")),
    path("", include("pursuing_equity.measures.urls")),
    path("", include("pursuing_equity.events.urls")),
    path("", include("pursuing_equity.reporting.urls")),
    path("", include("pursuing_equity.home.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "pursuing_equity.core.views.bad_request"
handler403 = "pursuing_equity.core.views.permission_denied"
handler404 = "pursuing_equity.core.views.page_not_found"
handler500 = "pursuing_equity.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
