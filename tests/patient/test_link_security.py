"""The status link's defences: lockout, one answer for every dead link, CSRF, tokens."""

import datetime
import hashlib

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cases.models import CaseEvent, StatusLink
from cases.patient import links as status_links
from tests.patient.status_page_data import (
    birth_date_post,
    case_in_progress,
    issue,
    pass_check,
    status_url,
)

NOW = datetime.datetime(2030, 3, 4, 15, 0, tzinfo=datetime.UTC)
WRONG = birth_date_post(datetime.date(1970, 1, 1))


@pytest.fixture
def patient_case(alex):
    return case_in_progress(alex)


def test_the_token_has_256_bits_and_only_its_hash_is_stored(patient_case, alex):
    issued = issue(patient_case, alex)
    assert len(issued.token) >= 43  # 32 random bytes in URL-safe base64
    link = StatusLink.objects.get(pk=issued.link.pk)
    assert link.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    stored = [str(value) for value in StatusLink.objects.values_list().get(pk=link.pk)]
    assert issued.token not in stored


def test_two_links_never_share_a_token(patient_case, alex):
    tokens = {issue(patient_case, alex).token for _ in range(20)}
    assert len(tokens) == 20


def test_a_link_expires_after_90_days(alex):
    with time_machine.travel(NOW, tick=False) as traveller:
        issued = issue(case_in_progress(alex), alex)
        traveller.shift(datetime.timedelta(days=89, hours=23))
        assert status_links.status_link_for_token(issued.token) is not None
        traveller.shift(datetime.timedelta(hours=2))
        assert status_links.status_link_for_token(issued.token) is None


def test_five_wrong_birth_dates_lock_the_link_for_15_minutes(alex):
    client = Client()
    with time_machine.travel(NOW, tick=False) as traveller:
        issued = issue(case_in_progress(alex), alex)
        for _ in range(4):
            assert client.post(status_url(issued.token), WRONG).status_code == 400
        locked = client.post(status_url(issued.token), WRONG)
        assert locked.status_code == 404
        assert "This link does not work right now" in locked.content.decode()
        # The right date does not help while it is locked.
        assert (
            client.post(status_url(issued.token), birth_date_post(case_dob(issued))).status_code
            == 404
        )
        traveller.shift(datetime.timedelta(minutes=14))
        assert client.get(status_url(issued.token)).status_code == 404
        traveller.shift(datetime.timedelta(minutes=2))
        assert client.get(status_url(issued.token)).status_code == 200
        pass_check(client, issued.token, case_dob(issued))
    assert CaseEvent.objects.filter(
        case=issued.link.case, summary__contains="locked for 15 minutes"
    ).exists()


def lock_out_and_wait(client, token: str, traveller) -> None:
    """Enough wrong birth dates to lock the link, then wait out the lock."""
    for _ in range(status_links.MAX_FAILED_CHECKS):
        client.post(status_url(token), WRONG)
    traveller.shift(status_links.LOCK_DURATION + datetime.timedelta(minutes=1))


def test_the_third_lockout_in_a_row_revokes_the_link(alex):
    client = Client()
    with time_machine.travel(NOW, tick=False) as traveller:
        issued = issue(case_in_progress(alex), alex)
        for _ in range(status_links.MAX_LOCKOUTS):
            lock_out_and_wait(client, issued.token, traveller)
        # Revoked: even the right date no longer opens it.
        right = birth_date_post(case_dob(issued))
        assert client.post(status_url(issued.token), right).status_code == 404
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is not None
    assert CaseEvent.objects.filter(
        case=issued.link.case, summary__contains="revoked after 3 lockouts"
    ).exists()


def test_a_right_answer_between_lockouts_starts_the_count_again(alex):
    client = Client()
    with time_machine.travel(NOW, tick=False) as traveller:
        issued = issue(case_in_progress(alex), alex)
        for _ in range(status_links.MAX_LOCKOUTS):
            lock_out_and_wait(client, issued.token, traveller)
            pass_check(Client(), issued.token, case_dob(issued))
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is None and issued.link.lockouts == 0


def case_dob(issued) -> datetime.date:
    return issued.link.case.patient.date_of_birth


def test_a_locked_link_is_shown_locked_to_the_staff(client_for, alex):
    with time_machine.travel(NOW, tick=False):
        issued = issue(case_in_progress(alex), alex)
        for _ in range(5):
            status_links.status_link_check(
                link=issued.link, date_of_birth=datetime.date(1970, 1, 1)
            )
        client = client_for(alex)
        case_page = client.get(issued.link.case.get_absolute_url()).content.decode()
        links_page = client.get(
            reverse("status_links", kwargs={"case_id": issued.link.case_id})
        ).content.decode()
    assert "1 locked after 5 wrong dates of birth" in case_page
    assert "Locked until" in links_page
    assert "after 5 wrong dates of birth" in links_page


def _dead_links(alex) -> dict[str, str]:
    """One token for each way a link can fail to work."""
    expired = issue(case_in_progress(alex), alex, now=NOW - datetime.timedelta(days=91))
    revoked = issue(case_in_progress(alex), alex)
    status_links.status_link_revoke(link=revoked.link, by=alex)
    locked = issue(case_in_progress(alex), alex)
    StatusLink.objects.filter(pk=locked.link.pk).update(
        locked_until=NOW + datetime.timedelta(minutes=10)
    )
    return {
        "unknown": "x" * 43,
        "expired": expired.token,
        "revoked": revoked.token,
        "locked": locked.token,
    }


def test_unknown_expired_revoked_and_locked_links_get_identical_responses(alex):
    with time_machine.travel(NOW, tick=False):
        tokens = _dead_links(alex)
        answers = {}
        for reason, token in tokens.items():
            get = Client().get(status_url(token))
            post = Client().post(status_url(token), WRONG)
            answers[reason] = (get.status_code, get.content, post.status_code, post.content)
    first = answers["unknown"]
    assert first[0] == 404
    assert b"555-0100" in first[1]
    for reason, answer in answers.items():
        assert answer == first, reason


def test_every_page_behind_a_dead_link_gets_the_same_answer(alex):
    with time_machine.travel(NOW, tick=False):
        tokens = _dead_links(alex)
        calm = Client().get(status_url("x" * 43)).content
        for token in tokens.values():
            for name in ("patient_question_add", "patient_appointment_ics"):
                url = reverse(name, kwargs={"token": token})
                response = Client().post(url) if name.endswith("add") else Client().get(url)
                assert (response.status_code, response.content) == (404, calm)


def test_a_link_revoked_during_a_session_stops_working(client, patient_case, alex):
    issued = issue(patient_case, alex)
    pass_check(client, issued.token)
    status_links.status_link_revoke(link=issued.link, by=alex)
    assert client.get(status_url(issued.token)).status_code == 404


def test_reissuing_revokes_the_old_link_and_the_new_one_works(client, patient_case, alex):
    old = issue(patient_case, alex)
    new = status_links.status_link_reissue(link=old.link, by=alex)
    assert client.get(status_url(old.token)).status_code == 404
    assert client.get(status_url(new.token)).status_code == 200


def test_every_patient_form_needs_its_csrf_token(patient_case, alex):
    issued = issue(patient_case, alex)
    question = status_links.patient_question_add(link=issued.link, text="A question")
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post(status_url(issued.token), birth_date_post(case_dob(issued))).status_code == 403
    )
    # A session made the honest way, then each form posted without its token.
    page = client.get(status_url(issued.token))
    csrf = page.cookies["csrftoken"].value
    assert (
        client.post(
            status_url(issued.token),
            birth_date_post(case_dob(issued)) | {"csrfmiddlewaretoken": csrf},
        ).status_code
        == 302
    )
    ids = {"token": issued.token, "question_id": question.pk}
    for url in (
        reverse("patient_question_add", kwargs={"token": issued.token}),
        reverse("patient_question_edit", kwargs=ids),
        reverse("patient_question_remove", kwargs=ids),
    ):
        assert client.post(url, {"text": "Sneaky"}).status_code == 403
    question.refresh_from_db()
    assert question.text == "A question"


def test_every_staff_link_form_needs_its_csrf_token(patient_case, alex):
    issued = issue(patient_case, alex)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alex)
    case_id = patient_case.pk
    for url in (
        reverse("status_links", kwargs={"case_id": case_id}),
        reverse("status_link_revoke", kwargs={"case_id": case_id, "link_id": issued.link.pk}),
        reverse("status_link_reissue", kwargs={"case_id": case_id, "link_id": issued.link.pk}),
    ):
        assert client.post(url, {"delivery": "copy"}).status_code == 403
    assert StatusLink.objects.filter(case=patient_case).count() == 1


def test_the_token_is_never_logged_or_put_on_the_timeline(
    client, patient_case, alex, caplog, capfd
):
    with caplog.at_level("DEBUG"):
        issued = issue(patient_case, alex)
        wrong = Client()  # Django logs every 4xx answer with its path
        assert wrong.post(status_url(issued.token), WRONG).status_code == 400
        pass_check(client, issued.token)
        client.get(status_url(issued.token))
        status_links.status_link_revoke(link=issued.link, by=alex)
        assert client.get(status_url(issued.token)).status_code == 404
    assert "Bad Request: /s/[token]/" in caplog.text
    assert issued.token not in caplog.text
    assert issued.token not in "".join(capfd.readouterr())
    assert patient_case.patient.full_name not in caplog.text
    summaries = " ".join(
        CaseEvent.objects.filter(case=patient_case).values_list("summary", flat=True)
    )
    assert issued.token not in summaries


def test_the_session_cookie_changes_when_the_check_passes(client, patient_case, alex):
    issued = issue(patient_case, alex)
    client.get(status_url(issued.token))
    client.session.save()
    before = client.session.session_key
    pass_check(client, issued.token)
    assert client.session.session_key != before


def test_an_outsider_logged_in_as_staff_gains_nothing_on_the_patient_page(
    client_for, blair, patient_case, alex
):
    issued = issue(patient_case, alex)
    body = client_for(blair).get(status_url(issued.token)).content.decode()
    assert "Check your date of birth" in body
    assert "Where your request is" not in body


def test_the_dead_link_page_is_the_same_whatever_the_visitors_language(alex):
    english = Client().get(status_url("x" * 43))
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get(status_url("x" * 43))
    assert english.content == spanish.content
    assert b'<html lang="en">' in english.content and b'<section lang="es"' in english.content


def test_questions_of_another_case_are_refused_by_the_service_too(alex):
    mine = issue(case_in_progress(alex), alex)
    theirs = issue(case_in_progress(alex), alex)
    question = status_links.patient_question_add(link=theirs.link, text="Theirs")
    with pytest.raises(status_links.LinkError):
        status_links.patient_question_update(link=mine.link, question=question, text="Mine")
    with pytest.raises(status_links.LinkError):
        status_links.patient_question_remove(link=mine.link, question=question)
