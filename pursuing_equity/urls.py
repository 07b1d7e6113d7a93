from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("pursuing_equity.programs.urls")),
    path("", include("pursuing_equity.accounts.urls")),
    path("", include("pursuing_equity.teams.urls")),
    path("", include("pursuing_equity.applications.urls")),
    path("", include("pursuing_equity.review.urls")),
    path("", include("pursuing_equity.measures.urls")),
    path("", include("pursuing_equity.events.urls")),
    path("", include("pursuing_equity.reporting.urls")),
    path("", include("pursuing_equity.outcomes.urls")),
    path("", include("pursuing_equity.api.urls")),
    path("", include("pursuing_equity.community.urls")),
    path("", include("pursuing_equity.home.urls")),
    path("accounts/", include("allauth.urls")),
    # The admin signs in through allauth like everyone else, so the MFA stage and the rate limits
    # apply; the admin's own password-only form is never reachable.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
]

handler400 = "pursuing_equity.core.views.bad_request"
handler403 = "pursuing_equity.core.views.permission_denied"
handler404 = "pursuing_equity.core.views.page_not_found"
handler500 = "pursuing_equity.core.views.server_error"
