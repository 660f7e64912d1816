from celery import Celery
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from cases import health

URL = reverse("healthz")
UNREACHABLE = "redis://127.0.0.1:1/0"


def test_healthy_when_the_database_and_the_broker_answer(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_anyone_may_ask_and_learns_nothing_else(client, alex):
    """No login (the load balancer has none), and the answer names no case or person."""
    from tests import factories

    factories.open_case(alex, patient={"full_name": "Avery Ashdown"})
    response = client.get(URL)
    assert response.status_code == 200
    assert set(response.json()) == {"database", "broker"}
    assert b"Avery" not in response.content
    assert "no-cache" in response["Cache-Control"]


def test_the_load_balancer_gets_an_answer_over_plain_http(db, settings):
    """Production redirects plain HTTP to HTTPS, but not the health check."""
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a fresh handler reads the setting
    assert client.get(URL).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_503_when_the_broker_is_unreachable(client, db, monkeypatch, caplog):
    # Nothing listens on port 1: the connection is refused at once. (Celery reads the
    # environment variable before its settings, so both name the unreachable broker.)
    with monkeypatch.context() as patch:
        patch.setenv("CELERY_BROKER_URL", UNREACHABLE)
        patch.setattr(
            health, "app", Celery("unreachable", broker=UNREACHABLE, set_as_current=False)
        )
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable"}
    assert "127.0.0.1:1" not in caplog.text


def test_503_when_the_database_is_unreachable(client, db, monkeypatch):
    def refuse():
        raise OperationalError("could not connect to server")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "broker": "ok"}


def test_only_get(client, db):
    assert client.post(URL).status_code == 405
