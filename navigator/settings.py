"""Navigator settings: one file, every value read from the environment.

The defaults give the embedded setup (SQLite and a filesystem Celery broker under var/);
production names PostgreSQL in DATABASE_URL and Redis in CELERY_BROKER_URL.
"""

import contextlib
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NAVIGATOR_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def make_folder(path: Path) -> None:
    """Make a folder the embedded setup writes to. One that cannot be made (a read-only or full
    disk) is reported at start-up, naming the folder and what to do (cases/checks.py)."""
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True)


def envsecret(name: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if DEMO:
        return _local_secret(VAR_DIR / f"{name.lower()}.txt")
    raise ImproperlyConfigured(f"{name} must be set (NAVIGATOR_DEMO=1 makes one for the demo).")


def _local_secret(path: Path) -> str:
    """The demo's own secret: made once, readable by this user only, kept under var/. The web
    server and the worker start together: the first to link its file in place wins, whole.
    Where var/ cannot be written, a secret for this process only: start-up then stops with the
    data folder's own message (cases/checks.py), not a traceback here."""
    try:
        return _stored_secret(path)
    except OSError:
        return secrets.token_urlsafe(50)


def _stored_secret(path: Path) -> str:
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


DEBUG = envbool("DEBUG", "false")
# The demo (`make run`, NAVIGATOR_DEMO=1): the product as a hospital would run it, DEBUG off
# and its own error pages, on one machine: plain http on localhost, a secret key of its own
# under var/, mail and texts written to files under var/, static files from the app's folders
# (no collectstatic). DEBUG, on a developer's machine, implies it. Production sets neither.
DEMO = DEBUG or envbool("NAVIGATOR_DEMO", "false")
make_folder(VAR_DIR)
SECRET_KEY = envsecret("SECRET_KEY")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "cases",
]

MIDDLEWARE = [
    # First, so every response carries it: the static files WhiteNoise serves and the
    # redirects of the session rules below answer before the view, and come back through it.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cases.security.NulBytesRefusedMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Django's CommonMiddleware, redirecting to the trailing slash with the request's method.
    "cases.security.AppendSlashMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside the session rules, so their redirects to the two-factor pages are covered too.
    "cases.security.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A GET to a form's address (require_POST): the calm page, not an empty 405.
    "cases.security.MethodNotAllowedPageMiddleware",
    "cases.audit.AuditContextMiddleware",
    "cases.security.IdleTimeoutMiddleware",
    "cases.security.TwoFactorMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "navigator.urls"
WSGI_APPLICATION = "navigator.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.context_processors.roles",
                "cases.context_processors.idle_timeout",
            ],
        },
    },
]

# Free space the embedded setup needs in VAR_DIR to start (cases/checks.py).
VAR_MIN_FREE_MB = envint("NAVIGATOR_VAR_MIN_FREE_MB", "50")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'navigator.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "0"),
        # A kept connection is checked before each request's first query, so after the
        # database restarts the next request reconnects instead of failing on a dead socket.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; the timeout waits out a writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not memory, so the real Celery worker in the tests can open the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-navigator.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the reports' statements are costed above jit_above_cost at 100,000
    # cases, and compiling them took 150-250 ms of statements that run in tens of
    # milliseconds (README, "Scale and production"). Sent at connection start, no round trip.
    # Behind PgBouncer, which refuses start-up options, set NAVIGATOR_PG_OPTIONS= (empty) and
    # `ALTER DATABASE ... SET jit = off` instead.
    pg_options = os.environ.get("NAVIGATOR_PG_OPTIONS", "-c jit=off")
    if pg_options:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = pg_options
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    # The care-team groups come with the user in one query (see cases/backends.py).
    "cases.backends.CareTeamBackend",
]
LOGIN_URL = "login"
# The start page sends each user where their role works (cases.views.account.home_for).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- sessions, lockout and two-factor authentication ---------------------------------------
# A session ends after this long without a request; a warning shows shortly before.
STAFF_IDLE_TIMEOUT_MINUTES = envint("STAFF_IDLE_TIMEOUT_MINUTES", "15")
STAFF_IDLE_WARNING_MINUTES = envint("STAFF_IDLE_WARNING_MINUTES", "2")
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(12 * 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Five wrong passwords for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", "15") / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cases.audit.client_ip"
AXES_USERNAME_CALLABLE = "cases.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Staff may turn on TOTP two-factor authentication; with this on, supervisors must.
REQUIRE_2FA_FOR_SUPERVISORS = envbool("REQUIRE_2FA_FOR_SUPERVISORS", "false")
OTP_TOTP_ISSUER = "Navigator"

# --- transport and browser hardening (python manage.py check --deploy is clean) -------------
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEMO else "true")
# The load balancer asks each machine directly, over plain HTTP: a redirect would read as down.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "false" if DEMO else "true")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A calm page (in the patient's language on the status pages) instead of Django's stock 403.
CSRF_FAILURE_VIEW = "cases.views.errors.csrf_failure"
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEMO else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
# Behind a reverse proxy that ends TLS and sets X-Forwarded-Proto (see the README's production
# section): its requests count as HTTPS.
if envbool("BEHIND_HTTPS_PROXY", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxy's own addresses (the same list gunicorn trusts): only their X-Forwarded-For names
# the visitor in the audit trail and in login lockouts (cases.audit.client_ip).
TRUSTED_PROXIES = [a for a in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1").split(",") if a]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# Business days skip weekends and this country's (and subdivision's) public holidays.
HOLIDAYS_COUNTRY = os.environ.get("HOLIDAYS_COUNTRY", "US")
HOLIDAYS_SUBDIVISION = os.environ.get("HOLIDAYS_SUBDIVISION", "") or None

STATIC_URL = "static/"
# The demo has no collectstatic folder (its files come from the app's folders, below): without
# one WhiteNoise has nothing to scan, and no warning about a missing directory at start-up.
STATIC_ROOT = None if DEMO else VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEMO
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# The demo's static files come straight from the app's folders; production's from
# collectstatic's STATIC_ROOT, with hashed names.
WHITENOISE_USE_FINDERS = DEMO
# Files served at the site's root, whatever the setup: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "cases" / "site_root"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The demo writes each mail and text to a file under var/ and logs only the file's name;
# production sends mail through an SMTP server. Either way messages, with patients' addresses
# and status links, never land in the process's log stream (the console).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "cases.reminders.channels.DemoFileEmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
# Seconds for each wait for the mail server (connect, each command, QUIT): a server that stops
# answering fails the send. One email waits at most cases.reminders.channels.SMTP_WAITS times,
# which the delivery task's time limit covers (cases/reminders/tasks.py) up to 10 s.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "emails"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "navigator@localhost")
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND",
    "cases.reminders.channels.DemoFileSMSBackend"
    if DEMO
    else "cases.reminders.channels.LoggingSMSBackend",
)
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms"))
# Seconds an SMS backend waits for its provider (cases/reminders/channels.py).
SMS_TIMEOUT = envint("SMS_TIMEOUT", "10")
# Where links in emails point.
NAVIGATOR_BASE_URL = os.environ.get("NAVIGATOR_BASE_URL", "http://localhost:8000")
# Reminder rules and delivery: overrides of the DEFAULTS in cases/reminders/sweep.py,
# e.g. {"MAX_ATTEMPTS": 8}.
REMINDERS: dict = {}

# Celery: the filesystem transport under var/ by default, Redis or RabbitMQ in production.
CELERY_BROKER_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport with atomic writes and a reader that survives a torn file.
    CELERY_BROKER_TRANSPORT = "cases.broker:Transport"
    for folder in ("queue", "processed", "control"):
        make_folder(CELERY_BROKER_DIR / folder)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # Look for new messages every 0.1 s (kombu's default, 1 s, caps a worker near 2 a second).
        "polling_interval": 0.1,
    }
# A broker that is down or stops answering fails a publish within seconds instead of holding
# the sweep or the admin's page (kombu waits forever on a silent Redis by default).
BROKER_TIMEOUT_SECONDS = envint("CELERY_BROKER_TIMEOUT", "3")
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
# One more try after a failed publish, then the delivery waits in the database for the sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", "60")
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", "90")
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # The reminder sweep (cases/reminders/sweep.py); a sweep not started within a minute is dropped.
    "sweep-reminders": {
        "task": "cases.reminders.tasks.sweep_reminders",
        "schedule": float(envint("REMINDER_SWEEP_SECONDS", "60")),
        "options": {"expires": 55},
    },
    # Expired sessions, dead status links' sessions, old login records (cases/housekeeping/).
    "housekeeping": {
        "task": "cases.housekeeping.tasks.housekeeping",
        "schedule": float(envint("HOUSEKEEPING_SECONDS", "3600")),
        "options": {"expires": 3000},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- retention (cases/housekeeping/) -------------------------------------------------------
# Audit events are kept at least six years, as HIPAA keeps the Security Rule's records
# (45 CFR 164.316(b)(2)); `manage.py archive_audit` archives older ones to a signed file.
# The floor is cases.housekeeping.audit_archive.MINIMUM_RETENTION_YEARS.
AUDIT_RETENTION_YEARS = envint("AUDIT_RETENTION_YEARS", "6")
if AUDIT_RETENTION_YEARS < 6:
    raise ImproperlyConfigured(
        f"AUDIT_RETENTION_YEARS is {AUDIT_RETENTION_YEARS}: audit events are kept at least "
        "6 years. Set it to 6 or more."
    )
# The key that signs audit archives (HMAC-SHA256): keep it with the archives' records, since
# verifying an archive needs the key it was signed with.
AUDIT_ARCHIVE_KEY = os.environ.get("AUDIT_ARCHIVE_KEY", "") or SECRET_KEY
# django-axes' login records older than this are deleted by housekeeping (never one inside an
# active lockout); the audit trail keeps every login and failed login for its own retention.
LOGIN_RECORDS_RETENTION_DAYS = envint("LOGIN_RECORDS_RETENTION_DAYS", "90")
if LOGIN_RECORDS_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("LOGIN_RECORDS_RETENTION_DAYS must be 1 or more.")

# LOG_FORMAT=json writes one JSON object per line (navigator/log_format.py), for production.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "navigator.log_format.JsonFormatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    # A status link's path holds its token, and Django names paths in its request log (every
    # 4xx/5xx answer), its security log (a CSRF failure) and runserver's request lines: every
    # handler takes tokens out of each record before it writes (navigator/log_format.py).
    "filters": {"status_links": {"()": "navigator.log_format.HideStatusLinkTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["status_links"],
        },
        # runserver's request lines (`make run`), in its own format when plain.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server" if LOG_FORMAT == "plain" else "json",
            "filters": ["status_links"],
        },
    },
    "loggers": {
        # Django's defaults give "django" handlers of its own (a console one with DEBUG, the
        # admins' mail without), which these filters would not cover: its records go to the
        # root's handler instead.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The team's phone line, shown to patients when a status link does not work or no social
# worker's phone is on file.
PATIENT_HELP_PHONE = os.environ.get("PATIENT_HELP_PHONE", "555-0100")
# Records requests (cases/records/): a request's follow-up date is this many business days
# after it was sent, unless the social worker sets another.
RECORDS_FOLLOW_UP_BUSINESS_DAYS = envint("RECORDS_FOLLOW_UP_BUSINESS_DAYS", "5")
# The letterhead of the records request letter and its fax cover sheet.
LETTERHEAD_NAME = os.environ.get("LETTERHEAD_NAME", "Oncology Social Work, Second Opinion Program")
LETTERHEAD_ADDRESS = os.environ.get("LETTERHEAD_ADDRESS", "1 Example Plaza, Springfield")
LETTERHEAD_PHONE = os.environ.get("LETTERHEAD_PHONE", PATIENT_HELP_PHONE)
LETTERHEAD_FAX = os.environ.get("LETTERHEAD_FAX", "555-0101")
# A TrueType font with the letters of every name the letter may print (Debian's
# fonts-dejavu-core by default); without it, PDF's built-in Helvetica (Latin-1 only).
LETTER_FONT = os.environ.get("LETTER_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LETTER_FONT_BOLD = os.environ.get(
    "LETTER_FONT_BOLD", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
)
# Celery workers log through the handlers above when they are JSON, not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# The FHIR R4 API (cases/fhir/, README "Connecting an EHR"). Navigator's identifier systems
# (the case, the patient, each step) and code systems (stages, reasons, tumour types) are named
# under this URI: set it to one your organisation owns.
FHIR_SYSTEM_URI = os.environ.get("FHIR_SYSTEM_URI", "https://navigator.example.org/fhir").rstrip(
    "/"
)
# Free text typed about a case (diagnosis notes, the other reason, reasons for a blocked or
# not-needed step) leaves Navigator only when this is on.
FHIR_SHARE_FREE_TEXT = envbool("FHIR_SHARE_FREE_TEXT", "false")
# A referral bundle larger than this is refused (413) before it is read.
FHIR_MAX_BODY_BYTES = envint("FHIR_MAX_BODY_BYTES", str(512 * 1024))
# Results per page of a search, unless `_count` asks for fewer (never more).
FHIR_PAGE_SIZE = envint("FHIR_PAGE_SIZE", "50")
# The spreadsheet import (cases/imports/): the largest file a supervisor may upload, and how
# long an upload waits for its confirmation (it is kept in the uploader's session, never on
# disk, and dropped on confirm, cancel or after this time).
CASE_IMPORT_MAX_MB = envint("CASE_IMPORT_MAX_MB", "5")
CASE_IMPORT_WAIT_MINUTES = envint("CASE_IMPORT_WAIT_MINUTES", "30")
# Distress screening and barriers to care (cases/screening/): a Distress Thermometer score at or
# above the threshold asks for a plan (a referral, or why none is made); an open case is due
# for rescreening this many days after its last screening; the report counts a new case as
# screened on time when its first screening is within this many days of opening.
SCREENING_THRESHOLD = envint("SCREENING_THRESHOLD", "4")
RESCREENING_DAYS = envint("RESCREENING_DAYS", "30")
SCREENING_WITHIN_DAYS = envint("SCREENING_WITHIN_DAYS", "7")
# The programme's name on the cancer committee's annual summary.
PROGRAMME_NAME = os.environ.get("PROGRAMME_NAME", LETTERHEAD_NAME)
