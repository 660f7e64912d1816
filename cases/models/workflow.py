"""The case, its four steps and everything a social worker records while working it.

Why one module past ~400 lines: the case, its steps, checklists, insurance and appointment are
one aggregate whose constraints refer to each other.
"""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q


class Stage(models.TextChoices):
    REFERRAL = "referral", "Referral"
    PREAUTHORIZATION = "preauthorization", "Insurance preauthorization"
    RECORDS = "records", "Records gathered"
    APPOINTMENT = "appointment", "Appointment"


# The workflow's order: a case's current stage is its first unfinished step in this order.
STAGE_ORDER = [Stage.REFERRAL, Stage.PREAUTHORIZATION, Stage.RECORDS, Stage.APPOINTMENT]


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"


class TumourType(models.TextChoices):
    GLIOMA = "glioma", "Glioma"
    MENINGIOMA = "meningioma", "Meningioma"
    BRAIN_METASTASIS = "brain_metastasis", "Brain metastasis"
    CNS_LYMPHOMA = "cns_lymphoma", "CNS lymphoma"
    EPENDYMOMA = "ependymoma", "Ependymoma"
    MEDULLOBLASTOMA = "medulloblastoma", "Medulloblastoma"
    SPINAL_CORD = "spinal_cord", "Spinal cord tumour"
    OTHER = "other", "Other"


# A glioma's molecular type (WHO CNS5); empty for any other tumour (see Case's constraint).
class GliomaType(models.TextChoices):
    ASTROCYTOMA = "astrocytoma_idh_mutant", "Astrocytoma, IDH-mutant"
    OLIGODENDROGLIOMA = (
        "oligodendroglioma_idh_mutant_codeleted",
        "Oligodendroglioma, IDH-mutant and 1p/19q-codeleted",
    )
    GLIOBLASTOMA = "glioblastoma_idh_wildtype", "Glioblastoma, IDH-wildtype"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not yet known"


class Grade(models.TextChoices):
    GRADE_1 = "1", "CNS WHO grade 1"
    GRADE_2 = "2", "CNS WHO grade 2"
    GRADE_3 = "3", "CNS WHO grade 3"
    GRADE_4 = "4", "CNS WHO grade 4"
    UNKNOWN = "unknown", "Not yet known"


class Reason(models.TextChoices):
    UNANSWERED_QUESTIONS = "unanswered_questions", "Unanswered questions about the diagnosis"
    ANOTHER_VIEW = "another_view", "Wants another view of diagnosis and treatment"
    EXPERIENCED_TEAM = "experienced_team", "Wants a team more experienced with this tumour"
    DIFFERENT_APPROACH = "different_approach", "Interested in a different treatment approach"
    RELAPSE = "relapse", "Relapse after treatment"
    COMMUNICATION = "communication", "Trouble communicating with the current team"
    NOT_TAKEN_SERIOUSLY = "not_taken_seriously", "Concerns not taken seriously"
    FAMILY_ADVICE = "family_advice", "Family and friends advised it"
    OTHER = "other", "Other"


class Specialist(models.Model):
    name = models.CharField(max_length=200)
    centre = models.ForeignKey("cases.Centre", on_delete=models.PROTECT, related_name="specialists")
    specialty = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.centre})"


class StageSetting(models.Model):
    """Per-stage time limits in business days, set in the admin."""

    stage = models.CharField(max_length=20, choices=Stage.choices, unique=True)
    routine_days = models.PositiveSmallIntegerField()
    urgent_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["stage"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.routine_days}/{self.urgent_days} business days"

    def days_for(self, urgency: str) -> int:
        return self.urgent_days if urgency == Urgency.URGENT else self.routine_days


class ChecklistTemplate(models.Model):
    """An item copied into every new case's checklist for its stage."""

    stage = models.CharField(max_length=20, choices=Stage.choices)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    # The one item that says the patient was told what to bring to the appointment: Today
    # lists appointments this week where it is not ticked. A flag, not the label, so renaming
    # the item in the admin keeps it working.
    told_what_to_bring = models.BooleanField(
        "Marks that the patient was told what to bring", default=False
    )

    class Meta:
        ordering = ["stage", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.label}"


# Marks that join the parts of one name: "O'Brien" and "OBrien" are the same name, whichever
# apostrophe was typed.
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc`")


def normalise_for_search(text: str) -> str:
    """Text as a person compares it: case, accents and runs of spaces ignored ("José  PÉREZ"
    becomes "jose perez"); invisible characters pasted from a document (soft hyphens, zero-width
    spaces: Unicode's format characters) dropped; apostrophes dropped ("O'Brien" is "obrien");
    any other punctuation or symbol separates words ("Mary-Jane" is "mary jane", "Hollister,
    Wren" is "hollister wren"). The one rule for the stored search columns and for the terms
    searched for, so both sides always agree, on SQLite and PostgreSQL alike."""
    kept = []
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if unicodedata.combining(char) or category == "Cf" or char in _APOSTROPHES:
            continue
        kept.append(" " if category[0] in "PSZC" else char)
    return " ".join("".join(kept).casefold().split())


def name_key(full_name: str) -> str:
    """A name's normalised words in sorted order: "Hollister, Wren" and "wren hollister" are
    one key, so intake's duplicate check matches the same name whatever the order of its words
    (and the caseload search, word by word, finds it all the same)."""
    return " ".join(sorted(normalise_for_search(full_name).split()))


def normalise_mrn(mrn: str) -> str:
    """An MRN without its case, spaces and separators: "ab-1234 5" finds "AB12345"."""
    return "".join(char for char in normalise_for_search(mrn) if char.isalnum())


def patient_search_fields(*, full_name: str, mrn: str) -> dict[str, str]:
    """The patient's search and sort columns, derived from the name and MRN they were typed
    as."""
    return {
        "search_name": name_key(full_name),
        "search_mrn": normalise_mrn(mrn),
        "sort_name": normalise_for_search(full_name),
    }


class Patient(models.Model):
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    mrn = models.CharField("MRN", max_length=40, blank=True)
    preferred_language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    consent_to_reminders = models.BooleanField(default=False)
    # Derived from full_name and mrn on every save (see `patient_search_fields`): what the
    # caseload search and intake's duplicate check compare; the name as `name_key` (its
    # normalised words, sorted). Text, as NFKD may lengthen a name.
    search_name = models.TextField(blank=True, editable=False)
    search_mrn = models.TextField(blank=True, editable=False)
    # The name as it reads, normalised (`normalise_for_search`: "Élodie" among the E's, "de
    # la Cruz" with the d's), so the caseload sorts by name the same way on SQLite and
    # PostgreSQL whatever their collations; kept by `save` like the search columns.
    sort_name = models.TextField(blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["search_name", "date_of_birth"], name="patient_search_name_dob"),
            models.Index(fields=["mrn"], name="patient_mrn"),
            models.Index(fields=["sort_name"], name="patient_sort_name"),
        ]

    def __str__(self) -> str:
        # Deliberately not the name: model reprs end up in logs and error reports.
        return f"Patient #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        search = patient_search_fields(full_name=self.full_name, mrn=self.mrn)
        for name, value in search.items():
            setattr(self, name, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *search}
        super().save(*args, **kwargs)


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ON_HOLD = "on_hold", "On hold"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    tumour_type = models.CharField(
        max_length=20, choices=TumourType.choices, default=TumourType.GLIOMA
    )
    # Only a glioma has one ("Not yet known" until the molecular reports arrive); empty for
    # every other tumour type.
    glioma_type = models.CharField(
        max_length=50, choices=GliomaType.choices, default=GliomaType.UNKNOWN, blank=True
    )
    grade = models.CharField(max_length=10, choices=Grade.choices, default=Grade.UNKNOWN)
    diagnosis_notes = models.TextField(blank=True)
    reasons_other = models.CharField(max_length=300, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    centre = models.ForeignKey("cases.Centre", on_delete=models.PROTECT, null=True, blank=True)
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, null=True, blank=True)
    centre_other = models.CharField("Centre (not in directory)", max_length=200, blank=True)
    specialist_other = models.CharField("Specialist (not in directory)", max_length=200, blank=True)
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    status_reason = models.CharField(max_length=300, blank=True)
    # A case on hold is looked at again on this date (team time zone): it comes back on Today.
    hold_review_on = models.DateField("Review the hold on", null=True, blank=True)
    # Kept by the step service so the caseload sorts and filters without touching steps.
    current_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    next_due_date = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a save from a stale copy is refused, never silently applied.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(tumour_type="glioma", glioma_type__gt="")
                | (~Q(tumour_type="glioma") & Q(glioma_type="")),
                name="case_glioma_type_only_for_glioma",
                violation_error_message="A glioma type only applies to a glioma.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["social_worker", "next_due_date"],
                condition=Q(status="open"),
                name="case_open_by_worker_due",
            ),
            models.Index(
                fields=["next_due_date"], condition=Q(status="open"), name="case_open_due"
            ),
            models.Index(fields=["status", "opened_at"], name="case_status_opened"),
            # A caseload in any status filter; leading with status, so SQLite picks it even
            # before ANALYZE has given it statistics (see the README's Scale section). With the
            # urgency, the team caseload's open and held cases per worker read from it alone.
            models.Index(
                fields=["status", "social_worker", "next_due_date", "urgency"],
                name="case_status_worker_due",
            ),
            # The volume report: cases completed in a period, and the diagnosis and centre of
            # the cases opened in one, read from the index alone.
            models.Index(fields=["status", "closed_at"], name="case_status_closed"),
            models.Index(
                fields=["opened_at", "tumour_type", "glioma_type", "grade", "centre"],
                name="case_opened_diagnosis",
            ),
            # The team caseload report counts each worker's cases by status, due date, urgency
            # and the period's dates from this index alone (SQLite read every case's row).
            models.Index(
                fields=[
                    "social_worker",
                    "status",
                    "next_due_date",
                    "urgency",
                    "opened_at",
                    "closed_at",
                    "centre",
                ],
                name="case_worker_caseload",
            ),
        ]

    def __str__(self) -> str:
        return f"Case #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("case_detail", kwargs={"case_id": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.WITHDRAWN)

    @property
    def diagnosis(self) -> str:
        """The tumour type (a glioma's molecular type with it) and the grade, as staff read
        them: "Glioma: Astrocytoma, IDH-mutant, CNS WHO grade 2", "Meningioma, CNS WHO grade 1"."""
        if self.tumour_type == TumourType.GLIOMA:
            words = {GliomaType.UNKNOWN: "type not yet known", GliomaType.OTHER: "other type"}
            tumour = f"Glioma: {words.get(self.glioma_type, self.get_glioma_type_display())}"
        else:
            tumour = self.get_tumour_type_display()
        grade = "grade not yet known" if self.grade == Grade.UNKNOWN else self.get_grade_display()
        return f"{tumour}, {grade}"

    @property
    def centre_name(self) -> str:
        return self.centre.name if self.centre_id else self.centre_other

    @property
    def specialist_name(self) -> str:
        return self.specialist.name if self.specialist_id else self.specialist_other


class CaseReason(models.Model):
    """One reason the patient sought the opinion; a row each so reports can count them in SQL."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reasons")
    reason = models.CharField(max_length=30, choices=Reason.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "reason"], name="case_reason_unique")
        ]

    def __str__(self) -> str:
        return self.get_reason_display()


class Step(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_NEEDED = "not_needed", "Not needed"
        BLOCKED = "blocked", "Blocked"

    FINISHED = (Status.DONE, Status.NOT_NEEDED)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the step was last marked blocked; empty unless it is blocked now (Today says since).
    blocked_at = models.DateTimeField(null=True, blank=True)
    # No reminders for this step until this date (team time zone); set by `step_snooze`.
    snoozed_until = models.DateField(null=True, blank=True)
    snooze_reason = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["case", "stage"], name="step_case_stage")]
        indexes = [
            models.Index(
                fields=["due_date"],
                condition=Q(status__in=["in_progress", "blocked"]),
                name="step_active_due",
            ),
            # The reports count the steps done on the days their histograms do not hold.
            models.Index(fields=["finished_at"], name="step_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} step of case #{self.case_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class ChecklistItem(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="checklist")
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    # Copied from its template (see ChecklistTemplate.told_what_to_bring).
    told_what_to_bring = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class YesNoUnknown(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    YES = "yes", "Yes"
    NO = "no", "No"


class Insurance(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        APPEALED = "appealed", "Appealed"
        OVERTURNED = "overturned", "Overturned on appeal"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="insurance")
    payer = models.CharField(max_length=200, blank=True)
    plan = models.CharField(max_length=200, blank=True)
    member_id = models.CharField("Member ID", max_length=80, blank=True)
    preauthorization_required = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    reference_number = models.CharField(max_length=80, blank=True)
    requested_on = models.DateField("Requested on", null=True, blank=True)
    decision = models.CharField(max_length=12, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField("Decision date", null=True, blank=True)
    in_network = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    expected_out_of_pocket = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        # The insurance report's requests in a period (and the histograms' days at either end
        # of it) read the request day, the decision and the case from the index alone.
        indexes = [
            models.Index(
                fields=["requested_on", "decision", "decided_on", "case"],
                name="insurance_requested_report",
            )
        ]

    def __str__(self) -> str:
        return f"Insurance for case #{self.case_id}"


class Appointment(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video visit"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="appointment")
    centre = models.ForeignKey("cases.Centre", on_delete=models.PROTECT, null=True, blank=True)
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, null=True, blank=True)
    scheduled_at = models.DateTimeField("Date and time", null=True, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    address = models.TextField(blank=True)
    video_link = models.URLField(blank=True)
    what_to_bring = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        # The patient reminders' sweep finds booked appointments by their time.
        indexes = [models.Index(fields=["scheduled_at"], name="appointment_scheduled_at")]

    def __str__(self) -> str:
        return f"Appointment for case #{self.case_id}"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note #{self.pk} on case #{self.case_id}"


class CaseEvent(models.Model):
    """The case's timeline: everything that happened on it, in words a colleague can read."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Case opened"
        STEP = "step", "Step status"
        DUE_DATE = "due_date", "Due date moved"
        CHECKLIST = "checklist", "Checklist"
        INSURANCE = "insurance", "Insurance"
        APPOINTMENT = "appointment", "Appointment"
        NOTE = "note", "Note"
        STATUS = "status", "Case status"
        REASSIGNED = "reassigned", "Reassigned"
        DETAILS = "details", "Details edited"
        REMINDER = "reminder", "Reminder"
        PATIENT = "patient", "Patient"
        RECORDS = "records", "Records request"
        CONTACT = "contact", "Contact log"
        FOLLOW_UP = "follow_up", "Follow-up"
        SCREENING = "screening", "Distress screening"
        BARRIER = "barrier", "Barrier to care"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="event_case_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case #{self.case_id}"


class Coverage(models.Model):
    """A colleague covers another social worker's caseload for a date range (leave, holiday)."""

    covering = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coverages_given"
    )
    covered = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coverages_received"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="coverage_dates_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(covering=models.F("covered")), name="coverage_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.covering} covers {self.covered} {self.starts_on}–{self.ends_on}"
