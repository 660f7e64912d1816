"""Distress screening (the NCCN Distress Thermometer and its problem list, with the plan a high
score asks for) and barriers to care (each of a kind, with what was done about it), per case;
and the resources the administrator keeps for the interventions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cases.models.daily import FollowUp
from cases.models.workflow import Case

# The Distress Thermometer's problem list, grouped as the NCCN form groups it (version 2024):
# (group, its label, its problems as (code, label)). A code is stored as "group.problem".
PROBLEM_GROUPS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "practical",
        "Practical concerns",
        (
            ("self_care", "Taking care of myself"),
            ("caring_for_others", "Taking care of others"),
            ("work", "Work"),
            ("school", "School"),
            ("housing", "Housing"),
            ("finances", "Finances"),
            ("insurance", "Insurance"),
            ("transportation", "Transportation"),
            ("child_care", "Child care"),
            ("food", "Having enough food"),
            ("medicine", "Access to medicine"),
            ("treatment_decisions", "Treatment decisions"),
        ),
    ),
    (
        "family",
        "Social or family concerns",
        (
            ("partner", "Relationship with spouse or partner"),
            ("children", "Relationship with children"),
            ("family", "Relationship with family members"),
            ("friends", "Relationship with friends or coworkers"),
            ("care_team", "Communication with health care team"),
            ("fertility", "Ability to have children"),
        ),
    ),
    (
        "emotional",
        "Emotional concerns",
        (
            ("worry", "Worry or anxiety"),
            ("sadness", "Sadness or depression"),
            ("interest", "Loss of interest or enjoyment"),
            ("grief", "Grief or loss"),
            ("fear", "Fear"),
            ("loneliness", "Loneliness"),
            ("anger", "Anger"),
            ("appearance", "Changes in appearance"),
            ("burden", "Feelings of worthlessness or being a burden"),
        ),
    ),
    (
        "physical",
        "Physical concerns",
        (
            ("pain", "Pain"),
            ("sleep", "Sleep"),
            ("fatigue", "Fatigue"),
            ("tobacco", "Tobacco use"),
            ("substances", "Substance use"),
            ("memory", "Memory or concentration"),
            ("sexual_health", "Sexual health"),
            ("eating", "Changes in eating"),
            ("abilities", "Loss or change of physical abilities"),
        ),
    ),
    (
        "spiritual",
        "Spiritual or religious concerns",
        (
            ("meaning", "Sense of meaning or purpose"),
            ("faith", "Changes in faith or beliefs"),
            ("death", "Death, dying or afterlife"),
            ("conflict", "Conflict between beliefs and cancer treatments"),
            ("sacred", "Relationship with the sacred"),
            ("ritual", "Ritual or dietary needs"),
        ),
    ),
)
PROBLEM_LABELS: dict[str, str] = {
    f"{group}.{code}": label for group, _, problems in PROBLEM_GROUPS for code, label in problems
}
MAX_SCORE = 10


class DistressScreening(models.Model):
    """One Distress Thermometer screening of a case's patient: the score (0–10), the problems
    ticked, who screened, when and how; and, for a score at or above the threshold
    (`settings.SCREENING_THRESHOLD`), the plan: a referral of a kind, or why none is made."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video"
        PATIENT = "patient", "Completed by the patient"

    class Plan(models.TextChoices):
        REFERRAL = "referral", "Referral made"
        NONE = "none", "No referral"

    class Referral(models.TextChoices):
        COUNSELLING = "counselling", "Psychosocial counselling"
        PSYCHIATRY = "psychiatry", "Psychiatry"
        CHAPLAINCY = "chaplaincy", "Chaplaincy"
        SUPPORT_GROUP = "support_group", "Support group"
        FINANCIAL = "financial", "Financial counselling"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    screened_on = models.DateField("Screened on")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField("How", max_length=10, choices=Method.choices)
    score = models.PositiveSmallIntegerField("Distress score (0–10)")
    # Codes of PROBLEM_LABELS ("practical.housing"), in the form's order.
    problems = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    plan = models.CharField(max_length=10, choices=Plan.choices, blank=True)
    referral_kind = models.CharField(
        "Referred to", max_length=15, choices=Referral.choices, blank=True
    )
    no_referral_reason = models.CharField("Why no referral", max_length=300, blank=True)
    # The day the plan was made (a referral's day, for the time from screening to referral).
    planned_on = models.DateField(null=True, blank=True)
    referral_follow_up = models.ForeignKey(
        FollowUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-screened_on", "-id"]
        indexes = [
            models.Index(fields=["case", "-screened_on"], name="screening_case_day"),
            # The screening report reads its columns from this index alone (issue #15).
            models.Index(
                fields=["screened_on", "case", "score", "plan", "referral_kind", "planned_on"],
                name="screening_day_report",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=MAX_SCORE), name="screening_score_0_10"
            ),
            models.CheckConstraint(
                condition=Q(plan="") | Q(planned_on__isnull=False), name="screening_plan_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"Distress screening #{self.pk} on case #{self.case_id}"

    @property
    def problem_labels(self) -> list[str]:
        return [PROBLEM_LABELS.get(code, code) for code in self.problems]


class BarrierKind(models.TextChoices):
    TRANSPORT = "transport", "Transport"
    DISTANCE = "distance", "Travel distance and lodging"
    COST = "cost", "Cost and out-of-pocket"
    INSURANCE = "insurance", "Insurance coverage"
    LANGUAGE = "language", "Language and interpreter"
    LITERACY = "literacy", "Health literacy"
    TECHNOLOGY = "technology", "Technology for a video visit"
    CAREGIVING = "caregiving", "Caregiving"
    WORK = "work", "Work or school"
    HOUSING = "housing", "Housing"
    IMMIGRATION = "immigration", "Immigration concerns"
    OTHER = "other", "Other"


class SupportResource(models.Model):
    """A resource the team offers against a barrier (a ride programme, a lodging charity, a
    copay foundation, an interpreter service), kept by the administrator."""

    name = models.CharField(max_length=200, unique=True)
    barrier_kind = models.CharField(
        "Usually for", max_length=15, choices=BarrierKind.choices, blank=True
    )
    phone = models.CharField(max_length=40, blank=True)
    details = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Barrier(models.Model):
    """Something that keeps the patient from care, from the day it was identified until it is
    resolved (on a day) or closed unresolved (on a day, with a reason)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        UNRESOLVED = "unresolved", "Closed unresolved"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="barriers")
    kind = models.CharField(max_length=15, choices=BarrierKind.choices)
    description = models.CharField("What it is", max_length=300, blank=True)
    identified_on = models.DateField("Identified on")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("Resolved or closed on", null=True, blank=True)
    unresolved_reason = models.CharField("Why it stays unresolved", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["identified_on", "id"]
        indexes = [
            models.Index(fields=["case", "status"], name="barrier_case_status"),
            # The screening report reads its barrier columns from these indexes alone.
            models.Index(
                fields=["identified_on", "kind", "case", "status", "closed_on"],
                name="barrier_identified_report",
            ),
            models.Index(
                fields=["closed_on", "status", "kind", "identified_on", "case"],
                name="barrier_closed_report",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_on__isnull=True))
                | (~Q(status="open") & Q(closed_on__gte=F("identified_on"))),
                name="barrier_closed_after_identified",
            ),
        ]

    def __str__(self) -> str:
        return f"Barrier #{self.pk} on case #{self.case_id}"


class BarrierIntervention(models.Model):
    """What was done about a barrier: a resource from the list, or typed text, on a day."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="interventions")
    resource = models.ForeignKey(
        SupportResource, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Typed text: what was done when no resource fits, or a detail beside one.
    note = models.CharField("What was done", max_length=300, blank=True)
    done_on = models.DateField("Done on")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["done_on", "id"]
        indexes = [
            # The screening report's interventions, read from this index alone.
            models.Index(fields=["done_on", "resource", "barrier"], name="intervention_day_report")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resource__isnull=False) | ~Q(note=""), name="intervention_says_what"
            ),
        ]

    def __str__(self) -> str:
        return f"Intervention #{self.pk} on barrier #{self.barrier_id}"
