"""The words of reminders: staff emails (case number, stage or follow-up or records request,
dates; never the patient's name, what a follow-up says or whom a request went to), the
supervisors' monthly summary (a month and a link, no figure: `cases.reminders.summary`)
and patient messages (when, where, what to bring, who to call; in English or Spanish; never the
diagnosis). Templates are in templates/reminders/emails/."""

import dataclasses
import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases.business_days import team_today
from cases.models import Channel, Delivery, Reminder, Rule, StaffProfile
from cases.reminders import summary


@dataclasses.dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def staff_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _case_url(case_id: int) -> str:
    return settings.NAVIGATOR_BASE_URL.rstrip("/") + reverse(
        "case_detail", kwargs={"case_id": case_id}
    )


def _staff_item(reminder: Reminder, today: datetime.date) -> dict:
    """What a staff message says of one reminder: the case number, what it is about (a step's
    stage, a follow-up, a records request and when it was sent), the date that matters and how
    many days it is past, the social worker. Never the patient, nor what a follow-up says or
    whom a request went to: those are on the case page, behind the login."""
    item = {
        "rule": reminder.get_rule_display(),
        "code": reminder.rule,
        "case_id": reminder.case_id,
        "due_label": "due",
        "due_time": None,
        "social_worker": staff_name(reminder.case.social_worker),
        "url": _case_url(reminder.case_id),
    }
    if reminder.follow_up_id is not None:
        follow_up = reminder.follow_up
        item |= {"kind": "follow_up", "what": "a follow-up", "due_date": follow_up.due_on}
        item["due_time"] = follow_up.due_time
    elif reminder.records_request_id is not None:
        request = reminder.records_request
        sent = f" sent {request.sent_on:%b %-d}" if request.sent_on else ""
        item |= {"kind": "records_request", "what": f"a records request{sent}"}
        if reminder.rule == Rule.RECORDS_LATE:
            item |= {"due_label": "answer due", "due_date": request.answer_due_on}
        else:
            item |= {"due_label": "follow up on", "due_date": request.follow_up_on}
    else:
        step = reminder.step
        item |= {"kind": "step", "what": step.get_stage_display(), "due_date": step.due_date}
    item["stage"] = item["what"]
    item["days_overdue"] = max((today - item["due_date"]).days, 0)
    return item


SUBJECTS = {
    Rule.DUE_SOON: "Due soon: case #{case_id}, {what}",
    Rule.OVERDUE: "Overdue: case #{case_id}, {what}",
    Rule.ESCALATION: "Escalation: case #{case_id} is {days_overdue} days overdue",
    Rule.FOLLOW_UP_DUE: "Follow-up due: case #{case_id}",
    Rule.FOLLOW_UP_LATE: "Follow-up late: case #{case_id}",
    Rule.RECORDS_FOLLOW_UP: "Records request to follow up: case #{case_id}",
    Rule.RECORDS_LATE: "Records request past its legal clock: case #{case_id}",
}


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def digest_summary(items: list[dict]) -> str:
    """ "2 steps due soon or overdue, 1 follow-up due or late and 1 records request to chase"."""
    kinds = [item["kind"] for item in items]
    parts = [
        _counted(kinds.count(kind), one, many)
        for kind, one, many in (
            ("step", "step due soon or overdue", "steps due soon or overdue"),
            ("follow_up", "follow-up due or late", "follow-ups due or late"),
            ("records_request", "records request to chase", "records requests to chase"),
        )
        if kind in kinds
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _render(template: str, context: dict, subject: str) -> Message:
    return Message(
        subject=subject,
        text=render_to_string(f"reminders/emails/{template}.txt", context),
        html=render_to_string(f"reminders/emails/{template}.html", context),
    )


def _assigned_message(delivery: Delivery, reminders: list[Reminder]) -> Message:
    """Cases a supervisor gave the recipient: one message for all those given at once."""
    items = [
        {
            "case_id": reminder.case_id,
            "stage": reminder.case.get_current_stage_display() or "All steps finished",
            "next_due_date": reminder.case.next_due_date,
            "url": _case_url(reminder.case_id),
        }
        for reminder in sorted(reminders, key=lambda reminder: reminder.case_id)
    ]
    subject = (
        f"Navigator: case #{items[0]['case_id']} is now yours"
        if len(items) == 1
        else f"Navigator: {len(items)} cases are now yours"
    )
    context = {"recipient": staff_name(delivery.recipient), "items": items}
    return _render("staff_assigned", context, subject)


def render_staff_message(delivery: Delivery, reminders: list[Reminder], now) -> Message:
    """Staff messages name the case number, what it is about and dates, never the patient."""
    if delivery.rule == Rule.REASSIGNED:
        return _assigned_message(delivery, reminders)
    today = team_today(now)
    items = [_staff_item(reminder, today) for reminder in reminders]
    context = {"recipient": staff_name(delivery.recipient), "items": items, "today": today}
    if delivery.rule == Rule.DIGEST:
        summary = digest_summary(items)
        return _render(
            "staff_digest", context | {"summary": summary}, f"Navigator digest: {summary}"
        )
    item = items[0]
    subject = SUBJECTS[delivery.rule].format(**item)
    return _render("staff_reminder", context | {"item": item, "rule": delivery.rule}, subject)


def render_summary_message(delivery: Delivery) -> Message:
    """A supervisor's monthly summary: the month, its dates and the link to its reports. No
    case, no patient and no figure (why: `cases.reminders.summary`)."""
    first, last = summary.month_period(delivery.summary_month)
    context = {
        "recipient": staff_name(delivery.recipient),
        "first": first,
        "last": last,
        "url": summary.dashboard_url(delivery.summary_month),
        "preferences_url": settings.NAVIGATOR_BASE_URL.rstrip("/")
        + reverse("notification_preferences"),
    }
    return _render("monthly_summary", context, f"Navigator: the reports for {first:%B %Y}")


def render_patient_message(delivery: Delivery, reminder: Reminder) -> Message:
    """What to expect and what to bring, in the patient's language; never the diagnosis."""
    case = reminder.case
    appointment, patient = case.appointment, case.patient
    profile = StaffProfile.objects.filter(user_id=case.social_worker_id).first()
    language = patient.preferred_language if patient.preferred_language in ("en", "es") else "en"
    context = {
        "first_name": patient.full_name.split()[0] if patient.full_name else "",
        "scheduled_at": timezone.localtime(appointment.scheduled_at),
        "video": appointment.mode == appointment.Mode.VIDEO,
        "place": appointment.address or (appointment.centre.name if appointment.centre else ""),
        "centre": appointment.centre.name if appointment.centre else case.centre_name,
        "what_to_bring": appointment.what_to_bring,
        "social_worker": staff_name(case.social_worker),
        "phone": profile.phone if profile else "",
    }
    with translation.override(language):
        subject = (
            "Recordatorio: su cita para una segunda opinión"
            if language == "es"
            else "Reminder: your second-opinion appointment"
        )
        if delivery.channel == Channel.SMS:
            template = f"reminders/emails/patient_appointment_sms.{language}.txt"
            text = render_to_string(template, context)
            return Message(subject=subject, text=text.strip(), html="")
        return _render(f"patient_appointment.{language}", context, subject)
