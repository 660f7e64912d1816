"""Supervisor pages on the audit trail: a case's access history and the CSV export."""

import csv
import datetime

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from cases.access import case_view_record, get_case_for_user
from cases.audit import HISTORY_PAGE_SIZE, Echo, audit_export_rows, audit_record
from cases.models import AuditEvent
from cases.views.common import supervisor_required
from cases.workflow.form_rules import DateInput

EXPORT_MAX_DAYS = 366
FIRST_YEAR, LAST_YEAR = 2000, 2999


@supervisor_required
def case_access_history(request: HttpRequest, case_id: int) -> HttpResponse:
    """Who has looked at or changed this record, newest first (looking here is recorded too)."""
    case = get_case_for_user(request, case_id)
    case_view_record(request, case)
    events = AuditEvent.objects.filter(case=case).select_related("actor")
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/access_history.html", {"case": case, "page": page})


class ExportForm(forms.Form):
    starts_on = forms.DateField(label="From (first day)", widget=DateInput())
    ends_on = forms.DateField(label="To (last day)", widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        for day in (starts_on, ends_on):
            if day and not (FIRST_YEAR <= day.year <= LAST_YEAR):
                raise forms.ValidationError(f"Use dates from {FIRST_YEAR} to {LAST_YEAR}.")
        if starts_on and ends_on:
            if ends_on < starts_on:
                raise forms.ValidationError("The last day comes before the first day.")
            if (ends_on - starts_on).days >= EXPORT_MAX_DAYS:
                raise forms.ValidationError(f"Export at most {EXPORT_MAX_DAYS} days at a time.")
        return cleaned

    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) in the team's time zone: whole days, the last one included."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.cleaned_data["starts_on"], datetime.time(), zone)
        end_day = self.cleaned_data["ends_on"] + datetime.timedelta(days=1)
        return start, datetime.datetime.combine(end_day, datetime.time(), zone)


@supervisor_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The audit trail for a period, as CSV; the export itself is recorded first."""
    form = ExportForm(request.GET or None)
    if not form.is_valid():
        status = 400 if request.GET else 200
        return render(request, "audit/export.html", {"form": form}, status=status)
    start, end = form.period()
    events = AuditEvent.objects.filter(created_at__gte=start, created_at__lt=end).select_related(
        "actor"
    )
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=request.user,
        changes={
            "export": "audit trail",
            "from": str(form.cleaned_data["starts_on"]),
            "to": str(form.cleaned_data["ends_on"]),
        },
    )
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in audit_export_rows(events.order_by("created_at", "id"))),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"audit-{form.cleaned_data['starts_on']}-{form.cleaned_data['ends_on']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
