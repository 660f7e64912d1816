"""The words of reminders: staff emails (case number, stage, dates; never the patient's name)
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


def _staff_items(reminders: list[Reminder], today: datetime.date) -> list[dict]:
    return [
        {
            "rule": reminder.get_rule_display(),
            "case_id": reminder.case_id,
            "stage": reminder.step.get_stage_display(),
            "due_date": reminder.step.due_date,
            "days_overdue": max((today - reminder.step.due_date).days, 0),
            "social_worker": staff_name(reminder.case.social_worker),
            "url": _case_url(reminder.case_id),
        }
        for reminder in reminders
    ]


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
    """Staff messages name the case number, stage and dates, never the patient."""
    if delivery.rule == Rule.REASSIGNED:
        return _assigned_message(delivery, reminders)
    today = team_today(now)
    items = _staff_items(reminders, today)
    context = {"recipient": staff_name(delivery.recipient), "items": items, "today": today}
    if delivery.rule == Rule.DIGEST:
        return _render("staff_digest", context, f"Navigator: {len(items)} steps due or overdue")
    item = items[0]
    subject = {
        Rule.DUE_SOON: f"Due soon: case #{item['case_id']}, {item['stage']}",
        Rule.OVERDUE: f"Overdue: case #{item['case_id']}, {item['stage']}",
        Rule.ESCALATION: f"Escalation: case #{item['case_id']} is "
        f"{item['days_overdue']} days overdue",
    }[delivery.rule]
    return _render("staff_reminder", context | {"item": item, "rule": delivery.rule}, subject)


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
