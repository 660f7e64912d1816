import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, Case, Delivery, StatusLink, Step
from cases.patient import links as status_links
from tests import factories
from tests.patient.status_page_data import case_in_progress, issue
from tests.query_budgets import CASE_PAGE_QUERIES


def url(case) -> str:
    return reverse("case_detail", args=[case.pk])


def days_ahead(days: int, time: str) -> str:
    """A datetime-local value `days` from the real today: appointments are accepted within
    the next three years of whatever day the suite runs."""
    return f"{timezone.localdate() + datetime.timedelta(days=days):%Y-%m-%d}T{time}"


def test_the_owner_sees_the_case_and_the_view_is_audited(client_for, alex, case):
    response = client_for(alex).get(url(case))
    assert response.status_code == 200
    assert case.patient.full_name.encode() in response.content
    assert AuditEvent.objects.filter(case=case, action="view", actor=alex).count() == 1


def test_a_covering_colleague_sees_it(client_for, casey, case):
    assert client_for(casey).get(url(case)).status_code == 200


def test_another_social_worker_gets_404(client_for, blair, case):
    response = client_for(blair).get(url(case))
    assert response.status_code == 404
    assert case.patient.full_name.encode() not in response.content


def test_a_supervisor_sees_it(client_for, sam, case):
    assert client_for(sam).get(url(case)).status_code == 200


def test_anonymous_gets_the_login_page(client, case):
    response = client.get(url(case))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_case_that_does_not_exist_gets_the_calm_404(client_for, alex, db):
    response = client_for(alex).get(reverse("case_detail", args=[999999]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name, args",
    [
        ("case_edit", []),
        ("case_status", []),
        ("insurance_edit", []),
        ("appointment_edit", []),
        ("note_add", []),
        ("case_reassign", []),
    ],
)
def test_every_case_action_is_404_for_an_outsider(client_for, blair, case, name, args):
    response = client_for(blair).post(reverse(name, args=[case.pk, *args]), {"status": "on_hold"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_step_actions_are_404_for_an_outsider(client_for, blair, case):
    step = case.steps.get(stage="referral")
    item = step.checklist.first()
    client = client_for(blair)
    assert (
        client.post(reverse("step_status", args=[case.pk, step.pk]), {"status": "done"}).status_code
        == 404
    )
    assert client.post(reverse("step_due_date", args=[case.pk, step.pk]), {}).status_code == 404
    assert (
        client.post(reverse("checklist_item", args=[case.pk, item.pk]), {"done": "1"}).status_code
        == 404
    )
    step.refresh_from_db()
    assert step.status == Step.Status.IN_PROGRESS


def test_a_step_of_another_case_is_404(client_for, alex, case):
    other = factories.open_case(alex)
    other_step = other.steps.get(stage="referral")
    response = client_for(alex).post(
        reverse("step_status", args=[case.pk, other_step.pk]), {"status": "done"}
    )
    assert response.status_code == 404


def test_completing_the_referral_moves_the_case_on(client_for, alex, case):
    step = case.steps.get(stage="referral")
    response = client_for(alex).post(
        reverse("step_status", args=[case.pk, step.pk]),
        {"status": "done", "version": step.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.current_stage == "preauthorization"


def test_blocking_without_a_reason_is_refused_and_keeps_the_choice(client_for, alex, case):
    step = case.steps.get(stage="referral")
    response = client_for(alex).post(
        reverse("step_status", args=[case.pk, step.pk]),
        {"status": "not_needed", "reason": "", "version": step.version},
    )
    assert response.status_code == 400
    assert b"Say why" in response.content
    assert b'value="not_needed" selected' in response.content
    step.refresh_from_db()
    assert step.status == Step.Status.IN_PROGRESS


def test_moving_a_due_date_with_a_bad_date_keeps_the_reason(client_for, alex, case):
    step = case.steps.get(stage="referral")
    response = client_for(alex).post(
        reverse("step_due_date", args=[case.pk, step.pk]),
        {"due_date": "2026-02-31", "reason": "Waiting on the lab", "version": step.version},
    )
    assert response.status_code == 400
    assert b"Waiting on the lab" in response.content
    assert b"Enter a valid date" in response.content


def test_a_stale_step_form_is_refused_with_an_explanation(client_for, alex, casey, case):
    step = case.steps.get(stage="referral")
    stale_version = step.version
    client_for(casey).post(
        reverse("step_status", args=[case.pk, step.pk]),
        {"status": "blocked", "reason": "Lab closed", "version": stale_version},
    )
    response = client_for(alex).post(
        reverse("step_status", args=[case.pk, step.pk]),
        {"status": "done", "version": stale_version},
    )
    assert response.status_code == 409
    assert b"Someone else changed this step" in response.content
    step.refresh_from_db()
    assert step.status == Step.Status.BLOCKED


def test_ticking_a_checklist_item(client_for, alex, case):
    item = case.steps.get(stage="referral").checklist.first()
    client_for(alex).post(reverse("checklist_item", args=[case.pk, item.pk]), {"done": "1"})
    item.refresh_from_db()
    assert item.done_by == alex and item.done_at is not None
    page = client_for(alex).get(url(case))
    assert b"by Alex Rivera" in page.content


def test_insurance_saves_and_bad_input_is_kept(client_for, alex, case):
    client = client_for(alex)
    target = reverse("insurance_edit", args=[case.pk])
    bad = {
        "payer": "Example Health Plan",
        "member_id": "M-1234",
        "preauthorization_required": "yes",
        "decision": "approved",
        "decided_on": "",
        "in_network": "yes",
        "expected_out_of_pocket": "-5",
        "version": case.insurance.version,
    }
    response = client.post(target, bad)
    assert response.status_code == 400
    assert b"Add the date of the decision" in response.content
    assert b"A cost cannot be negative" in response.content
    assert b"M-1234" in response.content
    # Insurance dates are accepted within ten years of the day the suite runs.
    decided = timezone.localdate() - datetime.timedelta(days=11)
    good = bad | {"decided_on": f"{decided:%Y-%m-%d}", "expected_out_of_pocket": "250.00"}
    saved = client.post(target, good)
    assert saved.status_code == 302 and saved["Location"].endswith("#insurance")
    case.insurance.refresh_from_db()
    assert case.insurance.decision == "approved" and case.insurance.member_id == "M-1234"
    # The case page shows what was saved; the form is one click away, filled in.
    page = client.get(url(case)).content.decode()
    assert "M-1234" in page and f"Approved, {decided:%b %-d, %Y}" in page and "$250.00" in page
    assert 'value="M-1234"' in client.get(target).content.decode()


def test_two_people_saving_insurance_from_stale_copies(client_for, alex, casey, case):
    target = reverse("insurance_edit", args=[case.pk])
    loaded_version = case.insurance.version
    form = {
        "preauthorization_required": "unknown",
        "decision": "pending",
        "in_network": "unknown",
        "version": loaded_version,
    }
    client_for(casey).post(target, form | {"payer": "Placeholder Care"})
    response = client_for(alex).post(target, form | {"payer": "Sample Mutual"})
    assert response.status_code == 409
    assert b"Someone else changed insurance" in response.content
    assert b"Sample Mutual" in response.content  # what alex typed is still on the page
    case.insurance.refresh_from_db()
    assert case.insurance.payer == "Placeholder Care"
    # Saving again from the conflict page is a deliberate choice, and goes through.
    again = client_for(alex).post(
        target, form | {"payer": "Sample Mutual", "version": case.insurance.version}
    )
    assert again.status_code == 302


def test_appointment_by_video_needs_a_link(client_for, alex, case):
    response = client_for(alex).post(
        reverse("appointment_edit", args=[case.pk]),
        {
            "scheduled_at": days_ahead(2, "10:30"),
            "mode": "video",
            "version": case.appointment.version,
        },
    )
    assert response.status_code == 400
    assert b"Add the link" in response.content


def test_a_note_appears_on_the_page_and_timeline(client_for, alex, case):
    client = client_for(alex)
    client.post(reverse("note_add", args=[case.pk]), {"body": "Called the pathology lab."})
    page = client.get(url(case))
    assert b"Called the pathology lab." in page.content
    assert b"Note added." in page.content


def test_putting_a_case_on_hold_needs_a_reason(client_for, alex, case):
    client = client_for(alex)
    response = client.post(
        reverse("case_status", args=[case.pk]), {"status": "on_hold", "version": case.version}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("case_status", args=[case.pk]),
        {
            "status": "on_hold",
            "reason": "Patient in hospital",
            "review_on": f"{factories.review_date():%Y-%m-%d}",
            "version": case.version,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "on_hold" and case.status_reason == "Patient in hospital"
    assert case.hold_review_on == factories.review_date()


def test_a_supervisor_reassigns_but_a_social_worker_cannot(client_for, alex, blair, sam, case):
    target = reverse("case_reassign", args=[case.pk])
    data = {"social_worker": blair.pk, "version": case.version}
    assert client_for(alex).post(target, data).status_code == 404
    assert client_for(sam).post(target, data).status_code == 302
    case.refresh_from_db()
    assert case.social_worker == blair


def test_reassigning_to_the_current_owner_says_so_and_changes_nothing(client_for, alex, sam, case):
    target = reverse("case_reassign", args=[case.pk])
    client = client_for(sam)
    response = client.post(target, {"social_worker": alex.pk, "version": case.version}, follow=True)
    assert "already assigned to Alex Rivera" in response.content.decode()
    assert "Case reassigned" not in response.content.decode()
    assert not case.events.filter(kind="reassigned").exists()


def test_editing_details_from_a_stale_copy_is_refused_and_keeps_typing(
    client_for, alex, casey, case
):
    target = reverse("case_edit", args=[case.pk])
    page = client_for(alex).get(target)
    data = {**page.context["patient_form"].initial, **page.context["case_form"].initial}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items() if v is not None}
    data["reasons"] = ["another_view"]
    data["social_worker"] = alex.pk
    client_for(casey).post(target, data | {"phone": "555-0111"})
    response = client_for(alex).post(target, data | {"diagnosis_notes": "Seen at the tumour board"})
    assert response.status_code == 409
    assert b"Someone else changed this case" in response.content
    assert b"Seen at the tumour board" in response.content
    case.refresh_from_db()
    case.patient.refresh_from_db()
    assert case.patient.phone == "555-0111" and case.diagnosis_notes == ""


def test_the_case_page_costs_a_fixed_number_of_queries(
    client_for, alex, django_assert_max_num_queries
):
    small = factories.open_case(alex)
    big = case_in_progress(alex)  # booked at a centre: the appointment's records are joined
    client = client_for(alex)
    for index in range(30):
        client.post(reverse("note_add", args=[big.pk]), {"body": f"Note {index}"})
    for index in range(3):
        issued = issue(big, alex)
        status_links.patient_question_add(link=issued.link, text=f"Question {index}?")
    now = timezone.now()
    StatusLink.objects.filter(pk=issued.link.pk).update(
        locked_until=now + datetime.timedelta(minutes=10)
    )
    Delivery.objects.bulk_create(
        Delivery(
            recipient=alex,
            case=big,
            channel="email",
            rule="overdue",
            status="dead",
            attempts=5,
            last_error=f"SMTPException: try {index}",
            created_at=now,
            next_attempt_at=now,
        )
        for index in range(3)
    )
    for case in (small, big):
        with django_assert_max_num_queries(CASE_PAGE_QUERIES):
            response = client.get(url(case))
        assert response.status_code == 200
    body = response.content.decode()
    assert "Note 29" in body and "Question 2?" in body and "SMTPException: try 2" in body
    assert "3 active links" in body and "1 locked after 5 wrong dates of birth" in body
    assert "Example Brain Tumor Center" in body


def test_the_link_summary_leaves_out_expired_links_and_ended_lockouts(client_for, alex, case):
    now = timezone.now()
    issue(case, alex, now=now - datetime.timedelta(days=91))  # links last 90 days
    ended, locked = issue(case, alex), issue(case, alex)
    StatusLink.objects.filter(pk=ended.link.pk).update(
        failed_attempts=5, locked_until=now - datetime.timedelta(minutes=1)
    )
    StatusLink.objects.filter(pk=locked.link.pk).update(
        failed_attempts=5, locked_until=now + datetime.timedelta(minutes=10)
    )
    body = client_for(alex).get(url(case)).content.decode()
    assert "2 active links" in body and "1 locked after 5 wrong dates of birth" in body


def test_a_closed_case_offers_no_new_status_link(client_for, alex, case):
    client = client_for(alex)
    client.post(
        reverse("case_status", args=[case.pk]),
        {"status": "withdrawn", "reason": "Chose to stay with the current team", "version": 1},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
    assert "Create a status link" not in client.get(url(case)).content.decode()


@pytest.mark.parametrize("name", ["insurance_edit", "appointment_edit", "status_links"])
def test_each_page_of_a_case_records_the_view(client_for, alex, case, name):
    response = client_for(alex).get(reverse(name, args=[case.pk]))
    assert response.status_code == 200
    assert case.patient.full_name in response.content.decode()
    assert AuditEvent.objects.filter(case=case, action="view", actor=alex).count() == 1


def test_the_appointment_is_shown_and_changed_on_its_own_page(client_for, alex):
    case = case_in_progress(alex)
    client = client_for(alex)
    body = client.get(url(case)).content.decode()
    assert "Example Brain Tumor Center" in body and "Your list of medicines." in body
    assert "Change the appointment" in body
    target = reverse("appointment_edit", args=[case.pk])
    page = client.get(target)
    assert page.status_code == 200
    assert "1 Example Way, Springfield</textarea>" in page.content.decode()
    response = client.post(
        target,
        {
            "scheduled_at": days_ahead(400, "09:15"),
            "mode": "video",
            "video_link": "https://video.example.org/room/7",
            "version": case.appointment.version,
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#appointment")
    case.appointment.refresh_from_db()
    assert case.appointment.video_link == "https://video.example.org/room/7"
    assert "https://video.example.org/room/7" in client.get(url(case)).content.decode()


def test_an_appointment_saved_from_a_stale_copy_is_refused_and_keeps_typing(
    client_for, alex, casey
):
    case = case_in_progress(alex)
    target = reverse("appointment_edit", args=[case.pk])
    loaded = case.appointment.version
    form = {"scheduled_at": days_ahead(401, "11:00"), "mode": "in_person", "version": loaded}
    client_for(casey).post(target, form | {"address": "2 Sample Road"})
    response = client_for(alex).post(target, form | {"address": "3 Placeholder Lane"})
    assert response.status_code == 409
    assert b"Someone else changed" in response.content
    assert b"3 Placeholder Lane" in response.content
    case.appointment.refresh_from_db()
    assert case.appointment.address == "2 Sample Road"


def test_an_empty_note_is_refused_with_a_message(client_for, alex, case):
    response = client_for(alex).post(reverse("note_add", args=[case.pk]), {"body": ""})
    assert response.status_code == 400
    assert "Write the note first." in response.content.decode()
    assert not case.notes.exists()


def test_the_timeline_is_newest_first(client_for, alex, case):
    client = client_for(alex)
    client.post(reverse("note_add", args=[case.pk]), {"body": "First"})
    step = case.steps.get(stage="referral")
    client.post(
        reverse("step_status", args=[case.pk, step.pk]), {"status": "done", "version": step.version}
    )
    timeline = client.get(url(case)).context["timeline"]
    assert timeline[0].created_at >= timeline[-1].created_at
    assert timeline[-1].summary == "Case opened."


def test_page_shows_days_overdue(client_for, alex):
    today = datetime.datetime(2026, 12, 1, 15, tzinfo=datetime.UTC)
    case = factories.open_case(alex, now=today - datetime.timedelta(days=21))
    with time_machine.travel(today):
        response = client_for(alex).get(url(case))
    assert b"overdue" in response.content


def error_summary_links(response) -> list[tuple[str, str]]:
    """(field id, message) of each link in the error summary, which must open the page."""
    body = response.content.decode()
    main = body[body.index('<main id="main"') :]
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', main, re.S)
    assert summary, "no error summary"
    assert main.index(summary.group(0)) < main.index("<h1"), "the summary is not at the top"
    return re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', summary.group(0))


def has_autofocus(response, element_id: str) -> bool:
    tag = re.search(rf'<[^>]* id="{re.escape(element_id)}"[^>]*>', response.content.decode())
    return bool(tag) and " autofocus" in tag.group(0)


def test_a_due_date_move_without_a_reason_says_so_at_the_top(client_for, alex, case):
    step = case.steps.get(stage="referral")
    response = client_for(alex).post(
        reverse("step_due_date", args=[case.pk, step.pk]),
        {"due_date": days_ahead(10, "")[:10], "reason": "", "version": step.version},
    )
    assert response.status_code == 400
    assert error_summary_links(response) == [
        ("id_reason", "Say why the due date moves (for example: records are late).")
    ]
    assert has_autofocus(response, "id_reason")


def test_an_empty_note_says_so_at_the_top(client_for, alex, case):
    response = client_for(alex).post(reverse("note_add", args=[case.pk]), {"body": ""})
    assert response.status_code == 400
    assert error_summary_links(response) == [("note-body", "Write the note first.")]
    assert has_autofocus(response, "note-body")


def test_a_step_marked_not_needed_without_a_reason_says_so_at_the_top(client_for, alex, case):
    step = case.steps.get(stage="referral")
    response = client_for(alex).post(
        reverse("step_status", args=[case.pk, step.pk]),
        {"status": "not_needed", "reason": "", "version": step.version},
    )
    assert response.status_code == 400
    [(field_id, message)] = error_summary_links(response)
    assert (field_id, message) == (
        f"step-{step.pk}-reason",
        "Say why the step is not needed (for example: the plan needs no preauthorization).",
    )
    assert has_autofocus(response, field_id)


def test_a_stale_mark_done_says_so_at_the_top_and_links_to_the_step(client_for, alex, case):
    step = case.steps.get(stage="referral")
    # A colleague changed the step after this page was loaded.
    Step.objects.filter(pk=step.pk).update(version=step.version + 1)
    response = client_for(alex).post(
        reverse("step_status", args=[case.pk, step.pk]),
        {"status": "done", "version": step.version},
    )
    assert response.status_code == 409
    assert [field_id for field_id, _ in error_summary_links(response)] == [f"step-{step.pk}"]


def test_a_case_status_change_without_a_reason_says_so_at_the_top(client_for, alex, case):
    response = client_for(alex).post(
        reverse("case_status", args=[case.pk]),
        {"status": "on_hold", "reason": "", "version": case.version},
    )
    assert response.status_code == 400
    assert error_summary_links(response) == [
        (
            "case-status-reason",
            "Say why the case goes on hold (for example: the patient is in hospital).",
        ),
        (
            "case-status-review-on",
            "Choose the day to look at the hold again (for example: when the patient expects "
            "to leave hospital).",
        ),
    ]
    assert has_autofocus(response, "case-status-reason")


def test_a_reassignment_to_nobody_says_so_at_the_top(client_for, sam, case):
    response = client_for(sam).post(
        reverse("case_reassign", args=[case.pk]), {"version": case.version}
    )
    assert response.status_code == 400
    assert error_summary_links(response) == [("id_social_worker", "Choose who takes the case.")]
    assert has_autofocus(response, "id_social_worker")


def test_a_snooze_without_a_reason_says_so_at_the_top(client_for, alex, case):
    step = case.steps.get(stage="referral")
    response = client_for(alex).post(
        reverse("step_snooze", kwargs={"case_id": case.pk, "step_id": step.pk}),
        {"until": days_ahead(5, "")[:10], "reason": "", "version": step.version},
    )
    assert response.status_code == 400
    assert error_summary_links(response) == [
        (f"step-{step.pk}-snooze-reason", "Say why the reminders pause.")
    ]
    assert has_autofocus(response, f"step-{step.pk}-snooze-reason")


def test_an_appointment_at_the_end_of_time_is_refused_and_nothing_breaks(client_for, alex):
    case = case_in_progress(alex)
    client = client_for(alex)
    target = reverse("appointment_edit", args=[case.pk])
    form = {
        "scheduled_at": "9999-12-31T23:59",
        "mode": "in_person",
        "address": "1 Example Way",
        "version": case.appointment.version,
    }
    response = client.post(target, form)
    assert response.status_code == 400
    assert "Check the date: an appointment must be between" in response.content.decode()
    assert 'value="9999-12-31T23:59"' in response.content.decode()
    assert client.get(url(case)).status_code == 200
    assert client.get(target).status_code == 200
    assert client.get(reverse("insurance_edit", args=[case.pk])).status_code == 200


def test_dates_outside_a_plausible_range_are_refused_with_what_was_typed(client_for, alex, case):
    client = client_for(alex)
    step = case.steps.get(stage="referral")
    moved = client.post(
        reverse("step_due_date", args=[case.pk, step.pk]),
        {"due_date": "9999-12-31", "reason": "Typo", "version": step.version},
    )
    assert moved.status_code == 400
    assert "a due date must be between" in moved.content.decode()
    assert 'value="9999-12-31"' in moved.content.decode()
    insurance = client.post(
        reverse("insurance_edit", args=[case.pk]),
        {"requested_on": "0001-01-01", "version": case.insurance.version},
    )
    assert insurance.status_code == 400
    assert "Check the date: it must be between" in insurance.content.decode()
    assert client.get(url(case)).status_code == 200
