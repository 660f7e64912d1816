from django import template

from cases.models.staff import display_name

register = template.Library()


@register.filter
def staff_name(user) -> str:
    """A colleague's full name, or username; "someone" for an action with no person behind it."""
    return display_name(user)
