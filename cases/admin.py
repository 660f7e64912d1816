"""The admin configures the team's rules: time limits, checklists, the directory, coverage.

Patient records are deliberately not here: they are read only through the audited case pages.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from cases.models import (
    AuditEvent,
    Centre,
    ChecklistTemplate,
    Coverage,
    Specialist,
    StaffProfile,
    StageSetting,
)


@admin.register(StageSetting)
class StageSettingAdmin(admin.ModelAdmin):
    list_display = ["stage", "routine_days", "urgent_days"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["label", "stage", "position", "active"]
    list_filter = ["stage", "active"]
    list_editable = ["position", "active"]


class SpecialistInline(admin.TabularInline):
    model = Specialist
    extra = 1


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "active"]
    search_fields = ["name"]
    inlines = [SpecialistInline]


@admin.register(Specialist)
class SpecialistAdmin(admin.ModelAdmin):
    list_display = ["name", "centre", "specialty", "active"]
    list_filter = ["centre", "active"]
    search_fields = ["name"]


@admin.register(Coverage)
class CoverageAdmin(admin.ModelAdmin):
    list_display = ["covering", "covered", "starts_on", "ends_on"]
    autocomplete_fields = ["covering", "covered"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only: nobody adds, changes or deletes an event here."""

    list_display = ["created_at", "actor_display", "action", "object_type", "object_id", "case_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__username", "actor_label", "ip_address"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
