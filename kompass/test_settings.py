"""Settings for the test suite: the same as production, plus fast hashing and no throttling noise."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # pytest-django live server + Playwright

from kompass.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inline when enqueued; tests of the worker path override TASKS with the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
KOMPASS_MFA_REQUIRED = False  # tests log in with force_login; the MFA tests switch it on (sso/tests)
# Tests change data with factories, which write no audit entry, so a kept Rollen-Check would not
# notice; roles/tests/test_check_cache.py switches it on.
KOMPASS_CHECK_CACHE = False
# The tests' identity providers run on loopback; sso/tests/test_oidc.py checks the rule without it.
KOMPASS_OIDC_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
