"""Settings for development, tests and the demo. Production overrides live in settings_production.

Everything that differs between machines comes from environment variables, so the same code runs
on a laptop (SQLite, nothing to install) and in production (PostgreSQL via DATABASE_URL).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    # django-ninja: its docs page's scripts and styles are served from its static files (no CDN).
    "ninja",
    "pursuing_equity.core",
    "pursuing_equity.accounts",
    "pursuing_equity.programs",
    "pursuing_equity.teams",
    "pursuing_equity.applications",
    "pursuing_equity.review",
    "pursuing_equity.measures",
    "pursuing_equity.events",
    "pursuing_equity.reporting",
    "pursuing_equity.outcomes",
    "pursuing_equity.api",
    "pursuing_equity.community",
    "pursuing_equity.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pursuing_equity.core.request_cache.RequestCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pursuing_equity.accounts.middleware.RequireMFAMiddleware",
    "pursuing_equity.api.middleware.ApiRequestLogMiddleware",
]

CSRF_FAILURE_VIEW = "pursuing_equity.core.views.csrf_failure"
ROOT_URLCONF = "pursuing_equity.urls"
WSGI_APPLICATION = "pursuing_equity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pursuing_equity" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "pursuing_equity.home.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
# SQLite is the embedded default, shared by the web server and the task worker, so it runs as a
# small server database would: the write-ahead log lets readers carry on while one writer commits;
# IMMEDIATE transactions take the write lock when they begin, so two writers queue for the busy
# timeout instead of deadlocking half-way ("database is locked" the moment both try to write).
# synchronous=NORMAL is durable across application crashes in WAL mode (https://sqlite.org/wal.html).
PE_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        **PE_SQLITE_OPTIONS,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "program"

# django-allauth: email is the login; every address is verified before it can sign in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up asks for the person's name (letters greet them with it) and, optionally, pronouns.
ACCOUNT_SIGNUP_FORM_CLASS = "pursuing_equity.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Pursuing Equity] "
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pursuing Equity"

# Program staff and reviewers must set up two-factor authentication before they can work.
# On by default; the demo turns it off and the login page says so.
PE_REQUIRE_MFA = env_bool("PE_REQUIRE_MFA", True)
PE_DEMO = env_bool("PE_DEMO", False)
# The site's address for links in email, calendar feeds and PDFs (core.urls.absolute_url).
PE_SITE_URL = os.environ.get("PE_SITE_URL", "http://127.0.0.1:8000")

# All email goes through the task queue. The "default" mailer hands each message to a task, which
# delivers it with the "delivery" mailer. In development, tests and the demo, delivery captures the
# message in the database, where program staff can read it (Staff › Outbox).
MAILERS = {
    "default": {"BACKEND": "pursuing_equity.core.mail.TaskQueueEmailBackend"},
    "delivery": {
        "BACKEND": os.environ.get(
            "PE_DELIVERY_EMAIL_BACKEND", "pursuing_equity.core.mail.CapturingEmailBackend"
        )
    },
}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Pursuing Equity <pursuingequity@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": os.environ.get("PE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Per process. "default": decoded results, rate limits, tokens (Django's default size).
# "fragments": page HTML kept by {% fresh %} (core/freshness.py); each entry lives 90 s at most,
# so the bound is what a minute of pages needs, not what a day of them would.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"  # the program's time zone; times are stored in UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "pursuing_equity" / "static"]
STORAGES = {
    "default": {"BACKEND": "pursuing_equity.core.files.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security: sign-in, private files, upload limits, Content Security Policy -----------------
# (issue 13; each line says which attack it stops. docs/deploy.md documents the variables.)

# Failed sign-ins are limited per client address AND per account ("key": the email typed), so a
# guesser is stopped on one account without locking everyone else out. Behind a proxy every
# request comes from the proxy's address: ALLAUTH_TRUSTED_PROXY_COUNT says how many proxies append
# to X-Forwarded-For, so the limit per address applies to the real client.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))
ACCOUNT_RATE_LIMITS = (
    {}
    if env_bool("PE_DISABLE_RATE_LIMITS", False)
    # call_register: the informational call's public registration form (programs.views.call).
    else {"login": "30/m/ip", "login_failed": "10/m/ip,5/5m/key", "call_register": "20/h/ip"}
)
# People who must use MFA (staff, reviewers, admin users) hold the keys to every team's data:
# their sessions end after 8 hours instead of Django's two weeks (accounts.signals).
PE_STAFF_SESSION_SECONDS = int(os.environ.get("PE_STAFF_SESSION_SECONDS", str(8 * 60 * 60)))

# Every uploaded file (counts files, extracts, attachments, letters, videos) lives under
# PE_PRIVATE_ROOT, which no web server serves and which has no URL: each file is sent only by a
# view that checks the owning app's rule (core.files.PrivateStorage, core.files.private_download).
# PE_MEDIA_ROOT is the old name of the same folder, read so an existing install keeps its files.
PE_PRIVATE_ROOT = Path(
    os.environ.get("PE_PRIVATE_ROOT") or os.environ.get("PE_MEDIA_ROOT") or BASE_DIR / "private"
)
MEDIA_ROOT = PE_PRIVATE_ROOT

# Request bodies: form fields are small; a file larger than 2.5 MB streams to a temporary file on
# disk instead of memory, and each checker looks at the size before it reads a byte.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# A patient-level extract (CSV or Parquet) may be at most this many bytes (measures.uploads).
PE_MAX_EXTRACT_BYTES = int(os.environ.get("PE_MAX_EXTRACT_BYTES", str(200 * 1024 * 1024)))
# The key that encrypts data connections' credentials (core/secrets.py): required in production;
# in development derived from SECRET_KEY.
PE_DATA_CONNECTION_KEY = (
    os.environ.get("PE_DATA_CONNECTION_KEY") or f"data-connections:{SECRET_KEY}"
)

# Django's Content Security Policy: scripts only from our own static files (no inline script at
# all). 'unsafe-eval' is for Vega alone: it compiles a chart's expressions with Function(), and the
# vendored build has no interpreter. Styles come only from our stylesheet as well; htmx's and
# vega-embed's injected <style> blocks are turned off and their few rules live in site.css.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Requests per personal access token (pursuing_equity/api/auth.py): "N/s", "N/m" or "N/h".
PE_API_RATE_LIMIT = os.environ.get("PE_API_RATE_LIMIT", "120/m")

PE_PROGRAM_FILE = BASE_DIR / "programs" / "pursuing-equity-2023.toml"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PE_LOG_LEVEL", "WARNING")},
}
