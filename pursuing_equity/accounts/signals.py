"""Reactions to allauth's events."""

from allauth.account.signals import password_reset
from django.dispatch import receiver

from pursuing_equity.accounts.services import email_verify_after_password_reset


@receiver(password_reset, dispatch_uid="pe_verify_email_on_password_reset")
def verify_email_on_password_reset(sender, request, user, **kwargs) -> None:
    email_verify_after_password_reset(user=user)
