"""Settings of the load test's server: the product's, run as in production, plus what a
benchmark on loopback needs.

- DEBUG off, the manifest static storage (run.py collects into var/bench/load/static);
- SECRET_KEY from LOAD_SECRET_KEY, a fresh random key per run (run.py signs the load users'
  sessions with it);
- plain HTTP on 127.0.0.1: cookies without the Secure flag (the client would not send them
  back), no HSTS;
- the product's shared cache (its database table unless CACHE_URL says otherwise), the
  database task backend (tasks are enqueued as in production, not run: no worker runs during
  the load), emails kept in memory, the product's logging (an access line per request);
- the URLconf adds /bench/bare/, the ceiling: the product never ships it.
"""

import os

# Before the product's settings read it: they name the cookies after it (__Host- when secure).
os.environ["SECURE_COOKIES"] = "0"
os.environ["DEBUG"] = "0"

from lodestar.settings import *  # noqa: F403
from lodestar.settings import VAR_DIR

LOAD_DIR = VAR_DIR / "bench" / "load"

DEBUG = False
SECRET_KEY = (
    os.environ.get("LOAD_SECRET_KEY") or "load-test-placeholder-key-never-served-" + "x" * 20
)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.load.urls"

SECURE_HSTS_SECONDS = 0
SECURE_SSL_REDIRECT = False

STATIC_ROOT = LOAD_DIR / "static"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
