from django import template

from cases.models.staff import display_name

register = template.Library()


@register.filter
def staff_name(user) -> str:
    """A colleague's full name, or username; "someone" for an action with no person behind it."""
    return display_name(user)


@register.simple_tag(takes_context=True)
def autofocus(context, *id_parts) -> str:
    """` autofocus` on the element whose id is `id_parts` joined by "-", when it is the first
    field in error of the form just sent (see cases/error_summary.py); else nothing."""
    summary = context.get("error_summary")
    wanted = summary.autofocus_id if summary else ""
    return " autofocus" if wanted and "-".join(str(part) for part in id_parts) == wanted else ""
