"""Fixed query costs of the busiest pages, in one place. They do not grow with the data.

The case page (13): the session; the user with their groups; the case (through the access
door); the audit event for the view; the steps; their checklists; the timeline; the centre and
the specialist directories for the appointment form; the status links; the patient's questions;
the notes; undelivered reminders. Issue 7's target was 10: the status-link panel, the patient's
questions, the reminder panel and the audit write came after it.
"""

CASE_PAGE_QUERIES = 13
