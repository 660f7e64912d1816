"""The login backend loads the care-team groups with the user, in one query per request."""

from django.contrib.auth.models import Group
from django.urls import reverse

from cases.access import SUPERVISORS
from tests import factories

URL = reverse("caseload")


def test_group_changes_apply_at_the_next_request(client_for, alex, sam):
    factories.open_case(alex)
    client = client_for(sam)
    assert client.get(URL).context["page"].paginator.count == 1
    sam.groups.remove(Group.objects.get(name=SUPERVISORS))
    assert client.get(URL).status_code == 404


def test_a_deactivated_user_is_logged_out(client_for, alex):
    client = client_for(alex)
    alex.is_active = False
    alex.save()
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_user_and_their_groups_cost_one_query(client_for, alex, django_assert_num_queries):
    client = client_for(alex)
    # The session, the user with their groups, the count (no rows: nothing to fetch), and the
    # audit event of the list's view.
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200


def test_logging_in_with_a_password_still_works(client, alex):
    response = client.post(
        reverse("login"), {"username": "alex", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(URL).status_code == 200
