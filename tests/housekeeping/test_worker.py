"""A real worker with embedded beat (as `make run` starts it) runs the housekeeping task on its
schedule: a lapsed staff session and a revoked link's session are gone, the live one stays."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.patient import links as status_links
from tests import factories
from tests.patient.status_page_data import case_in_progress, issue, pass_check
from tests.reminders.test_worker import start_worker, stop, wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_beat_runs_housekeeping_and_the_worker_removes_dead_sessions(tmp_path):
    factories.ensure_defaults()
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    factories.social_worker("blair")
    case = case_in_progress(alex)
    issued = issue(case, alex)
    pass_check(Client(), issued.token)
    status_links.status_link_revoke(link=issued.link, by=alex)
    lapsed, live = Client(), Client()
    for browser, username in ((lapsed, "alex"), (live, "blair")):
        browser.post(reverse("login"), {"username": username, "password": "correct-horse-battery"})
    Session.objects.filter(session_key=lapsed.cookies["sessionid"].value).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert Session.objects.count() == 3
    # The site's own key: the worker reads the sessions the site signed.
    worker = start_worker(
        tmp_path,
        "solo",
        beat=True,
        env={"HOUSEKEEPING_SECONDS": "1", "SECRET_KEY": settings.SECRET_KEY},
    )
    try:
        wait_until(lambda: Session.objects.count() == 1, timeout=60, logs=tmp_path)
    finally:
        stop(worker)
    assert Session.objects.get().session_key == live.cookies["sessionid"].value
