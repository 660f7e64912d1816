"""Fixed query costs of the busiest pages, in one place. They do not grow with the data.

The case page (11: issue 7's 10, and the records requests of issue 13): the session; the user
with their groups; the case (through the access door) with its insurance, appointment, centre
and specialist and counts of its active and locked status links; the audit event for the view;
the steps; their checklists; the patient's questions; the timeline; undelivered reminders; the
notes; the records requests with their items and contacts (one query,
`cases.records.selectors.case_requests`). The insurance and appointment forms (the latter with
the centre and specialist lists) and the status links have pages of their own.
"""

CASE_PAGE_QUERIES = 11
