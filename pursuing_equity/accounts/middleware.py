"""Program staff and reviewers must have two-factor authentication before they work."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from pursuing_equity.accounts.rules import must_use_mfa

# Paths a person without MFA may still reach: setting it up, signing out, static files.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/")


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PE_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and must_use_mfa(request.user)
            and not _has_totp(request.user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?required=1")
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
