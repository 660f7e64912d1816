"""Synthetic contacts directory, calls and follow-ups for the demo and the bulk data sets
(issue #13). Every name and number is made up; phone numbers are in the 555-01xx range set
aside for fiction.

- `ensure_directory`: insurers with their prior-authorization lines, records offices,
  pathology labs, imaging centres and referring clinics (the second-opinion centres are the
  demo team's `CENTRES`); idempotent.
- `seed_demo_contact_log`: a few calls, faxes and emails on each open demo case, through the
  services, with follow-ups — some due today, some late, some done;
- the same at scale, by bulk insert, is `cases.demo.seed.seed_bulk`'s (`_bulk_contact_log`),
  drawn from `CALLS`.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from cases.business_days import add_business_days, team_today
from cases.contacts import services as contact_services
from cases.models import Case, Contact, ContactLogEntry

Kind = Contact.Kind

# (kind, name, phone, fax, email, portal, hours, notes)
DIRECTORY = [
    (
        Kind.INSURER,
        "Example Health Plan",
        "555-0161",
        "555-0162",
        "priorauth@examplehealth.example",
        "https://providers.examplehealth.example",
        "Mon–Fri 8 am–8 pm ET",
        "Prior-authorization line. Ask for a reference number on every call.",
    ),
    (
        Kind.INSURER,
        "Sample Mutual",
        "555-0163",
        "555-0164",
        "",
        "https://portal.samplemutual.example",
        "Mon–Fri 8 am–5 pm CT",
        "Urgent requests: say 'expedited review' at the menu.",
    ),
    (
        Kind.INSURER,
        "Placeholder Care",
        "555-0165",
        "555-0166",
        "um@placeholdercare.example",
        "",
        "Mon–Sat 7 am–7 pm ET",
        "",
    ),
    (
        Kind.INSURER,
        "Demo Medicaid",
        "555-0167",
        "555-0168",
        "",
        "https://medicaid.demo.example",
        "Mon–Fri 8 am–4:30 pm",
        "Out-of-state second opinions need a single-case agreement.",
    ),
    (
        Kind.RECORDS_OFFICE,
        "Northfield General Hospital — Release of Information",
        "555-0171",
        "555-0172",
        "roi@northfield.example",
        "",
        "Mon–Fri 8:30 am–4 pm",
        "Needs the signed release on their own form; allow 5 business days.",
    ),
    (
        Kind.RECORDS_OFFICE,
        "St. Example Medical Center — Health Information Management",
        "555-0173",
        "555-0174",
        "",
        "https://records.stexample.example",
        "Mon–Fri 8 am–5 pm",
        "",
    ),
    (
        Kind.RECORDS_OFFICE,
        "Valley Community Hospital — Medical Records",
        "555-0175",
        "555-0176",
        "",
        "",
        "Mon–Thu 9 am–3 pm",
        "Faxes only; they do not answer email.",
    ),
    (
        Kind.PATHOLOGY_LAB,
        "Northfield General — Anatomic Pathology",
        "555-0181",
        "555-0182",
        "",
        "",
        "Mon–Fri 7 am–3:30 pm",
        "Slides and paraffin blocks: ask for the block, not recuts.",
    ),
    (
        Kind.PATHOLOGY_LAB,
        "Example Reference Laboratories (molecular)",
        "555-0183",
        "555-0184",
        "clientservices@examplelabs.example",
        "https://results.examplelabs.example",
        "24 hours",
        "IDH, 1p/19q and MGMT reports.",
    ),
    (
        Kind.IMAGING_CENTRE,
        "Riverside Imaging Associates",
        "555-0185",
        "555-0186",
        "",
        "https://share.riversideimaging.example",
        "Mon–Sat 7 am–7 pm",
        "MRI as DICOM on a disc, or a share link by request.",
    ),
    (
        Kind.IMAGING_CENTRE,
        "Example Open MRI",
        "555-0187",
        "555-0188",
        "",
        "",
        "Mon–Fri 8 am–6 pm",
        "",
    ),
    (
        Kind.REFERRING_CLINIC,
        "Northfield Neurology Clinic",
        "555-0191",
        "555-0192",
        "referrals@northfieldneuro.example",
        "",
        "Mon–Fri 8 am–5 pm",
        "",
    ),
    (
        Kind.REFERRING_CLINIC,
        "Hillside Family Medicine",
        "555-0193",
        "555-0194",
        "",
        "",
        "Mon–Fri 9 am–5 pm",
        "",
    ),
]


def ensure_directory() -> list[Contact]:
    """The demo directory (idempotent)."""
    contacts = []
    for kind, name, phone, fax, email, portal, hours, notes in DIRECTORY:
        contact, _ = Contact.objects.get_or_create(
            kind=kind,
            name=name,
            defaults={
                "phone": phone,
                "fax": fax,
                "email": email,
                "portal_url": portal,
                "hours": hours,
                "notes": notes,
            },
        )
        contacts.append(contact)
    return contacts


# What the calls of a case say: (kind of contact, channel, outcome, note, follow-up to do).
CALLS = [
    (
        Kind.INSURER,
        "call",
        "reached",
        "Preauthorization request taken; clinical notes to follow by fax.",
        "Call back for the preauthorization decision",
    ),
    (Kind.INSURER, "call", "left_message", "Hold over 40 minutes; left a callback number.", ""),
    (
        Kind.RECORDS_OFFICE,
        "fax",
        "sent",
        "Sent the signed release and the request for the pathology and operative reports.",
        "Check the records office received the release",
    ),
    (
        Kind.PATHOLOGY_LAB,
        "call",
        "reached",
        "Lab will send recuts only; asked for the paraffin block.",
        "Chase the lab for the paraffin block",
    ),
    (Kind.IMAGING_CENTRE, "portal", "sent", "Asked for the MRI as DICOM by share link.", ""),
    (
        Kind.REFERRING_CLINIC,
        "email",
        "received",
        "Referral letter and treatment summary received.",
        "",
    ),
]


def _calls_for(rng: random.Random) -> list[tuple]:
    return rng.sample(CALLS, k=rng.randint(1, 3))


@transaction.atomic
def seed_demo_contact_log(*, now: datetime.datetime | None = None) -> int:
    """A few calls on every open demo case, made through the services as the page makes
    them, some with a follow-up (due today, later, or already late; a few done). Does nothing
    when the demo cases already have a contact log. Returns how many entries it made."""
    demo_cases = Case.objects.filter(patient__mrn__startswith="DEMO")
    if ContactLogEntry.objects.filter(case__in=demo_cases).exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(13)  # noqa: S311 - synthetic data, not security # nosec B311
    by_kind: dict[str, list[Contact]] = {}
    for contact in ensure_directory():
        by_kind.setdefault(contact.kind, []).append(contact)
    made = 0
    open_cases = demo_cases.filter(status=Case.Status.OPEN).select_related("social_worker")
    for case in open_cases.order_by("pk"):
        worker = case.social_worker
        for kind, channel, outcome, note, to_do in _calls_for(rng):
            contact = rng.choice(by_kind[kind])
            moment = now - datetime.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 6))
            moment = max(moment, case.opened_at)
            number = {"call": contact.phone, "fax": contact.fax, "email": contact.email}
            fields = {
                "occurred_at": moment,
                "channel": channel,
                "direction": "in" if outcome == "received" else "out",
                "contact": contact,
                "contact_other": "",
                "number_used": number.get(channel, contact.portal_url),
                "reference_number": f"PA-{rng.randrange(10**6, 10**7)}"
                if kind == Kind.INSURER and outcome == "reached"
                else "",
                "outcome": outcome,
                "note": note,
            }
            follow_up = None
            if to_do:
                due_on = add_business_days(team_today(moment), rng.choice([1, 2, 3, 5]))
                follow_up = contact_services.NewFollowUp(
                    what=to_do,
                    due_on=due_on,
                    due_time=datetime.time(rng.choice([10, 14, 15]), 0)
                    if rng.random() < 0.3
                    else None,
                )
            entry = contact_services.contact_log_add(
                case=case, by=worker, fields=fields, follow_up=follow_up, now=moment
            )
            made += 1
            if follow_up is not None and rng.random() < 0.25:
                contact_services.follow_up_done(
                    follow_up=entry.follow_ups.get(),
                    by=worker,
                    now=min(now, moment + datetime.timedelta(days=1)),
                )
    return made
