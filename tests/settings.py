"""Test settings: the application's settings with faster hashing and plain static files."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from ledger.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LEDGER_PAGE_SIZE = 25
# Factories write without services (no generation bump): the tests of the home page's
# cache turn it on themselves.
LEDGER_HOME_CACHE_SECONDS = 0
# Serve static files from the apps' folders, as in development (no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A test-only app with a small state machine that proves the workflow spine.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflowapp"]  # noqa: F405

# Background exports run where they are queued (after the test's transaction commits, or
# called directly); their files go to a throw-away folder of this test process.
import tempfile  # noqa: E402

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "exports"],
    }
}
_EXPORTS_DIR = Path(tempfile.mkdtemp(prefix="ledger-test-exports-"))  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(_EXPORTS_DIR / "store")},
    },
}
LEDGER_EXPORT_TMP_DIR = _EXPORTS_DIR / "tmp"
