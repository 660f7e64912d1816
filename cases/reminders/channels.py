"""How messages leave Navigator: email through Django's mail framework, SMS behind a small
backend interface. Reminders and status links both send through here.

Neither function swallows a failed send: it raises, so the caller can record it and retry. Both
give up after a timeout (`SMS_TIMEOUT` for the whole call; `EMAIL_TIMEOUT` for each wait for the
mail server, of which one email has at most SMTP_WAITS), so a server that stops answering is a
recorded failure, never a send left hanging until its claim expires. The delivery task's soft
time limit is longer than all of an email's waits together (tests/reminders/test_sending.py).

An email counts as sent once the server has accepted it (its reply to the end of DATA). An
error while closing the connection after that (a server that never answers QUIT) is logged and
the send stands: reporting it as a failure would send the message again.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# The most times one email waits for the mail server, each for up to EMAIL_TIMEOUT: connecting,
# its greeting, EHLO, STARTTLS, the TLS handshake, EHLO again, AUTH (two round trips at most),
# MAIL, RCPT, DATA, writing the message, the answer to its end, and QUIT.
SMTP_WAITS = 14


class SMSBackend(Protocol):
    """Made with `timeout=` seconds: a backend that calls a provider gives up after it."""

    def __init__(self, *, timeout: float) -> None: ...

    def send(self, *, to: str, body: str) -> None: ...


class LoggingSMSBackend:
    """The default: says that a text was sent, never what it said or to whom."""

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS sent (%d characters)", len(body))


class InMemorySMSBackend:
    """For tests: keeps every text in `outbox`."""

    outbox: list[dict] = []

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    def send(self, *, to: str, body: str) -> None:
        InMemorySMSBackend.outbox.append({"to": to, "body": body})


def sms_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)(timeout=settings.SMS_TIMEOUT)


def send_sms(*, to: str, body: str) -> None:
    sms_backend().send(to=to, body=body)


def send_email(
    *, to: str, subject: str, text: str, html: str | None = None, message_id: str | None = None
) -> None:
    """Send one email; `message_id` keeps the same Message-ID on every copy of one message."""
    headers = {"Message-ID": message_id} if message_id else None
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    # An explicit connection, so that closing it is apart from the send (Django's SMTP backend
    # reads EMAIL_TIMEOUT for every step of both).
    connection = get_connection()
    connection.open()
    try:
        connection.send_messages([message])
    finally:
        _close(connection)


def _close(connection) -> None:
    try:
        connection.close()
    except Exception as error:  # the message was accepted or has already failed: neither changes
        # The error's class only: a mail server's words may carry an address.
        logger.warning("Closing the mail connection failed: %s", type(error).__name__)
