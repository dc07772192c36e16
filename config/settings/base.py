"""Settings shared by every environment. Each value that varies comes from the environment;
`.env.example` documents every variable with a safe development value."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
SRC_DIR = BASE_DIR / "src" / "capnr"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def default_data_dir() -> Path:
    if (BASE_DIR / "pyproject.toml").exists():
        return BASE_DIR / "var"
    return Path.home() / ".local" / "share" / "capnr"


DATA_DIR = Path(os.environ.get("CAPNR_DATA_DIR") or default_data_dir()).resolve()

SECRET_KEY = os.environ.get("CAPNR_SECRET_KEY", "")
DEBUG = env_bool("CAPNR_DEBUG", False)
ALLOWED_HOSTS = env_list("CAPNR_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CAPNR_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # First, so that our registration/ templates win over the admin's.
    "capnr.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "capnr.core",
    "capnr.organisations",
    "capnr.coalition",
    "capnr.inventory",
    "capnr.diagnostics",
    "capnr.actions",
    "capnr.roadmap",
    "capnr.collection",
    "capnr.peers",
    "capnr.training",
    "capnr.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "capnr.web.middleware.FrenchByDefaultMiddleware",
    "capnr.web.middleware.AccountLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "capnr.core.middleware.NoStoreForLoggedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "capnr.web.context_processors.shell",
            ],
        },
    },
]


def database_config() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "capnr.sqlite3",
        "OPTIONS": {
            # WAL lets readers go on while one writer writes; IMMEDIATE avoids
            # "database is locked" when two requests upgrade a read to a write.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("CAPNR_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
# One account from one client: made-up emails do not lock real users out, and someone guessing
# a password locks only their own address (a completed password reset lifts the lock).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "capnr.organisations.lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "capnr.core.client_address.client_address"
# How many reverse proxies append to X-Forwarded-For in front of the application: the client
# address is read that many entries from the right (0: REMOTE_ADDR). Production defaults it to 1
# when CAPNR_BEHIND_PROXY is on.
CAPNR_TRUSTED_PROXIES = int(os.environ.get("CAPNR_TRUSTED_PROXIES") or "0")
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Files only members may download, through a view that checks who asks (never served as is):
# the collection's erasure certificates. Kept under the data directory, out of STATIC_ROOT.
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": DATA_DIR / "private"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}

EMAIL_BACKEND = os.environ.get(
    "CAPNR_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("CAPNR_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CAPNR_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("CAPNR_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CAPNR_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("CAPNR_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("CAPNR_DEFAULT_FROM_EMAIL", "Cap NR <no-reply@capnr.invalid>")

CAPNR_INVITATION_DAYS = int(os.environ.get("CAPNR_INVITATION_DAYS", "14"))
# Deposits into a collection box without an account, per client address and per box link, in
# 10 minutes (capnr.collection.throttle).
CAPNR_DEPOSITS_PER_ADDRESS = int(os.environ.get("CAPNR_DEPOSITS_PER_ADDRESS") or "30")
CAPNR_DEPOSITS_PER_LINK = int(os.environ.get("CAPNR_DEPOSITS_PER_LINK") or "120")
# Largest inventory file accepted, in MB.
CAPNR_IMPORT_MAX_MB = float(os.environ.get("CAPNR_IMPORT_MAX_MB", "50"))
# Largest erasure certificate (PDF or image) accepted, in MB.
CAPNR_CERTIFICATE_MAX_MB = float(os.environ.get("CAPNR_CERTIFICATE_MAX_MB") or "10")
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "capnr.inventory.uploads.SizeLimitedUploadHandler",  # stops an oversized upload early
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Background jobs: django-tasks with its database backend; `capnr db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Shown on the legal notice page: who runs this deployment and how to reach them.
CAPNR_OPERATOR_NAME = os.environ.get("CAPNR_OPERATOR_NAME", "")
CAPNR_OPERATOR_CONTACT = os.environ.get("CAPNR_OPERATOR_CONTACT", "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: every page uses files from our own static folder.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CAPNR_LOG_LEVEL", "WARNING")},
}
