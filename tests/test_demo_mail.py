"""`make run` (NAVIGATOR_DEMO) sends no mail and no texts: each message (a status link, a
reminder) is written to a file under var/, and the console (the web server's and the worker's
log stream) gets one line naming the file, never an address, a phone number, a name, a status
link's token or the message itself."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NAME, EMAIL, PHONE = "Demopatient Quillfeather", "quillfeather.demo@example.org", "555-0142"
REMINDED = "Demopatient Marrowby"

# Run inside `manage.py shell` with the demo's settings: the status links page, through
# Django's test client, sends a link by email and one by text message.
SEND_LINKS = f"""
from django.test import Client
from django.urls import reverse
from tests import factories

worker = factories.social_worker("demo-alex")
case = factories.open_case(
    worker, patient={{"full_name": "{NAME}", "email": "{EMAIL}", "phone": "{PHONE}"}}
)
client = Client(HTTP_HOST="localhost")
client.force_login(worker)
url = reverse("status_links", kwargs={{"case_id": case.pk}})
for delivery in ("email", "sms"):
    response = client.post(url, {{"link-audience": "patient", "link-delivery": delivery}})
    assert response.status_code == 302, response.status_code  # sent: back to the links
"""

# Then a reminder, as the worker of `make run` sends it: the sweep finds an overdue step and
# the delivery task's service sends its email to the owner.
SEND_REMINDER = f"""
import datetime
import time_machine
from cases.models import Delivery
from cases.reminders import sending, sweep
from cases.workflow import services
from tests import factories

monday = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)
worker = factories.social_worker("demo-blair")
case = factories.open_case(
    worker, patient={{"full_name": "{REMINDED}"}}, now=monday - datetime.timedelta(days=7)
)
step = case.steps.get(stage="referral")
services.due_date_move(
    step=step,
    due_date=datetime.date(2026, 11, 20),
    reason="Agreed",
    by=worker,
    now=monday - datetime.timedelta(days=7),
)
with time_machine.travel(monday, tick=False):
    sweep.sweep()
    (delivery,) = Delivery.objects.filter(recipient=worker)
    sending.delivery_send(delivery_id=delivery.pk)
assert Delivery.objects.get(pk=delivery.pk).status == "sent"
"""


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this interpreter and our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _demo(tmp_path: Path) -> dict:
    """The environment of `make run`, with a database of its own, migrated."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_BACKEND", "SMS_BACKEND"}
        and key != "LOG_FORMAT"
        and not key.startswith(("EMAIL_", "SMS_"))
    }
    env |= {"NAVIGATOR_DEMO": "1", "NAVIGATOR_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    migrated = _manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return env


def test_the_demo_writes_messages_to_files_and_logs_only_their_names(tmp_path):
    env = _demo(tmp_path)
    result = _manage("shell", "-c", SEND_LINKS, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output

    emails = list((tmp_path / "emails").iterdir())
    texts = list((tmp_path / "sms").iterdir())
    assert len(emails) == 1 and len(texts) == 1
    email, text = emails[0].read_text(), texts[0].read_text()
    assert EMAIL in email and PHONE in text
    tokens = re.findall(r"/s/([\w-]+)/", email) + re.findall(r"/s/([\w-]+)/", text)
    assert len(tokens) == 2

    assert f"Demo mail written to {emails[0]}" in output
    assert f"Demo text message written to {texts[0]}" in output
    for secret in (NAME, EMAIL, PHONE, *tokens):
        assert secret not in output


def test_a_reminder_in_the_demo_is_a_file_and_one_line_naming_it(tmp_path):
    env = _demo(tmp_path)
    result = _manage("shell", "-c", SEND_REMINDER, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output

    (email,) = (tmp_path / "emails").iterdir()
    message = email.read_text()
    assert "demo-blair@example.org" in message
    subject = next(line for line in message.splitlines() if line.startswith("Subject: "))
    assert f"Demo mail written to {email}" in output
    assert output.count("Demo mail written to") == 1
    body = ("Open the case:", subject.removeprefix("Subject: "))
    assert all(line in message for line in body)
    for secret in (REMINDED, "demo-blair@example.org", *body):
        assert secret not in output
