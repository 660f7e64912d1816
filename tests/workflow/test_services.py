"""The workflow rules, through the services every view and task calls."""

import datetime
import zoneinfo

import pytest

from cases.models import Case, CaseEvent, Stage, StageSetting, Step
from cases.workflow import services
from tests import factories

TEAM = zoneinfo.ZoneInfo("America/New_York")
# Monday 23 November 2026, 10:00 team time. Thanksgiving is Thursday the 26th.
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


def steps_of(case) -> dict[str, Step]:
    return {step.stage: step for step in case.steps.all()}


def test_opening_a_case_creates_four_steps_and_starts_the_referral(alex):
    case = factories.open_case(alex, now=MONDAY)
    steps = steps_of(case)
    assert list(case.steps.values_list("stage", flat=True)) == [
        "referral",
        "preauthorization",
        "records",
        "appointment",
    ]
    assert steps["referral"].status == Step.Status.IN_PROGRESS
    # Routine referral: 3 business days from Monday, skipping Thanksgiving → Friday.
    assert steps["referral"].due_date == datetime.date(2026, 11, 27)
    assert all(steps[s].status == Step.Status.PENDING for s in ("preauthorization", "records"))
    case.refresh_from_db()
    assert case.current_stage == Stage.REFERRAL
    assert case.next_due_date == datetime.date(2026, 11, 27)
    assert steps["records"].checklist.filter(label__icontains="DICOM").exists()


def test_urgent_cases_get_shorter_limits(alex):
    case = factories.open_case(alex, now=MONDAY, urgency="urgent")
    assert steps_of(case)["referral"].due_date == datetime.date(2026, 11, 24)


def test_limits_come_from_the_admin_setting(alex):
    StageSetting.objects.filter(stage="referral").update(routine_days=1)
    case = factories.open_case(alex, now=MONDAY)
    assert steps_of(case)["referral"].due_date == datetime.date(2026, 11, 24)


def test_finishing_a_step_starts_the_next_and_moves_the_current_stage(alex):
    case = factories.open_case(alex, now=MONDAY)
    referral = steps_of(case)["referral"]
    services.step_set_status(step=referral, status="done", by=alex, now=MONDAY)
    preauth = steps_of(case)["preauthorization"]
    assert preauth.status == Step.Status.IN_PROGRESS
    # 7 business days from Monday 23rd: 24, 25, 27, 30, Dec 1, 2, 3.
    assert preauth.due_date == datetime.date(2026, 12, 3)
    case.refresh_from_db()
    assert case.current_stage == Stage.PREAUTHORIZATION


def test_steps_run_in_parallel_and_the_current_stage_is_the_first_unfinished(alex):
    case = factories.open_case(alex, now=MONDAY)
    records = steps_of(case)["records"]
    services.step_set_status(step=records, status="in_progress", by=alex, now=MONDAY)
    services.step_set_status(step=steps_of(case)["records"], status="done", by=alex, now=MONDAY)
    case.refresh_from_db()
    assert case.current_stage == Stage.REFERRAL
    steps = steps_of(case)
    assert steps["records"].status == Step.Status.DONE
    assert steps["referral"].status == Step.Status.IN_PROGRESS


def test_next_due_date_is_the_earliest_among_unfinished_steps(alex):
    case = factories.open_case(alex, now=MONDAY)
    records = steps_of(case)["records"]
    services.step_set_status(step=records, status="in_progress", by=alex, now=MONDAY)
    services.due_date_move(
        step=steps_of(case)["records"],
        due_date=datetime.date(2026, 11, 25),
        reason="The lab closes early for the holiday.",
        by=alex,
        now=MONDAY,
    )
    case.refresh_from_db()
    assert case.next_due_date == datetime.date(2026, 11, 25)


@pytest.mark.parametrize(
    "start, target",
    [
        ("done", "blocked"),
        ("done", "not_needed"),
        ("not_needed", "done"),
        ("in_progress", "in_progress"),
    ],
)
def test_invalid_transitions_are_refused(alex, start, target):
    case = factories.open_case(alex, now=MONDAY)
    step = steps_of(case)["referral"]
    if start != "in_progress":
        services.step_set_status(step=step, status=start, by=alex, reason="reason", now=MONDAY)
    step = steps_of(case)["referral"]
    with pytest.raises(services.TransitionError):
        services.step_set_status(step=step, status=target, by=alex, reason="reason", now=MONDAY)
    assert steps_of(case)["referral"].status == start


def test_not_needed_and_blocked_need_a_reason(alex):
    case = factories.open_case(alex, now=MONDAY)
    step = steps_of(case)["preauthorization"]
    with pytest.raises(services.TransitionError, match="Say why"):
        services.step_set_status(step=step, status="not_needed", by=alex, reason="  ", now=MONDAY)
    services.step_set_status(
        step=step, status="not_needed", by=alex, reason="Plan needs none.", now=MONDAY
    )
    step.refresh_from_db()
    assert (step.status, step.status_reason) == ("not_needed", "Plan needs none.")


def test_a_due_date_move_needs_a_reason_and_is_recorded(alex):
    case = factories.open_case(alex, now=MONDAY)
    step = steps_of(case)["referral"]
    with pytest.raises(services.TransitionError):
        services.due_date_move(
            step=step, due_date=datetime.date(2026, 12, 4), reason="", by=alex, now=MONDAY
        )
    services.due_date_move(
        step=step,
        due_date=datetime.date(2026, 12, 4),
        reason="Referring team on holiday",
        by=alex,
        now=MONDAY,
    )
    event = case.events.filter(kind=CaseEvent.Kind.DUE_DATE).get()
    assert "Nov 27, 2026" in event.summary and "Dec 4, 2026" in event.summary
    assert "Referring team on holiday" in event.summary


def test_a_stale_step_change_is_refused(alex, casey):
    case = factories.open_case(alex, now=MONDAY)
    seen_by_alex = steps_of(case)["referral"]
    seen_by_casey = steps_of(case)["referral"]
    services.step_set_status(
        step=seen_by_alex,
        status="blocked",
        reason="Waiting",
        by=alex,
        expected_version=seen_by_alex.version,
        now=MONDAY,
    )
    with pytest.raises(services.ConflictError):
        services.step_set_status(
            step=seen_by_casey,
            status="done",
            by=casey,
            expected_version=seen_by_casey.version,
            now=MONDAY,
        )
    assert steps_of(case)["referral"].status == Step.Status.BLOCKED


def test_a_case_completes_only_when_every_step_is_finished(alex):
    case = factories.open_case(alex, now=MONDAY)
    with pytest.raises(services.TransitionError, match="Every step"):
        services.case_set_status(case=case, status="completed", by=alex, now=MONDAY)
    for stage in ("referral", "preauthorization", "records", "appointment"):
        step = steps_of(case)[stage]
        services.step_set_status(step=step, status="done", by=alex, now=MONDAY)
    services.case_set_status(case=case, status="completed", by=alex, now=MONDAY)
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED
    assert case.closed_at == MONDAY
    assert case.current_stage == ""


def test_a_closed_case_refuses_step_changes_until_reopened(alex):
    case = factories.open_case(alex, now=MONDAY)
    services.case_set_status(case=case, status="withdrawn", reason="Chose to stay", by=alex)
    with pytest.raises(services.TransitionError, match="closed"):
        services.step_set_status(step=steps_of(case)["referral"], status="done", by=alex)
    services.case_set_status(case=case, status="open", by=alex)
    services.step_set_status(step=steps_of(case)["referral"], status="done", by=alex)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.closed_at is None


def test_hold_needs_a_reason_and_resumes(alex):
    case = factories.open_case(alex, now=MONDAY)
    with pytest.raises(services.TransitionError):
        services.case_set_status(case=case, status="on_hold", by=alex)
    review_on = factories.review_date()
    with pytest.raises(services.TransitionError, match="review date"):
        services.case_set_status(case=case, status="on_hold", reason="In hospital", by=alex)
    services.case_set_status(
        case=case, status="on_hold", reason="In hospital", review_on=review_on, by=alex
    )
    assert case.hold_review_on == review_on
    services.case_set_status(case=case, status="open", by=alex)
    case.refresh_from_db()
    assert case.hold_review_on is None
    assert list(case.events.filter(kind="status").values_list("summary", flat=True)) == [
        "Case on hold → open.",
        f"Case open → on hold until a review on {review_on:%b %-d, %Y}: In hospital",
    ]


def test_only_a_supervisor_reassigns(alex, blair, sam):
    case = factories.open_case(alex, now=MONDAY)
    with pytest.raises(services.TransitionError):
        services.case_reassign(case=case, social_worker=blair, by=alex)
    services.case_reassign(case=case, social_worker=blair, by=sam)
    case.refresh_from_db()
    assert case.social_worker == blair


def test_ticking_a_checklist_item_records_who_and_when(alex):
    case = factories.open_case(alex, now=MONDAY)
    item = steps_of(case)["referral"].checklist.first()
    services.checklist_item_set(item=item, done=True, by=alex, now=MONDAY)
    item.refresh_from_db()
    assert (item.done_by, item.done_at) == (alex, MONDAY)
    services.checklist_item_set(item=item, done=False, by=alex, now=MONDAY)
    item.refresh_from_db()
    assert item.done_at is None and item.done_by is None


def test_a_reopened_step_gets_a_fresh_due_date(alex):
    case = factories.open_case(alex, now=MONDAY)
    services.step_set_status(step=steps_of(case)["referral"], status="done", by=alex, now=MONDAY)
    later = MONDAY + datetime.timedelta(days=7)
    services.step_set_status(
        step=steps_of(case)["referral"], status="in_progress", by=alex, now=later
    )
    # Three business days from Monday 30 November.
    assert steps_of(case)["referral"].due_date == datetime.date(2026, 12, 3)
