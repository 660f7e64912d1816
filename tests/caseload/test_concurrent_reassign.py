"""Two supervisors reassigning overlapping selections from the caseload at the same moment, on
PostgreSQL: each posting the page's form as the browser does, in a request of its own. The
cases are locked in id order, so they take turns without a deadlock, each case moves once,
and the one who came second is told which cases changed under them."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseEvent, Delivery
from tests import factories
from tests.browser_form import form_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
    ),
]


def test_two_supervisors_at_once_move_each_case_once_and_the_second_hears_why():
    factories.ensure_defaults()  # a transactional test starts from empty tables
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    blair = factories.social_worker("blair", first_name="Blair", last_name="Nguyen")
    casey = factories.social_worker("casey", first_name="Casey", last_name="Morgan")
    first, second = (factories.open_case(alex) for _ in range(2))
    supervisors = {
        "sam": (factories.supervisor("sam"), blair, [first, second]),
        # The same two cases, ticked the other way round.
        "robin": (factories.supervisor("robin"), casey, [second, first]),
    }
    posts = {}
    for name, (user, worker, cases) in supervisors.items():
        client = Client()
        client.force_login(user)
        data = form_data(client.get(reverse("caseload")), reverse("caseload_reassign"))
        data |= {"case": [str(case.pk) for case in cases], "social_worker": [str(worker.pk)]}
        posts[name] = (client, data)

    start, answers, errors = threading.Barrier(2), {}, []

    def post(name: str) -> None:
        client, data = posts[name]
        try:
            start.wait()
            answers[name] = client.post(reverse("caseload_reassign"), data)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(name,)) for name in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert {name: answer.status_code for name, answer in answers.items()} == {
        "sam": 302,
        "robin": 302,
    }
    owners = set(Case.objects.values_list("social_worker__username", flat=True))
    # Whoever locked the first case first took both.
    assert owners in ({"blair"}, {"casey"})
    loser = "robin" if owners == {"blair"} else "sam"
    for case in (first, second):
        assert case.events.filter(kind=CaseEvent.Kind.REASSIGNED).count() == 1
    assert Delivery.objects.filter(rule="reassigned").count() == 1
    client, _ = posts[loser]
    summary = client.get(answers[loser].url).content.decode()
    assert "because they changed after you loaded the page" in summary
    assert "Reassigned 1 case" not in summary and "Reassigned 2 cases" not in summary
