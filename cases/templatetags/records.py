"""The case page's records requests, read where the section is drawn."""

from django import template

from cases.models import Case, RecordsRequestItem
from cases.records import selectors

register = template.Library()


@register.simple_tag
def case_records_requests(case: Case) -> list:
    return selectors.case_requests(case)


@register.filter
def records_item_label(item: RecordsRequestItem) -> str:
    return selectors.item_label(item)
