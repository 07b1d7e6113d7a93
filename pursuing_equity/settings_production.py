"""Production settings: everything secret or site-specific comes from the environment.

Required: DJANGO_SECRET_KEY, DATABASE_URL, DJANGO_ALLOWED_HOSTS, PE_SITE_URL,
PE_DATA_CONNECTION_KEY. Email: EMAIL_HOST, EMAIL_PORT,
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, DEFAULT_FROM_EMAIL. See docs/deploy.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from pursuing_equity.settings import *  # noqa: F403
from pursuing_equity.settings import env_bool


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


DEBUG = False
SECRET_KEY = required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h for h in required("DJANGO_ALLOWED_HOSTS").split(",") if h]
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]
# Links in email, calendar feeds and PDFs are read away from any request, so the address is
# configured rather than guessed from one (a Host header can be forged).
PE_SITE_URL = required("PE_SITE_URL")
# Encrypts the credentials of data connections (measures.connections); keep it apart from the
# database and its backups.
PE_DATA_CONNECTION_KEY = required("PE_DATA_CONNECTION_KEY")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

MAILERS = {
    "default": {"BACKEND": "pursuing_equity.core.mail.TaskQueueEmailBackend"},
    "delivery": {
        "BACKEND": os.environ.get(
            "PE_DELIVERY_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
        ),
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        },
    },
}
if MAILERS["delivery"]["BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["delivery"].pop("OPTIONS")

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PE_LOG_LEVEL", "INFO")},
}
