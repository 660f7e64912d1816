"""`make run` (DEBUG) sends no mail and no texts: each message is written to a file under
var/, and the console (the web server's and the worker's log stream) gets one line naming the
file, never an address, a phone number, a name or a status link's token."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NAME, EMAIL, PHONE = "Demopatient Quillfeather", "quillfeather.demo@example.org", "555-0142"

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


def test_the_demo_writes_messages_to_files_and_logs_only_their_names(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_BACKEND", "SMS_BACKEND", "LOG_FORMAT"}
        and not key.startswith(("EMAIL_", "SMS_"))
    }
    env |= {"DEBUG": "1", "NAVIGATOR_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    migrated = _manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
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
