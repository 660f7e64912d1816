from django.urls import path

from cases.views import (
    audit,
    caseload,
    contacts,
    fhir,
    imports,
    patient,
    records,
    referrals,
    reminders,
    reports,
    screening,
    staff,
    status_link_staff,
    today,
)

urlpatterns = [
    # The FHIR R4 API (issue #16): token-authenticated, FHIR JSON, OperationOutcome for errors.
    path("fhir/r4/metadata", fhir.metadata, name="fhir_metadata"),
    path("fhir/r4/ServiceRequest", fhir.service_request_type, name="fhir_service_requests"),
    path(
        "fhir/r4/ServiceRequest/<str:resource_id>",
        fhir.service_request_read,
        name="fhir_service_request",
    ),
    path(
        "fhir/r4/ServiceRequest/<str:resource_id>/$bundle",
        fhir.service_request_bundle,
        name="fhir_service_request_bundle",
    ),
    path("fhir/r4/Task", fhir.task_search, name="fhir_tasks"),
    path("fhir/r4/Patient/<str:resource_id>", fhir.patient_read, name="fhir_patient"),
    path("fhir/r4/Bundle", fhir.bundle_post, name="fhir_bundle"),
    # The referrals the API received, waiting for a supervisor to assign them.
    path("referrals/", referrals.referrals_unassigned, name="referrals_unassigned"),
    path("referrals/<int:referral_id>/", referrals.referral_assign, name="referral_assign"),
    path("caseload/", staff.caseload, name="caseload"),
    # d-caseload (issue 13, part 6): reassigning several cases from the caseload at once.
    path("cases/reassign/", caseload.caseload_reassign, name="caseload_reassign"),
    path("cases/new/", staff.case_intake, name="case_intake"),
    # Moving in from a spreadsheet (issue #16, part 2): supervisors only.
    path("cases/import/", imports.case_import, name="case_import"),
    path("cases/import/preview/", imports.case_import_preview, name="case_import_preview"),
    path("cases/import/confirm/", imports.case_import_confirm, name="case_import_confirm"),
    path("cases/import/cancel/", imports.case_import_cancel, name="case_import_cancel"),
    path("cases/import/result/", imports.case_import_result, name="case_import_result"),
    path("cases/<int:case_id>/", staff.case_detail, name="case_detail"),
    path("cases/<int:case_id>/edit/", staff.case_edit, name="case_edit"),
    path("cases/<int:case_id>/access/", audit.case_access_history, name="case_access_history"),
    path("audit/export/", audit.audit_export, name="audit_export"),
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
        "cases/<int:case_id>/steps/<int:step_id>/snooze/",
        reminders.step_snooze,
        name="step_snooze",
    ),
    path("reminders/outbox/", reminders.outbox, name="outbox"),
    path(
        "reminders/preferences/",
        reminders.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "cases/<int:case_id>/checklist/<int:item_id>/",
        staff.checklist_item,
        name="checklist_item",
    ),
    path(
        "cases/<int:case_id>/status-links/",
        status_link_staff.status_links_page,
        name="status_links",
    ),
    path(
        "cases/<int:case_id>/status-links/<int:link_id>/revoke/",
        status_link_staff.status_link_revoke,
        name="status_link_revoke",
    ),
    path(
        "cases/<int:case_id>/status-links/<int:link_id>/reissue/",
        status_link_staff.status_link_reissue,
        name="status_link_reissue",
    ),
    # The contact log and follow-ups (issue #13, d-contacts).
    path("cases/<int:case_id>/contact-log/new/", contacts.contact_log_add, name="contact_log_add"),
    path(
        "cases/<int:case_id>/contact-log/<int:entry_id>/correct/",
        contacts.contact_log_correct,
        name="contact_log_correct",
    ),
    path("cases/<int:case_id>/follow-ups/new/", contacts.follow_up_add, name="follow_up_add"),
    path(
        "cases/<int:case_id>/follow-ups/<int:follow_up_id>/change/",
        contacts.follow_up_change,
        name="follow_up_change",
    ),
    path(
        "cases/<int:case_id>/follow-ups/<int:follow_up_id>/done/",
        contacts.follow_up_done,
        name="follow_up_done",
    ),
    path(
        "cases/<int:case_id>/follow-ups/<int:follow_up_id>/reopen/",
        contacts.follow_up_reopen,
        name="follow_up_reopen",
    ),
    # Distress screening and barriers to care (issue #14).
    path("cases/<int:case_id>/screenings/new/", screening.screening_add, name="screening_add"),
    path(
        "cases/<int:case_id>/screenings/<int:screening_id>/plan/",
        screening.screening_plan,
        name="screening_plan",
    ),
    path("cases/<int:case_id>/barriers/new/", screening.barrier_add, name="barrier_add"),
    path(
        "cases/<int:case_id>/barriers/<int:barrier_id>/",
        screening.barrier_detail,
        name="barrier_detail",
    ),
    # The patient's status page: the token is the only thing in these URLs.
    path("s/<str:token>/", patient.status, name="patient_status"),
    path("s/<str:token>/questions/", patient.question_add, name="patient_question_add"),
    path(
        "s/<str:token>/questions/<int:question_id>/",
        patient.question_edit,
        name="patient_question_edit",
    ),
    path(
        "s/<str:token>/questions/<int:question_id>/remove/",
        patient.question_remove,
        name="patient_question_remove",
    ),
    path(
        "s/<str:token>/appointment.ics",
        patient.appointment_calendar,
        name="patient_appointment_ics",
    ),
    # Records requests and their clocks (issue #13, d-records).
    path("records-requests/", records.records_requests, name="records_requests"),
    path(
        "cases/<int:case_id>/records-requests/new/",
        records.records_request_new,
        name="records_request_new",
    ),
    path(
        "cases/<int:case_id>/records-requests/<int:records_request_id>/",
        records.records_request_detail,
        name="records_request_detail",
    ),
    path(
        "cases/<int:case_id>/records-requests/<int:records_request_id>/sent/",
        records.records_request_send,
        name="records_request_send",
    ),
    path(
        "cases/<int:case_id>/records-requests/<int:records_request_id>/extension/",
        records.records_request_extend,
        name="records_request_extend",
    ),
    path(
        "cases/<int:case_id>/records-requests/<int:records_request_id>/items/"
        "<int:records_item_id>/received/",
        records.records_item_receive,
        name="records_item_receive",
    ),
    path(
        "cases/<int:case_id>/records-requests/<int:records_request_id>/letter.pdf",
        records.records_request_letter,
        name="records_request_letter",
    ),
    # Today (#13, section 1): the worklist, and a hold's review date on the case page.
    path("today/", today.today, name="today"),
    path("cases/<int:case_id>/hold-review/", today.case_hold_review, name="case_hold_review"),
    path("reports/", reports.dashboard, name="reports"),
    path("reports/screening/summary/", reports.screening_summary, name="screening_summary"),
    path("reports/<slug:slug>/", reports.report_page, name="report"),
    path("reports/<slug:slug>/csv/", reports.report_csv, name="report_csv"),
    path("reports/<slug:slug>/cases/", reports.report_cases, name="report_cases"),
    path("reports/<slug:slug>/cases/csv/", reports.report_cases_csv, name="report_cases_csv"),
]
