"""A pytest plugin (loaded with `-p tests.plugin` from pyproject.toml) that gives the test run
its environment before Django's settings are imported.

Tests run with DEBUG off, as production does, so they need a SECRET_KEY; and the test client and
the browser tests speak plain HTTP to a local server, so the HTTPS redirect and secure-only cookies
are switched off here, and only here. Values already in the environment win (CI sets
DATABASE_URL and REDIS_URL to run the suite against the real servers).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Uploaded documents go to a throw-away folder, never into the working tree: one per process, so
# that tests running side by side (pytest-xdist) never see each other's files. A folder this
# plugin made in the process that started the workers is not theirs; one set outside is kept.
_made = os.environ.get("PORTAL_TEST_STORAGE_MADE")
if "PRIVATE_STORAGE_ROOT" not in os.environ or os.environ["PRIVATE_STORAGE_ROOT"] == _made:
    os.environ["PRIVATE_STORAGE_ROOT"] = tempfile.mkdtemp(prefix="portal-test-files-")
    os.environ["PORTAL_TEST_STORAGE_MADE"] = os.environ["PRIVATE_STORAGE_ROOT"]
# pytest-django's live_server runs in a thread beside Playwright's event loop
# (docs/operations.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
