"""WSGI entry point for gunicorn: `gunicorn pursuing_equity.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pursuing_equity.settings_production")
application = get_wsgi_application()

from pursuing_equity.core.startup import settle  # noqa: E402 - after the project is loaded

settle()
