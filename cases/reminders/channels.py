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

import datetime
import logging
import secrets
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends import filebased
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


def _demo_file_name(folder: Path, suffix: str) -> Path:
    """A new file in `folder` named by the time and a random tail: nothing about the patient."""
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d-%H%M%S")
    return folder / f"{stamp}-{secrets.token_hex(4)}{suffix}"


class DemoFileEmailBackend(filebased.EmailBackend):
    """The demo's mail (`make run`): each message in a file under EMAIL_FILE_PATH, and one log
    line naming the file. A message carries a patient's address and a status link's token, so
    it never goes to the console, which is the web server's and the worker's log stream."""

    def _get_filename(self) -> str:
        if self._fname is None:
            self._fname = str(_demo_file_name(Path(self.file_path), ".eml"))
        return self._fname

    def send_messages(self, email_messages) -> int:
        sent = super().send_messages(email_messages)
        if sent:
            logger.info("Demo mail written to %s", self._get_filename())
        return sent


class DemoFileSMSBackend:
    """The demo's texts (`make run`): each in a file under SMS_FILE_PATH, and one log line
    naming the file, never the number or the words (a status link's token)."""

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout
        self.folder = Path(settings.SMS_FILE_PATH)

    def send(self, *, to: str, body: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = _demo_file_name(self.folder, ".txt")
        path.write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")
        logger.info("Demo text message written to %s", path)


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
