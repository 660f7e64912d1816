from django.urls import path

from cases.views import reports, staff

urlpatterns = [
    path("", staff.caseload, name="caseload"),
    path("cases/new/", staff.case_intake, name="case_intake"),
    path("cases/<int:case_id>/", staff.case_detail, name="case_detail"),
    path("cases/<int:case_id>/edit/", staff.case_edit, name="case_edit"),
    path("cases/<int:case_id>/status/", staff.case_status, name="case_status"),
    path("cases/<int:case_id>/reassign/", staff.case_reassign, name="case_reassign"),
    path("cases/<int:case_id>/insurance/", staff.insurance_edit, name="insurance_edit"),
    path("cases/<int:case_id>/appointment/", staff.appointment_edit, name="appointment_edit"),
    path("cases/<int:case_id>/notes/", staff.note_add, name="note_add"),
    path("cases/<int:case_id>/steps/<int:step_id>/status/", staff.step_status, name="step_status"),
    path(
        "cases/<int:case_id>/steps/<int:step_id>/due-date/",
        staff.step_due_date,
        name="step_due_date",
    ),
    path(
        "cases/<int:case_id>/checklist/<int:item_id>/",
        staff.checklist_item,
        name="checklist_item",
    ),
    path("reports/", reports.dashboard, name="reports"),
    path("reports/<slug:slug>/", reports.report_page, name="report"),
    path("reports/<slug:slug>/csv/", reports.report_csv, name="report_csv"),
]
