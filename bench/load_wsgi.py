"""The project's WSGI application with the bench's URLconf (the bare view in front): for load.py."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pursuing_equity.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
settings.ROOT_URLCONF = "bare_urls"

from pursuing_equity.core.startup import settle  # noqa: E402 - as pursuing_equity/wsgi.py does

settle()
