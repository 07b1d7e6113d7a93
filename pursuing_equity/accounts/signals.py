"""Reactions to allauth's and Django's sign-in events."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import password_reset
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from pursuing_equity.accounts.middleware import needs_mfa
from pursuing_equity.accounts.services import email_verify_after_password_reset


@receiver(password_reset, dispatch_uid="pe_verify_email_on_password_reset")
def verify_email_on_password_reset(sender, request, user, **kwargs) -> None:
    email_verify_after_password_reset(user=user)


@receiver(authenticator_added, dispatch_uid="pe_mfa_passed_on_totp_setup")
def mfa_passed_on_totp_setup(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up an authenticator app needs a valid code from it: this session passed MFA."""
    if authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


@receiver(user_logged_in, dispatch_uid="pe_short_staff_sessions")
def short_staff_sessions(sender, request, user, **kwargs) -> None:
    """Staff, reviewers and admin users hold every team's data: their sessions end sooner."""
    if request is not None and hasattr(request, "session") and needs_mfa(user):
        request.session.set_expiry(settings.PE_STAFF_SESSION_SECONDS)
