"""The intake forms, as a referral fills them: the same rules as the intake page, so a case
that arrives from an EHR holds only what a person could have typed there."""

from django import forms

from cases.workflow.forms import CaseForm, DuplicateConfirmForm
from cases.workflow.selectors import social_workers


class ReferralCaseForm(CaseForm):
    """The case's half of intake without the owner: a supervisor chooses one on assigning."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["social_worker"]


class ReferralAssignForm(DuplicateConfirmForm):
    social_worker = forms.ModelChoiceField(
        queryset=None,
        label="Assign to",
        error_messages={"required": "Choose the social worker who will work the case."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = social_workers()
