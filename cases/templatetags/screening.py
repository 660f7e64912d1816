"""The case page's distress screening and barriers, read where the panel is drawn."""

import datetime

from django import template

from cases.models import Case
from cases.screening import selectors

register = template.Library()


@register.simple_tag
def case_screening_panel(case: Case, today: datetime.date) -> selectors.CasePanel:
    return selectors.case_panel(case, today=today)
