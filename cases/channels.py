"""How messages leave Navigator: email through Django's mail framework, SMS behind a small
backend interface. Reminders and status links both send through here.

Neither function swallows errors: a failed send raises, so the caller can record it and retry.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SMSBackend(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class LoggingSMSBackend:
    """The default: says that a text was sent, never what it said or to whom."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS sent (%d characters)", len(body))


class InMemorySMSBackend:
    """For tests: keeps every text in `outbox`."""

    outbox: list[dict] = []

    def send(self, *, to: str, body: str) -> None:
        InMemorySMSBackend.outbox.append({"to": to, "body": body})


def sms_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, body: str) -> None:
    sms_backend().send(to=to, body=body)


def send_email(*, to: str, subject: str, text: str, html: str | None = None) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
