"""The admin configures the team's rules: time limits, checklists, the contacts directory (the
centres and their specialists among them), coverage.

Patient records are deliberately not here: they are read only through the audited case pages.
Reminders and deliveries are shown read-only, by ids, rules and statuses (never a patient's
name), with one action: send undelivered ones again.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models

from cases.fhir import tokens as api_tokens
from cases.models import (
    ApiSystem,
    AuditEvent,
    Centre,
    ChecklistTemplate,
    Contact,
    Coverage,
    Delivery,
    LetterTemplate,
    Reminder,
    Specialist,
    StaffProfile,
    StageSetting,
    SupportResource,
)
from cases.records.forms import LetterTemplateForm
from cases.reminders import sending as reminder_sending
from cases.reports.calendar import DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR

# A stage's time limit, in business days: due dates stay inside the business calendar and the
# due-date form's range.
STAGE_DAYS_MIN, STAGE_DAYS_MAX = 1, 60


def _stage_days_field() -> forms.IntegerField:
    message = f"Use {STAGE_DAYS_MIN} to {STAGE_DAYS_MAX} business days."
    return forms.IntegerField(
        min_value=STAGE_DAYS_MIN,
        max_value=STAGE_DAYS_MAX,
        error_messages={"min_value": message, "max_value": message},
    )


class StageSettingForm(forms.ModelForm):
    routine_days = _stage_days_field()
    urgent_days = _stage_days_field()

    class Meta:
        model = StageSetting
        fields = ["stage", "routine_days", "urgent_days"]


@admin.register(StageSetting)
class StageSettingAdmin(admin.ModelAdmin):
    form = StageSettingForm
    list_display = ["stage", "routine_days", "urgent_days"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["label", "stage", "position", "active"]
    list_filter = ["stage", "active"]
    list_editable = ["position", "active"]


class SpecialistInline(admin.TabularInline):
    model = Specialist
    extra = 1


CONTACT_FIELDS = [
    "name",
    "phone",
    "fax",
    "email",
    "portal_url",
    "address",
    "hours",
    "notes",
    "active",
]
# A portal address typed without its scheme is an https one.
CONTACT_FORMFIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """The contacts directory: insurers (the phone is their prior-authorization line), records
    offices (their release-of-information desk), labs, imaging centres, referring clinics and
    the second-opinion centres. Social workers choose from it on the case pages; only the
    admin edits it. A contact already named by a call or a request cannot be deleted: mark it
    inactive and it leaves the chooser."""

    fields = ["kind", *CONTACT_FIELDS]
    formfield_overrides = CONTACT_FORMFIELDS
    list_display = ["name", "kind", "phone", "fax", "email", "hours", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "phone", "fax", "email", "notes"]


@admin.register(SupportResource)
class SupportResourceAdmin(admin.ModelAdmin):
    """The resources social workers choose from when they record what was done about a barrier
    to care (a ride programme, a lodging charity, a copay foundation, an interpreter service).
    One already chosen cannot be deleted: mark it inactive and it leaves the chooser."""

    list_display = ["name", "barrier_kind", "phone", "active"]
    list_filter = ["barrier_kind", "active"]
    search_fields = ["name", "details"]


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    """The directory's second-opinion centres, with their specialists."""

    fields = CONTACT_FIELDS
    formfield_overrides = CONTACT_FORMFIELDS
    list_display = ["name", "phone", "active"]
    search_fields = ["name"]
    inlines = [SpecialistInline]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """The words of the records request letter and fax cover sheet (cases/records/letter.py)."""

    form = LetterTemplateForm
    list_display = ["name", "in_use", "updated_at"]


@admin.register(Specialist)
class SpecialistAdmin(admin.ModelAdmin):
    list_display = ["name", "centre", "specialty", "active"]
    list_filter = ["centre", "active"]
    search_fields = ["name"]


class CalmAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, showing a value that names no row (typed into a forged
    request: "abc", a number too big for the column) as no selection instead of failing the
    page with the lookup; the form's own error says the choice is not valid."""

    def optgroups(self, name, value, attr=None):
        try:
            return super().optgroups(name, value, attr)
        except (ValueError, OverflowError):
            return super().optgroups(name, [], attr)


class CalmAutocompleteMixin:
    """Autocomplete fields drawn with `CalmAutocompleteSelect`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CalmAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CoverageForm(forms.ModelForm):
    """Dates inside the business calendar (access and reminders count days in it), the end on
    or after the start, each said on its field rather than as the database constraint's name."""

    class Meta:
        model = Coverage
        fields = ["covering", "covered", "starts_on", "ends_on"]

    def _in_the_calendar(self, name: str):
        day = self.cleaned_data[name]
        if not DEFAULT_FIRST_YEAR <= day.year <= DEFAULT_LAST_YEAR:
            raise forms.ValidationError(
                f"Use a date from {DEFAULT_FIRST_YEAR} to {DEFAULT_LAST_YEAR}."
            )
        return day

    def clean_starts_on(self):
        return self._in_the_calendar("starts_on")

    def clean_ends_on(self):
        return self._in_the_calendar("ends_on")

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The coverage must end on or after the day it starts.")
        return cleaned


@admin.register(Coverage)
class CoverageAdmin(CalmAutocompleteMixin, admin.ModelAdmin):
    form = CoverageForm
    list_display = ["covering", "covered", "starts_on", "ends_on"]
    autocomplete_fields = ["covering", "covered"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]


class CalmDateHierarchyChangeList(ChangeList):
    """Django's changelist, answering a date-hierarchy link edited into a date Python cannot
    hold (the year after 9999, the month after December 9999, a month of 10**17) with Django's
    own answer to an invalid filter, a redirect to `?e=1`, instead of a 500. Years 1 and 9999
    are refused too: their bounds, moved to UTC for the query, can fall outside datetime's
    range."""

    def get_filters(self, request):
        year = self.params.get(f"{self.date_hierarchy}__year") if self.date_hierarchy else None
        try:
            if year is not None and not datetime.MINYEAR < int(year) < datetime.MAXYEAR:
                raise ValueError(f"year {year} is out of range")
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class CalmDateHierarchyMixin:
    def get_changelist(self, request, **kwargs):
        return CalmDateHierarchyChangeList


def calm_every_date_hierarchy(site: admin.AdminSite) -> None:
    """Gives every registered ModelAdmin with a `date_hierarchy`, ours and third-party ones
    (axes' attempt logs), the calm changelist. Run once every admin module is loaded."""
    for model, model_admin in list(site._registry.items()):
        if model_admin.date_hierarchy and not isinstance(model_admin, CalmDateHierarchyMixin):
            site.unregister(model)
            site.register(
                model,
                type(type(model_admin).__name__, (CalmDateHierarchyMixin, type(model_admin)), {}),
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "rule",
        "case_id",
        "step_id",
        "follow_up_id",
        "records_request_id",
        "due_at",
        "recipient",
        "mode",
        "delivery",
    ]
    list_filter = ["rule", "mode"]
    list_select_related = ["recipient", "delivery"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "rule",
        "case_id",
        "summary_month",
        "recipient",
        "channel",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "rule", "channel"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["requeue"]

    @admin.action(description="Send the selected undelivered reminders again")
    def requeue(self, request, queryset):
        count = reminder_sending.delivery_requeue(deliveries=queryset)
        self.message_user(
            request, f"{count} undelivered reminder(s) queued again.", messages.SUCCESS
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail, read-only: nobody adds, changes or deletes an event here."""

    list_display = ["created_at", "actor_display", "action", "object_type", "object_id", "case_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__username", "actor_label", "ip_address"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    actions = None


class ApiSystemForm(forms.ModelForm):
    class Meta:
        model = ApiSystem
        fields = ["name", "scope"]


@admin.register(ApiSystem)
class ApiSystemAdmin(admin.ModelAdmin):
    """The systems that use the FHIR API. Adding one makes its token, shown once on the next
    page (only its digest is kept); revoking stops it at once. Nothing else about a system
    changes: a new scope is a new system with a new token."""

    form = ApiSystemForm
    list_display = ["name", "scope", "token_prefix", "created_at", "revoked_at"]
    readonly_fields = ["token_prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ["name", "scope", *self.readonly_fields] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        system, token = api_tokens.api_system_create(
            name=form.cleaned_data["name"], scope=form.cleaned_data["scope"], by=request.user
        )
        obj.pk = system.pk
        obj.__dict__.update(system.__dict__)
        self.message_user(
            request,
            f"The token of {system.name}, shown this once (copy it into the system now): {token}",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected systems' tokens")
    def revoke(self, request, queryset):
        for system in queryset:
            api_tokens.api_system_revoke(system=system, by=request.user)
        self.message_user(
            request, "Revoked: those tokens no longer open the API.", messages.SUCCESS
        )
