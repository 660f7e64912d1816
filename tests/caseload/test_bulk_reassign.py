"""A supervisor ticks several cases on the caseload and gives them to one social worker, posting
the page's form as the browser does: each case reassigned through `case_reassign` (audited, a
timeline line each), the new owner told once, a stale selection left alone and said so, and
social workers never offered the selection."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from cases.access import SUPERVISORS
from cases.models import AuditEvent, Case, CaseEvent, Delivery, Reminder, StaffProfile
from cases.reminders import sending
from cases.reminders import sweep as reminder_sweep
from cases.workflow import services
from tests import factories
from tests.browser_form import form_data, submit

CASELOAD = reverse("caseload")
ACTION = reverse("caseload_reassign")
# Monday 23 November 2026, 10:00 in New York.
MONDAY = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def alex_cases(alex, *names: str) -> list[Case]:
    return [factories.open_case(alex, patient={"full_name": name}) for name in names]


def ticked(page, cases, **typed) -> dict:
    """The caseload's reassignment form as the browser sends it, with `cases` ticked."""
    data = form_data(page, ACTION)
    data["case"] = [str(case.pk) for case in cases]
    return data | {name: [str(value)] for name, value in typed.items()}


def test_a_supervisor_reassigns_the_ticked_cases_in_one_step(client_for, alex, blair, sam):
    first, second, third = alex_cases(alex, "Avery Ashdown", "Rowan Brightwater", "Quinn Fallow")
    client = client_for(sam)
    page = client.get(CASELOAD, {"sort": "patient", "status": "open"})
    response = client.post(ACTION, ticked(page, [first, second], social_worker=blair.pk))
    # Back to the same list: its filters and order.
    assert response.status_code == 302
    assert response.url == f"{CASELOAD}?sort=patient&status=open"
    for case in (first, second, third):
        case.refresh_from_db()
    assert (first.social_worker, second.social_worker, third.social_worker) == (blair, blair, alex)
    for case in (first, second):
        (line,) = case.events.filter(kind=CaseEvent.Kind.REASSIGNED)
        assert line.summary == "Reassigned from Alex Rivera to Blair Nguyen." and line.actor == sam
        (event,) = AuditEvent.objects.filter(action="update", case=case, actor=sam)
        assert event.changes == {"social_worker": [str(alex.pk), str(blair.pk)]}
    assert not third.events.filter(kind=CaseEvent.Kind.REASSIGNED).exists()
    summary = client.get(response.url).content.decode()
    assert "Reassigned 2 cases:" in summary and "Blair Nguyen is told by email." in summary
    assert f'<a href="{first.get_absolute_url()}">Avery Ashdown</a>' in summary
    # Shown once: the next visit is the plain list.
    assert "Reassigned 2 cases" not in client.get(response.url).content.decode()


def test_the_new_owner_hears_once_about_all_of_them_without_patient_names(
    client_for, alex, blair, sam, mailoutbox
):
    cases = alex_cases(alex, "Avery Ashdown", "Rowan Brightwater")
    client = client_for(sam)
    client.post(ACTION, ticked(client.get(CASELOAD), cases, social_worker=blair.pk))
    delivery = Delivery.objects.get(rule="reassigned")
    assert delivery.recipient == blair and delivery.case is None  # several cases
    assert sorted(delivery.reminders.values_list("case_id", flat=True)) == [c.pk for c in cases]
    sending.delivery_send(delivery_id=delivery.pk)
    (email,) = mailoutbox
    assert email.to == [blair.email]
    assert email.subject == "Navigator: 2 cases are now yours"
    for case in cases:
        assert f"Case #{case.pk}: Referral, next due" in email.body
        assert reverse("case_detail", args=[case.pk]) in email.body
    assert "Avery" not in email.body + email.subject and "Rowan" not in email.body
    # The sweep sends nothing more: the reminders already have their delivery.
    reminder_sweep.sweep()
    assert Delivery.objects.filter(rule="reassigned").count() == 1
    assert (
        cases[0]
        .events.filter(
            kind=CaseEvent.Kind.REMINDER,
            summary="Case assigned reminder sent to Blair Nguyen by email.",
        )
        .exists()
    )


def test_a_reassignment_from_the_case_page_tells_the_new_owner_too(
    client_for, alex, blair, sam, mailoutbox
):
    (case,) = alex_cases(alex, "Avery Ashdown")
    client = client_for(sam)
    moved = submit(
        client,
        case.get_absolute_url(),
        reverse("case_reassign", args=[case.pk]),
        social_worker=blair.pk,
    )
    page = client.get(moved.url).content.decode()
    assert "Case reassigned to Blair Nguyen, who is told by email." in page
    reminder_sweep.sweep()
    delivery = Delivery.objects.get(rule="reassigned")
    sending.delivery_send(delivery_id=delivery.pk)
    (email,) = mailoutbox
    assert email.to == [blair.email] and email.subject == f"Navigator: case #{case.pk} is now yours"


def test_a_notice_for_a_case_that_moved_on_again_is_not_sent(
    client_for, alex, blair, casey, sam, mailoutbox
):
    (case,) = alex_cases(alex, "Avery Ashdown")
    client = client_for(sam)
    client.post(ACTION, ticked(client.get(CASELOAD), [case], social_worker=blair.pk))
    case.refresh_from_db()
    services.case_reassign(case=case, social_worker=casey, by=sam, expected_version=case.version)
    to_blair = Delivery.objects.get(rule="reassigned", recipient=blair)
    sending.delivery_send(delivery_id=to_blair.pk)
    to_blair.refresh_from_db()
    assert to_blair.status == "cancelled" and mailoutbox == []


def test_a_stale_selection_is_left_alone_and_the_summary_says_what_happened(
    client_for, alex, blair, casey, sam
):
    moved, edited, closed, fine, mine = alex_cases(
        alex, "Avery Ashdown", "Rowan Brightwater", "Quinn Fallow", "Harper Lisle", "Sawyer Moss"
    )
    services.case_reassign(case=mine, social_worker=blair, by=sam)
    robin = factories.supervisor("robin", first_name="Robin", last_name="Hale")
    client = client_for(sam)
    page = client.get(CASELOAD)
    # While the page is open: another supervisor moves one case, its owner edits another's
    # details and withdraws a third.
    services.case_reassign(case=moved, social_worker=casey, by=robin, expected_version=1)
    services.case_update_details(
        case=edited,
        by=alex,
        expected_version=edited.version,
        patient_fields={},
        case_fields={"urgency": "urgent"},
        reasons=["another_view"],
    )
    services.case_set_status(
        case=closed, status="withdrawn", reason="Moved away", by=alex, expected_version=1
    )
    data = ticked(page, [moved, edited, closed, fine, mine], social_worker=blair.pk)
    data["case"].append("987654")  # a case that is not there (any more)
    response = client.post(ACTION, data)
    assert response.status_code == 302
    owners = dict(Case.objects.values_list("pk", "social_worker__username"))
    assert owners == {
        moved.pk: "casey",
        edited.pk: "alex",
        closed.pk: "alex",
        fine.pk: "blair",
        mine.pk: "blair",
    }
    summary = client.get(response.url).content.decode()
    assert "Reassigned 1 case: " in summary and ">Harper Lisle</a>." in summary
    assert "Already with Blair Nguyen: " in summary and ">Sawyer Moss</a>." in summary
    assert "changed after you loaded the page: " in summary
    assert ">Avery Ashdown</a>, " in summary and ">Rowan Brightwater</a>. Check them" in summary
    # The withdrawn case changed too, and is named for what matters: it is closed.
    assert "because it is closed (completed or withdrawn) and keeps its owner: " in summary
    assert ">Quinn Fallow</a>. Reopen a case first" in summary
    assert "1 selected case is no longer on the list you can see." in summary
    assert 'class="alert alert-warning"' in summary
    assert Delivery.objects.get(rule="reassigned").reminders.get().case == fine


def test_a_closed_case_on_the_list_keeps_its_owner(client_for, alex, blair, sam):
    (done,) = alex_cases(alex, "Quinn Fallow")
    services.case_set_status(case=done, status="withdrawn", reason="Moved away", by=alex)
    client = client_for(sam)
    page = client.get(CASELOAD, {"status": "withdrawn"})
    client.post(ACTION, ticked(page, [done], social_worker=blair.pk))
    done.refresh_from_db()
    assert done.social_worker == alex
    summary = client.get(CASELOAD).content.decode()
    assert "because it is closed (completed or withdrawn) and keeps its owner" in summary
    assert not Delivery.objects.exists() and not Reminder.objects.exists()


def test_nothing_ticked_or_nobody_chosen_is_said_plainly_and_the_ticks_stay(
    client_for, alex, blair, sam
):
    first, second = alex_cases(alex, "Avery Ashdown", "Rowan Brightwater")
    client = client_for(sam)
    nothing = client.post(ACTION, ticked(client.get(CASELOAD), [], social_worker=blair.pk))
    page = client.get(nothing.url).content.decode()
    assert "Nothing was reassigned." in page
    assert "Tick the box beside each case to reassign, then choose who takes them." in page
    nobody = client.post(ACTION, ticked(client.get(CASELOAD), [first, second]))
    page = client.get(nobody.url)
    body = page.content.decode()
    assert '<a class="alert-link" href="#reassign-to">Choose the social worker who takes' in body
    # What the supervisor ticked is ticked again.
    assert form_data(page, ACTION)["case"] == sorted([str(first.pk), str(second.pk)])
    assert set(Case.objects.values_list("social_worker__username", flat=True)) == {"alex"}


def test_social_workers_never_see_the_selection_and_cannot_post_it(
    client_for, alex, blair, casey, sam
):
    (case,) = alex_cases(alex, "Avery Ashdown")
    for worker in (alex, casey):
        page = client_for(worker).get(CASELOAD).content.decode()
        assert ACTION not in page and 'name="case"' not in page and "Reassign" not in page
        data = {"case": [str(case.pk)], f"version-{case.pk}": ["1"], "social_worker": [blair.pk]}
        assert client_for(worker).post(ACTION, data).status_code == 404
    case.refresh_from_db()
    assert case.social_worker == alex and not Reminder.objects.exists()


def test_a_supervisor_who_lost_the_role_gets_404_and_nothing_moves(client_for, alex, blair, sam):
    (case,) = alex_cases(alex, "Avery Ashdown")
    client = client_for(sam)
    data = ticked(client.get(CASELOAD), [case], social_worker=blair.pk)
    sam.groups.remove(Group.objects.get(name=SUPERVISORS))
    assert client.post(ACTION, data).status_code == 404
    case.refresh_from_db()
    assert case.social_worker == alex


def test_the_way_back_is_always_the_caseload(client_for, alex, blair, sam):
    (case,) = alex_cases(alex, "Avery Ashdown")
    client = client_for(sam)
    data = ticked(client.get(CASELOAD), [case], social_worker=blair.pk)
    data["back"] = ["stage=referral&next=https://elsewhere.example/&page=2"]
    assert client.post(ACTION, data).url == f"{CASELOAD}?stage=referral&page=2"
    data["back"] = ["https://elsewhere.example/"]
    assert client.post(ACTION, data).url == CASELOAD


def test_the_list_a_supervisor_reassigns_from_costs_a_fixed_number_of_queries(
    client_for, alex, blair, sam, django_assert_max_num_queries
):
    for _ in range(30):
        factories.open_case(alex)
    client = client_for(sam)
    client.get(CASELOAD)
    # The session, the user with their groups, the rows with the count of all of them, the
    # social workers for the filter and the reassignment chooser (one query for both), the
    # audit event.
    with django_assert_max_num_queries(5):
        page = client.get(CASELOAD)
    assert page.content.decode().count('name="case"') == 25
    ticked_cases = list(Case.objects.order_by("pk")[:25])
    reassigned = client.post(ACTION, ticked(page, ticked_cases, social_worker=blair.pk))
    # With a summary of 25 named cases: one query more for their names, and the session
    # saved without it (an UPDATE in a savepoint: three statements).
    with django_assert_max_num_queries(9):
        summary = client.get(reassigned.url)
    assert "Reassigned 25 cases" in summary.content.decode()


def test_a_reassignment_from_edit_details_tells_the_new_owner_at_once_whatever_their_digest(
    client_for, alex, blair, sam, mailoutbox
):
    (case,) = alex_cases(alex, "Avery Ashdown")
    StaffProfile.objects.create(
        user=blair, due_soon_delivery="digest", overdue_delivery="digest", digest_hour=23
    )
    client = client_for(sam)
    target = reverse("case_edit", args=[case.pk])
    assert (
        client.post(
            target, form_data(client.get(target)) | {"social_worker": [blair.pk]}
        ).status_code
        == 302
    )
    reminder_sweep.sweep()
    (delivery,) = Delivery.objects.filter(rule="reassigned")
    sending.delivery_send(delivery_id=delivery.pk)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([blair.email], f"Navigator: case #{case.pk} is now yours")
    ]


def test_a_notice_for_a_case_closed_meanwhile_is_not_sent(client_for, alex, blair, sam, mailoutbox):
    (case,) = alex_cases(alex, "Avery Ashdown")
    client = client_for(sam)
    client.post(ACTION, ticked(client.get(CASELOAD), [case], social_worker=blair.pk))
    services.case_set_status(case=case, status="withdrawn", reason="Moved away", by=sam)
    delivery = Delivery.objects.get(rule="reassigned")
    sending.delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "cancelled" and mailoutbox == []
