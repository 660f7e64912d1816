"""The admin configures the team's rules: time limits, checklists, the directory, coverage.

Patient records are deliberately not here: they are read only through the audited case pages.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from cases.models import (
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
