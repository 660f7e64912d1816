"""Fixed query costs of the busiest pages, in one place. They do not grow with the data.

The case page (10, issue 7's target): the session; the user with their groups; the case
(through the access door) with its insurance, appointment, centre and specialist and counts of
its active and locked status links; the audit event for the view; the steps; their checklists;
the patient's questions; the timeline; undelivered reminders; the notes. The insurance and
appointment forms (the latter with the centre and specialist lists) and the status links have
pages of their own.
"""

CASE_PAGE_QUERIES = 10
