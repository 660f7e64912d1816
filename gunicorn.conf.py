"""Gunicorn's settings for production; gunicorn reads this file from the working directory.

Requests are logged by path only (a query string can carry a search for a patient's name),
and a status link's token is taken out of the path (navigator/log_format.py).
"""

import os

bind = f"{os.environ.get('BIND_ADDRESS', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104 - the proxy in front connects to it
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# The reverse proxy in front sets X-Forwarded-Proto; trust it from these addresses only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
logger_class = "navigator.log_format.GunicornLogger"
if os.environ.get("LOG_FORMAT") == "json":
    access_log_format = (
        '{"time": "%(t)s", "logger": "gunicorn.access", "method": "%(m)s", "path": "%(U)s", '
        '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s}'
    )
else:
    access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
