"""Fixed query costs of the busiest pages, in one place. They do not grow with the data.

The case page (10, issue 7's target, and 2 more for issue 13's lists): the session; the user
with their groups; the case (through the access door) with its insurance, appointment, centre
and specialist and counts of its active and locked status links; the audit event for the view;
the steps; their checklists; the patient's questions; the timeline; undelivered reminders; the
notes; the contact log (with each entry's contact and author); the follow-ups (with assignee
and who marked each done). The insurance and appointment forms (the latter with the centre and
specialist lists), the contact-log and follow-up forms (with the directory and who may be
assigned) and the status links have pages of their own.
"""

CASE_PAGE_QUERIES = 12
