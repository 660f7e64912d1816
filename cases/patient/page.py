"""What the patient's status page shows, read at a fixed number of queries, and its calendar file.

Only what the patient needs: each stage's state, who it waits on and when it should be done,
their own to-dos, the appointment, their questions and whom to call. Never the diagnosis, notes
or insurance reference numbers.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from cases.models import STAGE_ORDER, Appointment, Case, PatientQuestion, Stage, Step

# Who an unfinished step waits on, by stage: "us" (the social-work team), "insurer" or
# "hospital" (the hospital sending records). A blocked step waits on the same party: a block
# is a delay at that party (a denial to appeal, a lab holding the slides, a booking to chase).
WAITING_ON = {
    Stage.REFERRAL: "us",
    Stage.PREAUTHORIZATION: "insurer",
    Stage.RECORDS: "hospital",
    Stage.APPOINTMENT: "us",
}


@dataclass(frozen=True)
class StageLine:
    stage: str
    state: str  # "done", "not_needed", "in_progress", "not_started"
    waiting_on: str  # "" unless in progress
    expected_on: datetime.date | None
    finished_on: datetime.date | None
    is_current: bool


def stage_lines(case: Case, steps: list[Step]) -> list[StageLine]:
    by_stage = {step.stage: step for step in steps}
    lines = []
    for stage in STAGE_ORDER:
        step = by_stage.get(stage)
        status = step.status if step else Step.Status.PENDING
        if status == Step.Status.DONE:
            state = "done"
        elif status == Step.Status.NOT_NEEDED:
            state = "not_needed"
        elif status in (Step.Status.IN_PROGRESS, Step.Status.BLOCKED):
            state = "in_progress"
        else:
            state = "not_started"
        lines.append(
            StageLine(
                stage=stage,
                state=state,
                waiting_on=WAITING_ON[stage] if state == "in_progress" else "",
                expected_on=step.due_date if step and state == "in_progress" else None,
                finished_on=timezone.localdate(step.finished_at)
                if step and step.finished_at and state in ("done", "not_needed")
                else None,
                is_current=stage == case.current_stage,
            )
        )
    return lines


def todos(lines: list[StageLine], case: Case) -> list[str]:
    """The patient's own to-dos, as keys the template words: what is still useful to do."""
    state = {line.stage: line.state for line in lines}
    if case.is_closed:
        return []
    items = []
    if state[Stage.RECORDS] not in ("done", "not_needed"):
        items.append("sign_release")
    if state[Stage.APPOINTMENT] not in ("done", "not_needed"):
        items += ["bring_insurance_card", "bring_imaging_disc"]
    return items


def appointment_for(case: Case) -> Appointment | None:
    """The booked appointment with its centre and specialist (one query), or None."""
    try:
        # `get`, not `first`: a case has one appointment, so no ORDER BY to sort by.
        appointment = Appointment.objects.select_related("centre", "specialist__centre").get(
            case=case, scheduled_at__isnull=False
        )
    except Appointment.DoesNotExist:
        return None
    appointment.place_name = (
        appointment.centre.name
        if appointment.centre_id
        else (appointment.specialist.centre.name if appointment.specialist_id else "")
    ) or case.centre_other
    appointment.specialist_name = (
        appointment.specialist.name if appointment.specialist_id else case.specialist_other
    )
    return appointment


def contact_for(case: Case) -> dict:
    """The social worker's name, phone and hours; the team line when no phone is on file.

    The hours are typed text: a Spanish page shows the Spanish hours, or the English ones
    marked as English (`hours_language`) when nobody has written them in Spanish yet."""
    worker = case.social_worker
    profile = getattr(worker, "staff_profile", None)
    hours, hours_language = (profile.hours if profile else ""), ""
    if profile and translation.get_language() == "es":
        hours_language = "" if profile.hours_es else "en"
        hours = profile.hours_es or profile.hours
    return {
        "name": worker.get_full_name() or worker.username,
        "phone": (profile.phone if profile else "") or settings.PATIENT_HELP_PHONE,
        "hours": hours,
        "hours_language": hours_language if hours else "",
    }


def status_page_content(case: Case) -> dict:
    """Everything the status page shows: four queries (steps, appointment, questions)."""
    steps = list(Step.objects.filter(case=case).order_by("position"))
    lines = stage_lines(case, steps)
    return {
        "stages": lines,
        "current": next((line for line in lines if line.is_current), None),
        "todos": todos(lines, case),
        "appointment": appointment_for(case),
        "questions": list(PatientQuestion.objects.filter(case=case)),
        "contact": contact_for(case),
        "case_status": case.status,
    }


def _ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _ics_fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets continue on lines starting with a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def appointment_ics(
    appointment: Appointment, *, summary: str, description: str, now: datetime.datetime
) -> str:
    """An iCalendar file with one one-hour event for the appointment."""
    stamp = "%Y%m%dT%H%M%SZ"
    starts = appointment.scheduled_at.astimezone(datetime.UTC)
    location = (
        appointment.video_link
        if appointment.mode == Appointment.Mode.VIDEO and appointment.video_link
        else ", ".join(part for part in (appointment.place_name, appointment.address) if part)
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Navigator//Status page//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.pk}@navigator",
        f"DTSTAMP:{now.astimezone(datetime.UTC):{stamp}}",
        f"DTSTART:{starts:{stamp}}",
        f"DTEND:{starts + datetime.timedelta(hours=1):{stamp}}",
        f"SUMMARY:{_ics_escape(summary)}",
        f"LOCATION:{_ics_escape(location)}",
        f"DESCRIPTION:{_ics_escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    if appointment.mode == Appointment.Mode.VIDEO and appointment.video_link:
        lines.insert(-2, f"URL:{appointment.video_link}")
    return "".join(_ics_fold(line) + "\r\n" for line in lines)
