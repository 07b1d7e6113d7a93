"""The site's own address, for links that leave the site (email, iCalendar, PDFs)."""

from __future__ import annotations

from django.conf import settings


def site_url() -> str:
    """``PE_SITE_URL`` without a trailing slash (required in production settings)."""
    return settings.PE_SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) as an absolute link on this site."""
    return site_url() + path
