"""Each report's figures on small hand-built data sets, the expected values worked out by hand.

Dates are in March 2026 (no US public holiday): Monday 2 March is the usual opening day, so
Wednesday 4 March is 2 business days later, Friday 6 March 4, Monday 9 March 5, Monday 16 March
10. Percentiles interpolate between ranks: of 2, 4, 5, 10 the median is (4 + 5) / 2 = 4.5 and
the 90th percentile sits at position 1 + 0.9 × 3 = 3.7, so 5 + 0.7 × (10 − 5) = 8.5.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Appointment, Case, CaseReason, Delivery, Insurance, Reminder, Step
from cases.reports import registry as reports
from cases.workflow import services
from tests import factories

TEAM_ZONE = ZoneInfo("America/New_York")
MARCH = reports.ReportFilters(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))


def at(day: int, hour: int = 10, month: int = 3) -> datetime.datetime:
    """An instant on a day of 2026 in the team's time zone."""
    return datetime.datetime(2026, month, day, hour, tzinfo=TEAM_ZONE)


def rows(report: reports.Report, table: str) -> list[list[str]]:
    built = report.table(table)
    return [built.cells(row) for row in built.rows]


def headline(report: reports.Report, label: str) -> str:
    return next(item.text for item in report.headlines if item.label == label)


def case_with_appointment(worker, *, opened: datetime.datetime, appointment, **fields) -> Case:
    case = factories.open_case(worker, now=opened, **fields)
    Appointment.objects.filter(case=case).update(scheduled_at=appointment)
    return case


def finish(case: Case, stage: str, when: datetime.datetime, by) -> Step:
    step = case.steps.get(stage=stage)
    if step.status == Step.Status.PENDING:
        services.step_set_status(step=step, status=Step.Status.IN_PROGRESS, by=by, now=when)
        step.refresh_from_db()
    return services.step_set_status(step=step, status=Step.Status.DONE, by=by, now=when)


# --- the percentile machinery -----------------------------------------------------------------


def test_median_and_90th_percentile_of_an_even_set(alex):
    for appointment_day in (4, 6, 9, 16):
        case_with_appointment(alex, opened=at(2), appointment=at(appointment_day, 14))
    report = reports.timeliness(MARCH)
    assert rows(report, "to_appointment") == [["4", "4.5", "8.5"]]


def test_median_of_an_odd_set_is_the_middle_value(alex):
    for appointment_day in (4, 9, 16):
        case_with_appointment(alex, opened=at(2), appointment=at(appointment_day, 14))
    # 2, 5, 10: median 5; 90th percentile at 1 + 0.9 × 2 = 2.8: 5 + 0.8 × 5 = 9.
    assert rows(reports.timeliness(MARCH), "to_appointment") == [["3", "5.0", "9.0"]]


def test_repeated_values_count_once_each(alex):
    for appointment_day in (4, 4, 4, 16):
        case_with_appointment(alex, opened=at(2), appointment=at(appointment_day, 14))
    # 2, 2, 2, 10: median 2; 90th percentile at 1 + 0.9 × 3 = 3.7: 2 + 0.7 × 8 = 7.6.
    assert rows(reports.timeliness(MARCH), "to_appointment") == [["4", "2.0", "7.6"]]


def test_a_single_value_is_its_own_median_and_percentile(alex):
    case_with_appointment(alex, opened=at(2), appointment=at(9, 14))
    assert rows(reports.timeliness(MARCH), "to_appointment") == [["1", "5.0", "5.0"]]


def test_no_values_show_a_dash_not_zero(db):
    assert rows(reports.timeliness(MARCH), "to_appointment") == [["0", "—", "—"]]


# --- 2. timeliness ------------------------------------------------------------------------------


def test_business_days_are_counted_in_the_team_time_zone(alex):
    # 23:30 on Monday in New York is already Tuesday in UTC: still opened on Monday.
    case_with_appointment(alex, opened=at(2, 23), appointment=at(4, 9))
    assert rows(reports.timeliness(MARCH), "to_appointment") == [["1", "2.0", "2.0"]]


def test_weekends_and_holidays_are_not_business_days(alex):
    # Friday 3 July 2026 is the observed Independence Day: Thursday 2 July → Monday 6 July is
    # one business day (the Monday).
    case_with_appointment(alex, opened=at(2, month=7), appointment=at(6, month=7))
    july = reports.ReportFilters(start=datetime.date(2026, 7, 1), end=datetime.date(2026, 7, 31))
    assert rows(reports.timeliness(july), "to_appointment") == [["1", "1.0", "1.0"]]


def test_withdrawn_cases_and_appointments_outside_the_period_are_left_out(alex):
    case_with_appointment(alex, opened=at(2), appointment=at(4))
    case_with_appointment(alex, opened=at(2), appointment=at(2, month=4))
    withdrawn = case_with_appointment(alex, opened=at(2), appointment=at(16))
    services.case_set_status(case=withdrawn, status="withdrawn", reason="Moved", by=alex, now=at(5))
    assert rows(reports.timeliness(MARCH), "to_appointment") == [["1", "2.0", "2.0"]]


def test_time_in_stage_and_share_within_the_time_limit(alex):
    # Referral limit: 3 business days from Monday 2 March, so due Thursday 5 March.
    for done_day in (4, 5, 9):  # 2, 3 and 5 business days; the last one is late
        case = factories.open_case(alex, now=at(2))
        finish(case, "referral", at(done_day), alex)
    report = reports.timeliness(MARCH)
    referral = rows(report, "stages")[0]
    # 2, 3, 5: median 3; 90th percentile at 1 + 0.9 × 2 = 2.8: 3 + 0.8 × 2 = 4.6.
    assert referral == ["Referral", "3", "3.0", "4.6", "67%"]
    assert rows(report, "stages")[1] == ["Insurance preauthorization", "0", "—", "—", "—"]
    assert headline(report, "Steps done within their limit") == "67%"


def test_timeliness_trend_by_month_of_the_appointment(alex):
    case_with_appointment(alex, opened=at(2), appointment=at(4))
    case_with_appointment(alex, opened=at(2), appointment=at(9))
    case_with_appointment(alex, opened=at(2), appointment=at(6, month=4))  # 25 business days
    spring = reports.ReportFilters(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 30))
    assert rows(reports.timeliness(spring), "by_month") == [
        ["Mar 2026", "2", "3.5", "4.7"],
        ["Apr 2026", "1", "25.0", "25.0"],
    ]


def test_filters_narrow_every_figure(alex, blair):
    centre = factories.CentreFactory(name="Lakeside")
    case_with_appointment(alex, opened=at(2), appointment=at(4), urgency="urgent", centre=centre)
    case_with_appointment(alex, opened=at(2), appointment=at(9))
    case_with_appointment(blair, opened=at(2), appointment=at(16), urgency="urgent")

    def figures(**narrowed):
        filters = reports.ReportFilters(start=MARCH.start, end=MARCH.end, **narrowed)
        return rows(reports.timeliness(filters), "to_appointment")[0]

    assert figures(social_worker=alex.pk) == ["2", "3.5", "4.7"]
    assert figures(urgency="urgent") == ["2", "6.0", "9.2"]
    assert figures(centre=centre.pk) == ["1", "2.0", "2.0"]
    assert figures(social_worker=blair.pk, urgency="routine") == ["0", "—", "—"]


# --- 1. team caseload ---------------------------------------------------------------------------


@time_machine.travel(at(11, 12), tick=False)  # Wednesday 11 March: the week is 9–15 March
def test_team_caseload_per_social_worker(alex, blair):
    # Alex: three open cases opened on 2 March (referral due Thursday 5 March: overdue today),
    # one of them urgent (referral due Tuesday 3 March); one opened on Monday 9 March, its
    # referral due Thursday 12 March: due this week.
    overdue = factories.open_case(alex, now=at(2))
    factories.open_case(alex, now=at(2), urgency="urgent")
    factories.open_case(alex, now=at(9))
    # Blair: one case on hold, one completed in the period.
    held = factories.open_case(blair, now=at(9))
    services.case_set_status(
        case=held,
        status="on_hold",
        reason="In hospital",
        review_on=factories.review_date(),
        by=blair,
    )
    done = factories.open_case(blair, now=at(2))
    for stage in ("referral", "preauthorization", "records", "appointment"):
        finish(done, stage, at(6), blair)
    services.case_set_status(case=done, status="completed", by=blair, now=at(6))
    assert overdue.steps.get(stage="referral").due_date == datetime.date(2026, 3, 5)

    report = reports.team_caseload(MARCH)
    assert rows(report, "caseload") == [
        ["Alex Rivera", "3", "2", "1", "0", "1", "3", "0"],
        ["Blair Nguyen", "0", "0", "0", "1", "0", "2", "1"],
    ]
    assert headline(report, "Open cases") == "3"
    assert headline(report, "Overdue steps") == "2"
    assert headline(report, "Open cases per social worker") == "between 0 and 3"


@time_machine.travel(at(11, 12), tick=False)
def test_a_deactivated_social_workers_open_cases_still_count(alex, blair):
    factories.open_case(alex, now=at(2))
    factories.open_case(blair, now=at(9))
    blair.is_active = False
    blair.save()
    report = reports.team_caseload(MARCH)
    assert [row[:2] for row in rows(report, "caseload")] == [
        ["Alex Rivera", "1"],
        ["Blair Nguyen", "1"],
    ]
    assert headline(report, "Open cases") == "2"


@time_machine.travel(at(11, 12), tick=False)
def test_team_caseload_for_one_social_worker(alex, blair):
    factories.open_case(alex, now=at(2))
    factories.open_case(blair, now=at(2))
    filters = reports.ReportFilters(start=MARCH.start, end=MARCH.end, social_worker=blair.pk)
    assert [row[0] for row in rows(reports.team_caseload(filters), "caseload")] == ["Blair Nguyen"]


# --- 3. overdue now -----------------------------------------------------------------------------


@time_machine.travel(at(11, 12), tick=False)
def test_overdue_now_lists_overdue_steps_oldest_first(alex, blair):
    newer = factories.open_case(alex, now=at(4), patient={"full_name": "Newer Patient"})
    older = factories.open_case(blair, now=at(2), patient={"full_name": "Older Patient"})
    factories.open_case(alex, now=at(10), patient={"full_name": "Not Yet Due"})
    finished = factories.open_case(alex, now=at(2), patient={"full_name": "Finished Step"})
    finish(finished, "referral", at(3), alex)
    held = factories.open_case(alex, now=at(2), patient={"full_name": "On Hold"})
    services.case_set_status(
        case=held,
        status="on_hold",
        reason="In hospital",
        review_on=factories.review_date(),
        by=alex,
    )
    report = reports.overdue_now(MARCH)
    assert rows(report, "overdue") == [
        [
            f"#{older.pk}",
            "Older Patient",
            "Referral",
            "In progress",
            "Blair Nguyen",
            "2026-03-05",
            "6",
            "Routine",
            "No",
            "No",
        ],
        [
            f"#{newer.pk}",
            "Newer Patient",
            "Referral",
            "In progress",
            "Alex Rivera",
            "2026-03-09",
            "2",
            "Routine",
            "No",
            "No",
        ],
    ]
    assert headline(report, "Most days overdue") == "6"


def _reminder(case, *, rule, due_on, recipient, status, channel="email", created=None):
    """A reminder for the case's referral step and the message that carried it."""
    created = created or at(6)
    delivery = Delivery.objects.create(
        recipient=recipient,
        case=case,
        channel=channel,
        rule=rule,
        status=status,
        created_at=created,
        next_attempt_at=created,
    )
    return Reminder.objects.create(
        case=case,
        step=case.steps.get(stage="referral"),
        rule=rule,
        due_at=datetime.datetime.combine(due_on, datetime.time.min, tzinfo=datetime.UTC),
        recipient=recipient,
        mode="immediate",
        created_at=created,
        delivery=delivery,
    )


@time_machine.travel(at(11), tick=False)
def test_overdue_now_says_who_was_reminded_and_alerted(alex, blair, sam):
    reminded = factories.open_case(alex, now=at(2), patient={"full_name": "Reminded"})
    factories.open_case(blair, now=at(2), patient={"full_name": "Not Reminded"})
    due = reminded.steps.get(stage="referral").due_date
    _reminder(reminded, rule="overdue", due_on=due, recipient=alex, status="sent")
    _reminder(reminded, rule="escalation", due_on=due, recipient=sam, status="dead")
    by_patient = {row[1]: row[-2:] for row in rows(reports.overdue_now(MARCH), "overdue")}
    # The escalation never went out, so the supervisors were not alerted.
    assert by_patient == {"Reminded": ["Yes", "No"], "Not Reminded": ["No", "No"]}


# --- 7. reminder delivery ---------------------------------------------------------------------


def test_reminder_delivery_by_channel_and_escalations_by_worker(alex, blair, sam):
    first = factories.open_case(alex, now=at(2))
    second = factories.open_case(blair, now=at(2))
    due = datetime.date(2026, 3, 5)
    _reminder(first, rule="overdue", due_on=due, recipient=alex, status="sent")
    _reminder(first, rule="escalation", due_on=due, recipient=sam, status="dead")
    _reminder(second, rule="escalation", due_on=due, recipient=sam, status="sent", channel="sms")
    _reminder(
        second, rule="overdue", due_on=due, recipient=blair, status="failed", created=at(2, month=2)
    )
    report = reports.reminder_delivery(MARCH)
    assert rows(report, "channels") == [
        ["Email", "1", "0", "1", "0"],
        ["Text message", "1", "0", "0", "0"],
    ]
    assert rows(report, "escalations") == [["Alex Rivera", "1"], ["Blair Nguyen", "1"]]
    assert headline(report, "Undelivered") == "1"
    only_blair = reports.ReportFilters(start=MARCH.start, end=MARCH.end, social_worker=blair.pk)
    assert rows(reports.reminder_delivery(only_blair), "escalations") == [["Blair Nguyen", "1"]]


def test_reminder_delivery_counts_monthly_summaries_as_emails_about_no_case(alex, sam):
    """Supervisors' monthly summaries are emails: the channel table counts them (sent, dead;
    a cancelled one is no message), a social-worker filter leaves them out, and they are no
    escalation."""
    case = factories.open_case(alex, now=at(2))
    _reminder(case, rule="overdue", due_on=datetime.date(2026, 3, 5), recipient=alex, status="sent")
    riley = factories.supervisor("riley")
    for recipient, status in ((sam, "sent"), (riley, "dead"), (riley, "cancelled")):
        Delivery.objects.create(
            recipient=recipient,
            rule="monthly_summary",
            summary_month=datetime.date(2026, 2, 1),
            channel="email",
            status=status,
            created_at=at(2, hour=8),
            next_attempt_at=at(2, hour=8),
        )
    report = reports.reminder_delivery(MARCH)
    assert rows(report, "channels") == [
        ["Email", "2", "0", "1", "0"],
        ["Text message", "0", "0", "0", "0"],
    ]
    assert rows(report, "escalations") == []
    assert headline(report, "Undelivered") == "1"
    only_alex = reports.ReportFilters(start=MARCH.start, end=MARCH.end, social_worker=alex.pk)
    assert rows(reports.reminder_delivery(only_alex), "channels")[0] == [
        "Email",
        "1",
        "0",
        "0",
        "0",
    ]


# --- 4. insurance -------------------------------------------------------------------------------


def insurance_request(
    worker,
    *,
    urgency="routine",
    payer="Example Plan",
    decision="approved",
    requested=2,
    decided=None,
) -> Insurance:
    case = factories.open_case(worker, now=at(2), urgency=urgency)
    Insurance.objects.filter(case=case).update(
        payer=payer,
        decision=decision,
        requested_on=datetime.date(2026, 3, requested),
        decided_on=datetime.date(2026, 3, decided) if decided else None,
    )
    return case.insurance


def test_insurance_decisions_times_and_denial_rates(alex):
    # Urgent: decided in 1, 3 and 4 calendar days; routine: in 5 and 10, and one pending.
    insurance_request(alex, urgency="urgent", decided=3, payer="Alpha")
    insurance_request(alex, urgency="urgent", decided=5, payer="Alpha", decision="denied")
    insurance_request(alex, urgency="urgent", decided=6, payer="Beta", decision="overturned")
    insurance_request(alex, decided=7, payer="Beta", decision="appealed")
    insurance_request(alex, decided=12, payer="Beta")
    insurance_request(alex, decision="pending", payer="Beta")
    insurance_request(alex, requested=1, decided=2, payer="Alpha").__class__.objects.filter(
        requested_on=datetime.date(2026, 3, 1)
    ).update(requested_on=datetime.date(2026, 2, 27))  # requested before the period
    report = reports.insurance(MARCH)
    assert rows(report, "decisions") == [
        ["Requested", "6"],
        ["Pending", "1"],
        ["Approved", "2"],
        ["Denied", "1"],
        ["Appealed", "1"],
        ["Overturned on appeal", "1"],
    ]
    # Urgent 1, 3, 4: median 3, 90th percentile 3 + 0.8 × 1 = 3.8, within 72 hours 2 of 3.
    # Routine 5, 10: median 7.5, 90th percentile 5 + 0.9 × 5 = 9.5; within 7 days 1 of 2.
    assert rows(report, "decision_time") == [
        ["Routine", "7 days / 15 days", "2", "7.5", "9.5", "0%", "50%", "100%"],
        ["Urgent", "72 hours", "3", "3.0", "3.8", "67%", "100%", "100%"],
    ]
    # Alpha: 2 decided, 1 denied; Beta: 3 decided (pending left out), 2 denied at first.
    assert rows(report, "payers") == [["Alpha", "2", "1", "50%"], ["Beta", "3", "2", "67%"]]
    assert headline(report, "Denial rate") == "60%"


# --- 5. records ---------------------------------------------------------------------------------

SLIDES = "Glass slides or paraffin block (not only recuts)"
MRI = "MRI images as DICOM (disc or link), not only the report"


def records_done(worker, *, ticks: dict[str, datetime.datetime], done: datetime.datetime) -> Case:
    """A case opened on Monday 2 March whose records items are ticked at `ticks` (the rest on
    Tuesday 3 March) and whose records step is done at `done`."""
    case = factories.open_case(worker, now=at(2))
    step = case.steps.get(stage="records")
    services.step_set_status(step=step, status=Step.Status.IN_PROGRESS, by=worker, now=at(2))
    for item in step.checklist.select_related("step__case"):
        services.checklist_item_set(
            item=item, done=True, by=worker, now=ticks.get(item.label, at(3))
        )
    finish(case, "records", done, worker)
    return case


def test_records_time_to_complete(alex):
    records_done(alex, ticks={SLIDES: at(9), MRI: at(4)}, done=at(9, 15))  # 5 business days
    records_done(alex, ticks={SLIDES: at(5), MRI: at(11)}, done=at(12))  # 8 business days
    report = reports.records(MARCH)
    # 5, 8: median 6.5; 90th percentile 5 + 0.9 × 3 = 7.7.
    assert rows(report, "complete") == [["2", "6.5", "7.7"]]


def requested(worker, *, source: str, kinds: dict[str, int | None], sent: int, month: int = 3):
    """A request sent on `sent` (a day of `month`, 2026) to `source`, each kind arriving on the
    day of March given (None: still waiting)."""
    from cases.records import services as records

    with time_machine.travel(at(31), tick=False):
        case = factories.open_case(worker, now=at(1, month=2))
        request = records.records_request_create(
            case=case,
            by=worker,
            kinds=list(kinds),
            contact_other=source,
            sent_on=datetime.date(2026, month, sent),
        )
        for item in request.items.all():
            if kinds[item.kind] is not None:
                records.records_item_receive(
                    item=item, by=worker, received_on=datetime.date(2026, 3, kinds[item.kind])
                )
    return request


def test_which_sources_and_record_types_take_longest_from_sent_to_received(alex):
    # Calendar days from sent to received, the legal clock being 30 days:
    # Lakeside Lab, sent 2 March: slides on 6 March (4), pathology report on 9 March (7).
    requested(alex, source="Lakeside Lab", kinds={"slides": 6, "pathology_report": 9}, sent=2)
    # Lakeside Lab, sent 10 March: slides on 20 March (10); the MRI is still waiting.
    requested(alex, source="Lakeside Lab", kinds={"slides": 20, "mri_dicom": None}, sent=10)
    # Hillcrest Records, sent 26 January: slides on 2 March (35, past its clock of 25 February).
    requested(alex, source="Hillcrest Records", kinds={"slides": 2}, sent=26, month=1)
    # Received before the period (February) or not sent: left out.
    requested(alex, source="Hillcrest Records", kinds={"pathology_report": None}, sent=2)
    report = reports.records(MARCH)
    # Hillcrest: one record, 35 days, not within the clock. Lakeside: 4, 7, 10 — median 7,
    # 90th percentile at 1 + 0.9 × 2 = 2.8: 7 + 0.8 × 3 = 9.4; all three within the clock.
    assert rows(report, "by_source") == [
        ["Hillcrest Records", "1", "35.0", "35.0", "0%"],
        ["Lakeside Lab", "3", "7.0", "9.4", "100%"],
    ]
    # Slides: 4, 10, 35 — median 10, 90th percentile 10 + 0.8 × 25 = 30; 2 of 3 on time.
    # Pathology report: 7 alone.
    assert rows(report, "by_kind") == [
        ["Glass slides or paraffin block", "3", "10.0", "30.0", "67%"],
        ["Pathology report", "1", "7.0", "7.0", "100%"],
    ]
    assert headline(report, "Slowest source (90th percentile)") == "Hillcrest Records"
    assert headline(report, "Slowest record type (90th percentile)") == (
        "Glass slides or paraffin block"
    )
    # 3 of the 4 records within the clock.
    assert headline(report, "Records received within the legal clock") == "75%"


def test_an_extension_moves_the_legal_clock_the_report_measures_against(alex):
    from cases.records import services as records

    with time_machine.travel(at(31), tick=False):
        request = requested(alex, source="Slow Lab", kinds={"slides": None}, sent=26, month=1)
        records.records_request_extend(
            records_request=request, by=alex, notice_on=datetime.date(2026, 2, 20)
        )
        records.records_item_receive(
            item=request.items.get(), by=alex, received_on=datetime.date(2026, 3, 2)
        )
    # 35 days, within the extended clock of 60.
    assert rows(reports.records(MARCH), "by_source") == [["Slow Lab", "1", "35.0", "35.0", "100%"]]


def test_the_records_figures_follow_the_case_filters(alex, blair):
    requested(alex, source="Lakeside Lab", kinds={"slides": 6}, sent=2)
    requested(blair, source="Lakeside Lab", kinds={"slides": 12}, sent=2)
    only_blair = reports.ReportFilters(start=MARCH.start, end=MARCH.end, social_worker=blair.pk)
    assert rows(reports.records(only_blair), "by_source") == [
        ["Lakeside Lab", "1", "10.0", "10.0", "100%"]
    ]


# --- 6. volume and reasons ----------------------------------------------------------------------


def test_volume_reasons_diagnoses_and_centres(alex):
    lakeside = factories.CentreFactory(name="Lakeside")
    factories.open_case(alex, now=at(2), reasons=["relapse", "another_view"], centre=lakeside)
    factories.open_case(
        alex, now=at(20), reasons=["relapse"], grade="4", glioma_type="glioblastoma_idh_wildtype"
    )
    later = factories.open_case(
        alex,
        now=at(2, month=4),
        reasons=["family_advice"],
        tumour_type="meningioma",
        glioma_type="",
        grade="1",
    )
    for stage in ("referral", "preauthorization", "records", "appointment"):
        finish(later, stage, at(3, month=4), alex)
    services.case_set_status(case=later, status="completed", by=alex, now=at(6, month=4))
    factories.open_case(alex, now=at(27, month=2))  # before the period
    spring = reports.ReportFilters(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 30))
    report = reports.volume(spring)
    assert rows(report, "by_month") == [["Mar 2026", "2", "0"], ["Apr 2026", "1", "1"]]
    assert rows(report, "reasons")[:3] == [
        ["Relapse after treatment", "2", "67%"],
        ["Wants another view of diagnosis and treatment", "1", "33%"],
        ["Family and friends advised it", "1", "33%"],
    ]
    assert len(rows(report, "reasons")) == len(CaseReason._meta.get_field("reason").choices)
    # Only a glioma has a glioma type; every tumour has a grade.
    assert rows(report, "diagnoses") == [
        ["Glioma", "Astrocytoma, IDH-mutant", "CNS WHO grade 2", "1", "33%"],
        ["Glioma", "Glioblastoma, IDH-wildtype", "CNS WHO grade 4", "1", "33%"],
        ["Meningioma", "—", "CNS WHO grade 1", "1", "33%"],
    ]
    assert rows(report, "centres") == [
        ["Not in the directory or not chosen", "2", "67%"],
        ["Lakeside", "1", "33%"],
    ]


@pytest.mark.parametrize("slug", list(reports.REPORTS))
def test_every_report_runs_a_fixed_number_of_queries(alex, blair, slug, django_assert_num_queries):
    def build_with(count: int) -> int:
        for index in range(count):
            case = factories.open_case(alex if index % 2 else blair, now=at(2))
            finish(case, "referral", at(4), alex)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            reports.REPORTS[slug].build(MARCH)
        return len(queries.captured_queries)

    few = build_with(2)
    many = build_with(20)
    # Screening and barriers answers more questions than the others: 9 statements
    # (tests/screening/test_report.py counts them one by one); volume 6 (five and whether the
    # histograms are built); every other report 5 at most.
    assert few == many <= {"screening": 9, "volume": 6}.get(slug, 5)
