"""Program staff, reviewers and admin users must pass two-factor authentication in THIS session.

Having an authenticator is not enough: a session opened with the password alone (an old session,
a sign-in path that skipped allauth's MFA stage) is signed out. allauth records each step a
session passed (``get_authentication_records``); the MFA stage adds a ``"mfa"`` record, and so
does setting up an authenticator (accounts.signals), since that too proves the device is at hand.
"""

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from pursuing_equity.accounts.rules import must_use_mfa

# Paths a person without an authenticator may still reach: setting one up, signing out, static files.
ALLOWED_PREFIXES = ("/accounts/", "/static/")


def needs_mfa(user) -> bool:
    """Whoever holds a role that needs MFA, and whoever may open the admin (superusers too)."""
    return user.is_staff or user.is_superuser or must_use_mfa(user)


def passed_mfa(request) -> bool:
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            not settings.PE_REQUIRE_MFA
            or not user.is_authenticated
            or request.path.startswith("/static/")
            or not needs_mfa(user)
            or passed_mfa(request)
        ):
            return self.get_response(request)
        if _has_totp(user):
            # Every page, the 2FA settings included: otherwise a password alone could remove
            # the authenticator after allauth's password-only reauthentication.
            logout(request)
            messages.info(request, "Sign in again with your authenticator code.")
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        if request.path.startswith(ALLOWED_PREFIXES):
            return self.get_response(request)
        return redirect(f"{reverse('mfa_activate_totp')}?required=1")


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
