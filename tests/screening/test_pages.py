"""Distress screening and barriers to care through the pages, as a social worker uses them
(issue #14): the forms posted as the browser posts them, mistakes kept and explained, the
referral's follow-up, the case page's panel and its queries, the caseload's open barriers, the
timeline and the audit trail (typed text masked), and the patient's page that never shows
barriers. The clock is fixed: Monday 23 November 2026, 10:00 in New York."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.audit import MASK
from cases.models import (
    AuditEvent,
    Barrier,
    BarrierIntervention,
    CaseEvent,
    DistressScreening,
    FollowUp,
    SupportResource,
)
from cases.patient import links as status_links
from cases.screening import services
from tests import factories
from tests.browser_form import form_data, submit
from tests.patient.status_page_data import pass_check
from tests.query_budgets import CASE_PAGE_QUERIES

TEAM = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def screening_url(case) -> str:
    return reverse("screening_add", args=[case.pk])


def barrier_url(case) -> str:
    return reverse("barrier_add", args=[case.pk])


def post_screening(client, case, **typed):
    """The screening form as the browser sends it: the page's values, and what was typed (a
    list for the problems ticked)."""
    page = client.get(screening_url(case))
    data = form_data(page) | {
        name: value if isinstance(value, list) else [str(value)] for name, value in typed.items()
    }
    return client.post(screening_url(case), data)


# --- screening ---------------------------------------------------------------------------------


def test_a_low_score_is_recorded_without_a_plan(client_for, alex, case):
    response = post_screening(
        client_for(alex),
        case,
        score=2,
        method="phone",
        problems=["practical.transportation", "emotional.worry"],
    )
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#screening"
    screening = DistressScreening.objects.get(case=case)
    assert (screening.score, screening.method, screening.screened_on) == (2, "phone", TODAY)
    assert screening.problems == ["practical.transportation", "emotional.worry"]
    assert screening.screened_by == alex and screening.plan == ""
    page = client_for(alex).get(case.get_absolute_url())
    assert 'Score <span class="screening-score">2</span>' in page.content.decode()
    assert "Transportation, Worry or anxiety" in page.content.decode()


def test_a_score_of_eleven_is_refused_and_what_was_typed_stays(client_for, alex, case):
    response = post_screening(
        client_for(alex), case, score=11, method="video", problems=["physical.pain"]
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The Distress Thermometer runs from 0 to 10" in body
    assert 'value="11"' in body
    assert 'value="physical.pain" id="problem-physicalpain" checked' in body
    assert not DistressScreening.objects.exists()


def test_a_high_score_without_a_plan_is_refused_and_explained(client_for, alex, case):
    response = post_screening(client_for(alex), case, score=7, method="in_person")
    assert response.status_code == 400
    assert (
        "A score of 7 is at or above the threshold of 4: record a referral, or why none is made."
        in response.content.decode()
    )
    assert not DistressScreening.objects.exists()


def test_the_threshold_is_a_setting(client_for, alex, case, settings):
    settings.SCREENING_THRESHOLD = 8
    assert post_screening(client_for(alex), case, score=7, method="phone").status_code == 302


def test_a_referral_is_followed_up_like_any_follow_up(client_for, alex, case):
    response = post_screening(
        client_for(alex),
        case,
        score=6,
        method="phone",
        plan="referral",
        referral_kind="counselling",
        follow_up_on="2026-11-30",
    )
    assert response.status_code == 302
    screening = DistressScreening.objects.get(case=case)
    assert (screening.plan, screening.referral_kind, screening.planned_on) == (
        "referral",
        "counselling",
        TODAY,
    )
    follow_up = FollowUp.objects.get(case=case)
    assert screening.referral_follow_up == follow_up
    assert follow_up.due_on == datetime.date(2026, 11, 30) and follow_up.assignee == alex
    assert follow_up.what == "Check the psychosocial counselling referral went through"


def test_a_referral_needs_its_kind_and_no_referral_needs_a_reason(client_for, alex, case):
    body = post_screening(
        client_for(alex), case, score=6, method="phone", plan="referral"
    ).content.decode()
    assert "Choose who the patient is referred to." in body
    body = post_screening(
        client_for(alex), case, score=6, method="phone", plan="none"
    ).content.decode()
    assert "Say why no referral is made" in body
    assert not DistressScreening.objects.exists()


def test_a_screening_day_still_to_come_is_refused(client_for, alex, case):
    response = post_screening(
        client_for(alex), case, score=1, method="phone", screened_on="2026-11-24"
    )
    assert response.status_code == 400
    assert services.IN_THE_FUTURE in response.content.decode()


def test_a_double_click_records_one_screening(client_for, alex, case):
    client = client_for(alex)
    page = client.get(screening_url(case))
    data = form_data(page) | {"score": ["3"], "method": ["phone"]}
    client.post(screening_url(case), data)
    second = client.post(screening_url(case), data, follow=True)
    assert "This screening was already recorded." in second.content.decode()
    assert DistressScreening.objects.count() == 1


def test_a_plan_recorded_later_for_a_screening_without_one(client_for, alex, case):
    screening = DistressScreening.objects.create(
        case=case,
        screened_on=TODAY - datetime.timedelta(days=3),
        screened_by=alex,
        method="phone",
        score=8,
        recorded_by=alex,
        created_at=MONDAY,
    )
    page = client_for(alex).get(case.get_absolute_url())
    plan_url = reverse("screening_plan", args=[case.pk, screening.pk])
    assert "No plan yet." in page.content.decode() and plan_url in page.content.decode()
    refused = submit(client_for(alex), plan_url)
    assert refused.status_code == 400
    assert "A score of 8 is at or above the threshold of 4" in refused.content.decode()
    response = submit(client_for(alex), plan_url, plan="none", no_referral_reason="Declined")
    assert response.status_code == 302
    screening.refresh_from_db()
    assert (screening.plan, screening.no_referral_reason) == ("none", "Declined")
    assert screening.planned_on == TODAY
    assert not FollowUp.objects.exists()


def test_a_closed_case_takes_no_screening(client_for, alex, case):
    from cases.workflow import services as workflow_services

    workflow_services.case_set_status(case=case, status="withdrawn", reason="Moved", by=alex)
    page = client_for(alex).get(screening_url(case))
    assert "Reopen it before recording a screening." in page.content.decode()
    with pytest.raises(services.TransitionError):
        services.screening_record(case=case, by=alex, screened_on=TODAY, method="phone", score=1)


# --- barriers --------------------------------------------------------------------------------


def test_a_barrier_with_a_resource_from_the_list(client_for, alex, case):
    rides = SupportResource.objects.create(name="Example Ride Programme", barrier_kind="transport")
    response = submit(
        client_for(alex),
        barrier_url(case),
        kind="transport",
        description="No car; the centre is 200 miles away",
        resource=rides.pk,
    )
    assert response.status_code == 302
    barrier = Barrier.objects.get(case=case)
    assert (barrier.kind, barrier.status, barrier.identified_on) == ("transport", "open", TODAY)
    intervention = BarrierIntervention.objects.get(barrier=barrier)
    assert intervention.resource == rides and intervention.done_on == TODAY
    body = client_for(alex).get(case.get_absolute_url()).content.decode()
    assert "No car; the centre is 200 miles away" in body
    assert "Example Ride Programme" in body


def test_a_barrier_resolved_before_it_was_identified_is_refused(client_for, alex, case):
    barrier = services.barrier_add(
        case=case, by=alex, kind="cost", identified_on=TODAY - datetime.timedelta(days=2)
    )
    url = reverse("barrier_detail", args=[case.pk, barrier.pk])
    response = submit(
        client_for(alex), url, pick={"action": "close"}, status="resolved", closed_on="2026-11-20"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "A barrier cannot be resolved or closed before it was identified (Nov 21, 2026)." in body
    assert 'value="2026-11-20"' in body
    barrier.refresh_from_db()
    assert barrier.status == "open"


def test_a_barrier_resolved_and_one_closed_unresolved(client_for, alex, case):
    first = services.barrier_add(case=case, by=alex, kind="cost", identified_on=TODAY)
    second = services.barrier_add(case=case, by=alex, kind="housing", identified_on=TODAY)
    first_url = reverse("barrier_detail", args=[case.pk, first.pk])
    resolved = submit(client_for(alex), first_url, pick={"action": "close"}, status="resolved")
    assert resolved.status_code == 302
    second_url = reverse("barrier_detail", args=[case.pk, second.pk])
    no_reason = submit(client_for(alex), second_url, pick={"action": "close"}, status="unresolved")
    assert "Say why the barrier stays unresolved." in no_reason.content.decode()
    closed = submit(
        client_for(alex),
        second_url,
        pick={"action": "close"},
        status="unresolved",
        unresolved_reason="Family chose to stay",
    )
    assert closed.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.closed_on) == ("resolved", TODAY)
    assert (second.status, second.unresolved_reason) == ("unresolved", "Family chose to stay")


def test_an_intervention_needs_a_resource_or_words(client_for, alex, case):
    barrier = services.barrier_add(case=case, by=alex, kind="language", identified_on=TODAY)
    url = reverse("barrier_detail", args=[case.pk, barrier.pk])
    empty = submit(client_for(alex), url, pick={"action": "intervention"})
    assert empty.status_code == 400
    assert services.NO_INTERVENTION in empty.content.decode()
    typed = submit(
        client_for(alex), url, pick={"action": "intervention"}, note="Booked an interpreter"
    )
    assert typed.status_code == 302
    assert barrier.interventions.get().note == "Booked an interpreter"


def test_a_barrier_of_another_case_is_not_found(client_for, alex, case):
    other = factories.open_case(alex)
    barrier = services.barrier_add(case=other, by=alex, kind="cost", identified_on=TODAY)
    assert (
        client_for(alex).get(reverse("barrier_detail", args=[case.pk, barrier.pk])).status_code
        == 404
    )


# --- where they show ----------------------------------------------------------------------------


def test_open_barriers_show_in_the_caseload_row(client_for, alex, case):
    services.barrier_add(case=case, by=alex, kind="cost", identified_on=TODAY)
    services.barrier_add(case=case, by=alex, kind="housing", identified_on=TODAY)
    closed = services.barrier_add(case=case, by=alex, kind="work", identified_on=TODAY)
    services.barrier_close(barrier=closed, by=alex, status="resolved", closed_on=TODAY)
    body = client_for(alex).get(reverse("caseload")).content.decode()
    assert '<small class="open-barriers">2 open barriers</small>' in body


def test_the_caseload_costs_the_same_queries_with_barriers(
    client_for, alex, django_assert_max_num_queries
):
    for _ in range(8):
        case = factories.open_case(alex)
        services.barrier_add(case=case, by=alex, kind="cost", identified_on=TODAY)
    client = client_for(alex)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("caseload")).status_code == 200


def test_the_case_page_panel_costs_a_fixed_number_of_queries(
    client_for, alex, case, django_assert_max_num_queries
):
    resource = SupportResource.objects.create(name="Example Copay Foundation")
    for day in range(5):
        services.screening_record(
            case=case,
            by=alex,
            screened_on=TODAY - datetime.timedelta(days=day * 30),
            method="phone",
            score=day % 3,
        )
        barrier = services.barrier_add(
            case=case, by=alex, kind="cost", identified_on=TODAY, description=f"Bill {day}"
        )
        services.barrier_intervention_add(
            barrier=barrier, by=alex, resource=resource, done_on=TODAY
        )
    client = client_for(alex)
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        assert client.get(case.get_absolute_url()).status_code == 200


def test_rescreening_due_shows_on_the_case_page(client_for, alex, case):
    services.screening_record(
        case=case, by=alex, screened_on=TODAY - datetime.timedelta(days=30), method="phone", score=1
    )
    body = client_for(alex).get(case.get_absolute_url()).content.decode()
    assert "Rescreening due since Nov 23, 2026." in body


def test_the_patient_page_never_shows_barriers_or_screening(client, alex, case):
    services.barrier_add(
        case=case,
        by=alex,
        kind="immigration",
        description="Afraid of a status check",
        identified_on=TODAY,
    )
    services.screening_record(
        case=case, by=alex, screened_on=TODAY, method="phone", score=3, note="Tearful on the call"
    )
    issued = status_links.status_link_issue(case=case, by=alex)
    pass_check(client, issued.token, case.patient.date_of_birth)
    body = client.get(reverse("patient_status", args=[issued.token])).content.decode()
    for text in ("Afraid of a status check", "Immigration", "Tearful", "barrier", "Distress"):
        assert text not in body


def test_timeline_and_audit_trail_with_typed_text_masked(client_for, alex, case):
    post_screening(
        client_for(alex),
        case,
        score=5,
        method="phone",
        plan="none",
        no_referral_reason="Already sees a counsellor",
        note="Worried about the drive",
        problems=["emotional.fear"],
    )
    barrier_response = submit(
        client_for(alex),
        barrier_url(case),
        kind="other",
        description="Dog needs care during the visit",
        intervention_note="Neighbour will help",
    )
    assert barrier_response.status_code == 302
    timeline = " ".join(case.events.values_list("summary", flat=True))
    assert "Distress screening (phone): score 5, 1 problem ticked; no referral: Already" in timeline
    assert "Barrier to care identified: other — Dog needs care during the visit." in timeline
    assert "Barrier (other): Neighbour will help." in timeline
    assert set(case.events.values_list("kind", flat=True)) >= {
        CaseEvent.Kind.SCREENING,
        CaseEvent.Kind.BARRIER,
    }
    screening_event = AuditEvent.objects.get(action="create", object_type="distressscreening")
    assert screening_event.changes["score"] == [None, "5"]
    assert screening_event.changes["no_referral_reason"] == [None, MASK]
    assert screening_event.changes["note"] == [None, MASK]
    assert screening_event.changes["problems"] == [None, MASK]
    barrier_event = AuditEvent.objects.get(action="create", object_type="barrier")
    assert barrier_event.changes["kind"] == [None, "other"]
    assert barrier_event.changes["description"] == [None, MASK]
    intervention_event = AuditEvent.objects.get(action="create", object_type="barrierintervention")
    assert intervention_event.changes["note"] == [None, MASK]
    trail = str(list(AuditEvent.objects.values_list("changes", flat=True)))
    for typed in ("Already sees", "Worried", "Dog needs", "Neighbour"):
        assert typed not in trail


def test_closing_a_barrier_is_audited(alex, case):
    barrier = services.barrier_add(case=case, by=alex, kind="cost", identified_on=TODAY)
    services.barrier_close(
        barrier=barrier, by=alex, status="unresolved", closed_on=TODAY, unresolved_reason="Moved"
    )
    event = AuditEvent.objects.get(action="update", object_type="barrier")
    assert event.changes == {
        "status": ["open", "unresolved"],
        "closed_on": [None, "2026-11-23"],
        "unresolved_reason": [None, MASK],
    }
