"""The screening part's forms: a screening (with its plan), a plan added later, a barrier (with
the first thing done about it), something more done about one, and closing one.

Each keeps what was typed and explains a mistake beside its field; the rules are the services'
(their messages are reused), checked here first so every mistake is shown at once. Dates are
held to plausible ranges (`cases.workflow.form_rules.DateRange`).
"""

import datetime

from django import forms

from cases.models import PROBLEM_GROUPS, Barrier, BarrierKind, DistressScreening
from cases.models.screening import MAX_SCORE
from cases.models.staff import display_name
from cases.screening import rules, services
from cases.workflow.form_rules import DateInput, DateRange, PlausibleDatesMixin, VersionedForm

PAST_DAY = DateRange(
    earliest=lambda today: today - datetime.timedelta(days=365),
    latest=lambda today: today,
    message="Check the date: it must be between {earliest} and {latest}.",
    too_late=services.IN_THE_FUTURE,
)
FOLLOW_UP_DAY = DateRange(
    earliest=lambda today: today,
    latest=lambda today: today + datetime.timedelta(days=365),
    message="Check the date: the referral's follow-up must be due between {earliest} and {latest}.",
    too_early="A follow-up cannot be due in the past. Choose today or a later day.",
)
# A radio button's value is never empty (a browser sends "on" for one without a value).
NO_PLAN = "not_needed"
PLAN_CHOICES = [
    (NO_PLAN, "No plan needed (a score below the threshold)"),
    *DistressScreening.Plan.choices,
]


class PlanFields(PlausibleDatesMixin, forms.Form):
    """A plan: a referral of a kind (and when to follow it up), or why none is made."""

    date_ranges = {"follow_up_on": FOLLOW_UP_DAY}

    plan = forms.ChoiceField(
        label="Plan",
        choices=PLAN_CHOICES,
        required=False,
        initial=NO_PLAN,
        widget=forms.RadioSelect,
    )
    referral_kind = forms.ChoiceField(
        label="Referred to",
        choices=[("", "Choose…"), *DistressScreening.Referral.choices],
        required=False,
    )
    follow_up_on = forms.DateField(
        label="Follow up the referral on",
        widget=DateInput(),
        required=False,
        help_text="A follow-up for the case's social worker. Empty: a week from today.",
    )
    no_referral_reason = forms.CharField(
        label="Or: why no referral is made", max_length=300, required=False
    )

    def score(self) -> int | None:
        return self.cleaned_data.get("score")

    def clean_plan(self) -> str:
        plan = self.cleaned_data["plan"]
        return "" if plan == NO_PLAN else plan

    def clean(self) -> dict:
        data = super().clean()
        plan, score = data.get("plan"), self.score()
        if not plan and score is not None and rules.needs_plan(score):
            self.add_error("plan", services.plan_missing(score))
        if plan == DistressScreening.Plan.REFERRAL and not data.get("referral_kind"):
            self.add_error("referral_kind", services.NO_REFERRAL_KIND)
        if plan == DistressScreening.Plan.NONE and not data.get("no_referral_reason", "").strip():
            self.add_error("no_referral_reason", services.NO_REASON)
        return data

    def plan_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "plan": data["plan"],
            "referral_kind": data["referral_kind"],
            "no_referral_reason": data["no_referral_reason"],
            "follow_up_on": data["follow_up_on"],
        }


class ScreeningForm(PlanFields):
    date_ranges = {"screened_on": PAST_DAY, "follow_up_on": FOLLOW_UP_DAY}

    screened_on = forms.DateField(
        label="Screened on",
        widget=DateInput(),
        error_messages={"required": "Say when the screening was done."},
    )
    screened_by = forms.ModelChoiceField(
        label="Screened by",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "Choose someone from the team."},
    )
    method = forms.ChoiceField(
        label="How",
        choices=DistressScreening.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the screening was done."},
    )
    score = forms.IntegerField(
        label=f"Distress score (0–{MAX_SCORE})",
        min_value=0,
        max_value=MAX_SCORE,
        help_text="The number the patient circled on the thermometer.",
        error_messages={
            "required": "Enter the score the patient gave, from 0 to 10.",
            "invalid": services.SCORE_RANGE,
            "min_value": services.SCORE_RANGE,
            "max_value": services.SCORE_RANGE,
        },
    )
    problems = forms.MultipleChoiceField(
        label="Problems ticked",
        choices=[
            (label, [(f"{group}.{code}", text) for code, text in problems])
            for group, label, problems in PROBLEM_GROUPS
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose problems from the list."},
    )
    note = forms.CharField(
        label="Short note",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = [
        "screened_on",
        "screened_by",
        "method",
        "score",
        "problems",
        "plan",
        "referral_kind",
        "follow_up_on",
        "no_referral_reason",
        "note",
    ]

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["screened_by"].queryset = team
        self.fields["screened_by"].label_from_instance = display_name
        self.order_fields(self.field_order)

    def screening_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "screened_on": data["screened_on"],
            "screened_by": data["screened_by"],
            "method": data["method"],
            "score": data["score"],
            "problems": data["problems"],
            "note": data["note"],
            **self.plan_fields(),
        }


class PlanForm(VersionedForm, PlanFields):
    """The plan for a screening that has none yet."""

    def __init__(self, *args, screening: DistressScreening, **kwargs):
        self.screening = screening
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = DistressScreening.Plan.choices
        self.fields["plan"].initial = None
        self.fields["plan"].required = True
        self.fields["plan"].error_messages["required"] = services.plan_missing(screening.score)

    def score(self) -> int:
        return self.screening.score


class InterventionFields(forms.Form):
    resource = forms.ModelChoiceField(
        label="Resource",
        queryset=None,
        required=False,
        empty_label="None from the list",
        error_messages={"invalid_choice": "Choose a resource from the list."},
    )

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources


class BarrierForm(PlausibleDatesMixin, InterventionFields):
    date_ranges = {"identified_on": PAST_DAY}

    kind = forms.ChoiceField(
        label="Kind of barrier",
        choices=[("", "Choose…"), *BarrierKind.choices],
        error_messages={"required": "Choose the kind of barrier."},
    )
    description = forms.CharField(
        label="What it is",
        max_length=300,
        required=False,
        help_text="For example: no car, and the centre is 200 miles away.",
    )
    identified_on = forms.DateField(
        label="Identified on",
        widget=DateInput(),
        error_messages={"required": "Say when the barrier was identified."},
    )
    intervention_note = forms.CharField(
        label="Or what was done (optional)", max_length=300, required=False
    )

    field_order = ["kind", "description", "identified_on", "resource", "intervention_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].label = "What was done: a resource (optional)"
        self.order_fields(self.field_order)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == BarrierKind.OTHER and not data.get("description", "").strip():
            self.add_error("description", "Say what the barrier is.")
        return data


class InterventionForm(PlausibleDatesMixin, InterventionFields):
    date_ranges = {"done_on": PAST_DAY}

    note = forms.CharField(label="Or say what was done", max_length=300, required=False)
    done_on = forms.DateField(
        label="Done on",
        widget=DateInput(),
        error_messages={"required": "Say when it was done."},
    )

    def __init__(self, *args, barrier: Barrier, **kwargs):
        self.barrier = barrier
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        if "resource" in data and data["resource"] is None and not data.get("note", "").strip():
            self.add_error("resource", services.NO_INTERVENTION)
        done_on = data.get("done_on")
        if done_on and done_on < self.barrier.identified_on:
            self.add_error(
                "done_on",
                "Something done about a barrier is on or after the day it was identified "
                f"({self.barrier.identified_on:%b %-d, %Y}).",
            )
        return data


class BarrierCloseForm(PlausibleDatesMixin, VersionedForm):
    date_ranges = {"closed_on": PAST_DAY}

    status = forms.ChoiceField(
        label="Outcome",
        choices=[
            (Barrier.Status.RESOLVED, "Resolved"),
            (Barrier.Status.UNRESOLVED, "Closed unresolved"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose resolved, or closed unresolved."},
    )
    closed_on = forms.DateField(
        label="On",
        widget=DateInput(),
        error_messages={"required": "Say when the barrier was resolved or closed."},
    )
    unresolved_reason = forms.CharField(
        label="Why it stays unresolved", max_length=300, required=False
    )

    def __init__(self, *args, barrier: Barrier, **kwargs):
        self.barrier = barrier
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        closed_on = data.get("closed_on")
        if closed_on and closed_on < self.barrier.identified_on:
            self.add_error(
                "closed_on",
                services.BEFORE_IDENTIFIED.format(day=f"{self.barrier.identified_on:%b %-d, %Y}"),
            )
        if (
            data.get("status") == Barrier.Status.UNRESOLVED
            and not data.get("unresolved_reason", "").strip()
        ):
            self.add_error("unresolved_reason", services.NO_UNRESOLVED_REASON)
        return data
