"""Settings of Kommunalkompass: one module, every value from the environment.

See `.env.example` for each variable. Defaults are safe for a local development run
(`make run`); production sets DJANGO_DEBUG=false, a secret key and DATABASE_URL.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from kompass.core.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_rate,
    env_str,
    load_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_env_file(BASE_DIR / ".env")

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "unsicher-nur-fuer-die-entwicklung" if DEBUG else None)
# Earlier keys, comma-separated, after a rotation: sessions, reset links and the keyed hashes of
# the recovery codes made with them stay valid (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The apps in their layers, from the ground floor up (docs/architecture.md; checked by `make lint`).
    "kompass.core",
    "kompass.tenancy",
    "kompass.audit",
    "kompass.accounts",
    "kompass.tabular",
    "kompass.reports",
    "kompass.tasks",
    "kompass.privacy",
    "kompass.ops",
    "kompass.sso",
    "kompass.trash",
    "kompass.org",
    "kompass.roles",
    "kompass.framework",
    "kompass.assessment",
    "kompass.agenda",
    "kompass.ui",
    "kompass.api",
    "kompass.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kompass.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kompass.ui.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # After authentication, messages and htmx: idle and absolute session limits (docs/security.md A4).
    "kompass.accounts.session_timeout.SessionTimeoutMiddleware",
    # After authentication and htmx: a password set by someone else is changed first.
    "kompass.accounts.middleware.PasswordChangeRequiredMiddleware",
    # After the password change: the second factor before any other page (docs/security.md A3).
    "kompass.sso.middleware.SecondFactorMiddleware",
    # Innermost, so the German 405 page still passes the header middlewares above (docs/security.md S2).
    "kompass.ui.errors.MethodNotAllowedMiddleware",
]

ROOT_URLCONF = "kompass.urls"
WSGI_APPLICATION = "kompass.wsgi.application"

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
                "kompass.ui.context_processors.shell",
                "kompass.sso.context_processors.login_options",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# PostgreSQL row-level security (docs/security.md T4, kompass/tenancy/rls.py): the web server and the
# task workers are started with the app role (NOSUPERUSER, NOBYPASSRLS, owns nothing; `manage.py
# rls_setup` creates it); every connection then runs SET ROLE to it. Maintenance commands (migrate,
# backup, restore, …) run without it, as the owner of the tables.
KOMPASS_DB_APP_ROLE = env_str("KOMPASS_DB_APP_ROLE", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The unit tree a Redaktion membership can be limited to (tenancy.Membership.scope_unit), named here
# like the user model so that the tenant layer does not name the org app.
TENANT_SCOPE_UNIT_MODEL = "org.OrgUnit"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# ASVS 6.2: at least 8 characters, long passwords allowed, common passwords refused, no
# composition rules, no expiry.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "kompass.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 512}},
]
# A reset link by e-mail lasts one hour and is spent by the password change (docs/security.md, A4).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 3600)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"

# Second factor and single sign-on (docs/operations.md "Anmeldung: OIDC und zweiter Faktor",
# docs/security.md A3). Production keeps KOMPASS_MFA_REQUIRED on: Administration members and
# platform operators then reach no page with the password alone.
KOMPASS_MFA_REQUIRED = env_bool("KOMPASS_MFA_REQUIRED", True)
# A Kommune's own identity provider must resolve to public addresses, or to these networks
# (comma-separated CIDR, e.g. an intranet ADFS at 10.20.0.0/16); docs/operations.md.
KOMPASS_OIDC_ALLOWED_NETWORKS = env_list("KOMPASS_OIDC_ALLOWED_NETWORKS", [])
OTP_TOTP_ISSUER = env_str("KOMPASS_TOTP_ISSUER", "Kommunalkompass")
# The instance-wide identity provider (no issuer: no single sign-on for the whole instance).
KOMPASS_OIDC = {
    "name": env_str("KOMPASS_OIDC_NAME", "Identitätsanbieter"),
    "issuer": env_str("KOMPASS_OIDC_ISSUER", ""),
    "client_id": env_str("KOMPASS_OIDC_CLIENT_ID", ""),
    "client_secret": env_str("KOMPASS_OIDC_CLIENT_SECRET", ""),
    "scopes": env_str("KOMPASS_OIDC_SCOPES", "openid email profile"),
    "group_claim": env_str("KOMPASS_OIDC_GROUP_CLAIM", "groups"),
}
# A login through the identity provider counts as two factors when the provider enforces its own
# MFA (the Kommune's IdP policy); set to false to ask such users for a TOTP code here as well.
KOMPASS_OIDC_TRUSTS_IDP_MFA = env_bool("KOMPASS_OIDC_TRUSTS_IDP_MFA", True)
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (ASVS 6.3.1): counted per user name and per IP address together, stored in
# the database so every app process sees the same counter. The response is identical whether
# the account exists or not.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address (docs/security.md S7): X-Forwarded-For is believed only as far as it was written by the reverse
# proxies listed here (CIDR networks); without any, REMOTE_ADDR is the client (kompass/core/clientaddr.py).
TRUSTED_PROXIES = env_networks("KOMPASS_TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "kompass.core.clientaddr.axes_client_address"

# Rate limits (S7, kompass/core/ratelimit.py): "count/seconds" in fixed windows; each can be set by
# the environment variable RATE_LIMIT_<NAME>, e.g. RATE_LIMIT_FEEDBACK_ADDRESS=5/600. The suffix says
# what is counted: the client's address, a user within one Kommune, a whole Kommune or an API token.
_RATE_LIMIT_DEFAULTS = {
    # Failed logins from one address across all user names, on top of the lockout per name and address.
    "login.address": "30/900",
    # The feedback form reachable without login; every message is mailed to the administrators.
    "feedback.address": "5/600",
    # Requests for a password-reset link from one address (each may send a mail).
    "password_reset.address": "10/3600",
    # Invitations (each one sends a mail): per member and per Kommune.
    "invitation.user": "30/3600",
    "invitation.kommune": "100/3600",
    # Downloads rendered on request (PDF, XLSX, CSV, DOCX) and imports: per member and per Kommune.
    "export.user": "30/600",
    "export.kommune": "300/600",
    "import.user": "30/600",
    "import.kommune": "120/600",
    # Codes of the second step after the password (TOTP or recovery code), per account and per address.
    "mfa.user": "10/900",
    "mfa.address": "30/900",
    # The API, per token: generous, against runaway scripts.
    "api.token": "600/60",
    # Survey pages without login, per link and never per address (a whole Rathaus may sit behind one):
    # the form posts of one personal link (a page of questions, pausing, submitting), and those of a
    # campaign's open link, which everyone who answers through it shares (access code, then group).
    "survey.token": "60/600",
    "survey_open.token": "1000/600",
    # Survey invitations and reminders handed out (by mail, as a list or as letters; one hand-out may
    # reach hundreds of people): per member and per Kommune.
    "survey_invitation.user": "20/3600",
    "survey_invitation.kommune": "60/3600",
}
RATE_LIMITS = {
    name: env_rate("RATE_LIMIT_" + name.upper().replace(".", "_"), default)
    for name, default in _RATE_LIMIT_DEFAULTS.items()
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_MAX_AGE_SECONDS", 10 * 3600)
# A browser session ends after 30 minutes without activity and 10 hours after the login
# (kompass.accounts.session_timeout); seconds.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME", 10 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE = env_bool("DJANGO_SECURE", False)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
# Behind TLS the cookies carry the `__Host-` prefix: the browser then accepts them only with Secure,
# Path=/ and no Domain, so no other host of the domain can set or overwrite them (docs/security.md S1).
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE else "csrftoken"
CSRF_FAILURE_VIEW = "kompass.ui.errors.csrf_failure"
# The language chosen in the footer: no script reads it.
LANGUAGE_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# The preload directive only permits the domain's owner to submit it to the browsers' list; an
# operator who does not want that sets DJANGO_HSTS_PRELOAD=false (docs/operations.md).
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: everything from our own origin, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Background tasks (docs/operations.md, "Hintergrundaufgaben"): queued in the database, run by
# `manage.py db_worker`, so every app process and worker shares one queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /readyz reports the task queue as failing when a task has waited longer than this (no worker runs).
READYZ_TASK_BACKLOG_MINUTES = env_int("READYZ_TASK_BACKLOG_MINUTES", 15)

# The Rollen-Check's outcome is kept in the cache until the Kommune's data changes
# (kompass/roles/overview.py `check_outcome`).
KOMPASS_CHECK_CACHE = env_bool("KOMPASS_CHECK_CACHE", True)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kompass_cache",
        # The rate-limit counters live here too: culling at the default 300 entries would forget them.
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 100_000)},
    }
}

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "kompass" / "locale"]  # `make messages` updates it (run inside kompass/)
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("vendor/kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
# Append-only record of erasures (ids only) outside the database, replayed after a restore
# (kompass/privacy/models.py, docs/security.md D4); keep it on storage the backups do not overwrite.
ERASURE_JOURNAL_PATH = Path(env_str("ERASURE_JOURNAL_PATH", str(BASE_DIR / "var" / "erasure-journal.jsonl")))
WHITENOISE_USE_FINDERS = DEBUG

# Upload limits (docs/security.md I3/S6). Imports above these sizes are refused before parsing.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
# KPI values come one row per KPI and day: a Großstadt's three years are 2,000 × 36 = 72,000 rows.
KPI_IMPORT_MAX_ROWS = env_int("KPI_IMPORT_MAX_ROWS", 100_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024

# Mail (docs/operations.md, "E-Mail"): the console backend prints mails to the log, for development;
# production sets the SMTP backend and the EMAIL_* values. Without real mail the members page shows
# an invitation's link once, to be passed on by hand (accounts.invitations.mail_is_configured).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kommunalkompass <kommunalkompass@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of this instance as people reach it; links in mails start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Days an invitation link stays valid.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
FEEDBACK_EMAIL = env_str("FEEDBACK_EMAIL", "barrierefreiheit@example.org")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # Security events: one JSON object per line, without secrets (core/security_log.py, L3).
        "json": {"()": "kompass.core.security_log.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "security": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "kompass.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
    },
}
