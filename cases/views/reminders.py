"""Staff pages about reminders: the outbox of recent sends, one's own notification
preferences, and snoozing a step's reminders."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases.access import is_supervisor
from cases.audit import audit_record
from cases.models import AuditEvent, Delivery, StaffProfile
from cases.reminders import outbox as outbox_selectors
from cases.reminders.forms import NotificationPreferencesForm, SnoozeForm
from cases.views.common import care_team_required, case_with_records, step_for, step_form_posted
from cases.workflow import services

OUTBOX_PAGE_SIZE = 50


@care_team_required
def outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Delivery.Status.values else ""
    deliveries = outbox_selectors.outbox(user=request.user, status=status)
    page = Paginator(deliveries, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    undelivered = outbox_selectors.outbox(user=request.user, status=Delivery.Status.DEAD).count()
    return render(
        request,
        "reminders/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": Delivery.Status.choices,
            "undelivered": undelivered,
        },
    )


@care_team_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    profile = StaffProfile.objects.filter(user=request.user).first() or StaffProfile(
        user=request.user
    )
    form = NotificationPreferencesForm(
        request.POST or None, instance=profile, supervisor=is_supervisor(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(
            action=AuditEvent.Action.UPDATE,
            actor=request.user,
            obj=form.instance,
            changes={
                name: [form.initial.get(name), form.cleaned_data[name]]
                for name in form.changed_data
            },
        )
        messages.success(request, "Your reminder preferences are saved.")
        return redirect("notification_preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "reminders/preferences.html", {"form": form}, status=status)


@require_POST
@care_team_required
def step_snooze(request: HttpRequest, case_id: int, step_id: int) -> HttpResponse:
    case = case_with_records(request, case_id)
    step = step_for(case, step_id)
    form = SnoozeForm(request.POST)
    return step_form_posted(
        request,
        case,
        step,
        form,
        form_name="snooze_form",
        save=lambda: services.step_snooze(
            step=step,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        ),
        success=lambda: f"{step.get_stage_display()}: reminders snoozed.",
    )
