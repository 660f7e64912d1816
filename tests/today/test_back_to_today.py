"""One click from a Today row to the case page, and the case page's forms lead back."""

import pytest
import time_machine
from django.urls import reverse

from tests.browser_form import form_data
from tests.today.data import MONDAY, alex_monday, at

URL = "/today/"


@pytest.fixture
def monday(alex, blair):
    with time_machine.travel(at(MONDAY, 10), tick=False):
        yield alex_monday(alex, blair)


def row_url(client, slug: str, **params) -> str:
    page = client.get(URL, params)
    listed = next(item for item in page.context["lists"] if item.slug == slug)
    return listed.rows[0].url.partition("#")[0]


def test_marking_a_step_done_from_today_comes_back_to_today(client_for, alex, monday):
    client = client_for(alex)
    page_url = row_url(client, "due-today")
    page = client.get(page_url)
    step = monday["due"].steps.get(stage="referral")
    action = reverse("step_status", args=[monday["due"].pk, step.pk])
    data = form_data(page, action)
    assert data["next"] == ["/today/#due-today"]
    done = client.post(action, data | {"status": ["done"]})
    assert done.status_code == 302 and done.url == "/today/#due-today"
    after = client.get(URL)
    assert [row.patient for row in after.context["lists"][0].rows] == []
    assert "Referral: done." in after.content.decode()


def test_every_form_of_the_case_page_carries_next(client_for, alex, sam, monday):
    client = client_for(sam)
    page = client.get(row_url(client, "holds", worker=alex.pk))
    back = f"/today/?worker={alex.pk}#holds"
    case = monday["held"]
    referral = case.steps.get(stage="referral")
    item = referral.checklist.first()
    for action in (
        reverse("step_status", args=[case.pk, referral.pk]),
        reverse("step_due_date", args=[case.pk, referral.pk]),
        reverse("step_snooze", args=[case.pk, referral.pk]),
        reverse("case_status", args=[case.pk]),
        reverse("case_hold_review", args=[case.pk]),
        reverse("case_reassign", args=[case.pk]),
        reverse("note_add", args=[case.pk]),
        reverse("checklist_item", args=[case.pk, item.pk]),
    ):
        assert form_data(page, action)["next"] == [back], action
    text = page.content.decode()
    for page_name in ("appointment", "insurance", "edit"):
        assert (
            f'href="/cases/{case.pk}/{page_name}/?next=/today/%3Fworker%3D{alex.pk}%23holds"'
            in text
        )


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("note_add", {"body": ["Called the family."]}),
        ("case_hold_review", {"review_on": ["2026-12-21"]}),
    ],
)
def test_case_forms_lead_back_to_today(client_for, alex, monday, name, typed):
    client = client_for(alex)
    page = client.get(row_url(client, "holds"))
    action = reverse(name, args=[monday["held"].pk])
    response = client.post(action, form_data(page, action) | typed)
    assert response.status_code == 302 and response.url == "/today/#holds"


def test_resuming_a_hold_from_today_comes_back_and_the_row_is_gone(client_for, alex, monday):
    client = client_for(alex)
    page = client.get(row_url(client, "holds"))
    action = reverse("case_status", args=[monday["held"].pk])
    response = client.post(action, form_data(page, action) | {"status": ["open"]})
    assert response.url == "/today/#holds"
    holds = next(item for item in client.get(URL).context["lists"] if item.slug == "holds")
    assert holds.total == 0


def test_the_insurance_page_opened_from_today_leads_back(client_for, alex, monday):
    client = client_for(alex)
    case = monday["held"]
    page_url = f"{reverse('insurance_edit', args=[case.pk])}?next=/today/%23holds"
    page = client.get(page_url)
    response = client.post(page_url, form_data(page) | {"payer": ["Example Health Plan"]})
    assert response.status_code == 302 and response.url == "/today/#holds"


def test_a_refused_form_stays_on_the_case_page_still_carrying_next(client_for, alex, monday):
    case = monday["due"]
    item = case.steps.get(stage="referral").checklist.first()
    from cases.workflow import services

    services.case_set_status(case=case, status="withdrawn", reason="Moved", by=alex)
    response = client_for(alex).post(
        reverse("checklist_item", args=[case.pk, item.pk]), {"done": "1", "next": "/today/"}
    )
    assert response.status_code == 302
    assert response.url == f"/cases/{case.pk}/?next=%2Ftoday%2F"


@pytest.mark.parametrize(
    "unsafe",
    [
        "https://evil.example/",
        "//evil.example/today/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "today/",
        "/today/\r\nSet-Cookie: x=1",
        "/today/\x00",
        "/" + "a" * 600,
    ],
)
def test_next_leads_only_to_a_path_on_this_site(client_for, alex, monday, unsafe):
    case = monday["due"]
    client = client_for(alex)
    page = client.get(case.get_absolute_url(), {"next": unsafe})
    # A NUL byte in a query string gets the calm 400 page everywhere (cases.security).
    assert page.status_code == (400 if "\x00" in unsafe else 200)
    assert "Back to Today" not in page.content.decode()
    response = client.post(reverse("note_add", args=[case.pk]), {"body": "Called.", "next": unsafe})
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/#notes"
