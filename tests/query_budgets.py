"""Fixed query costs of the busiest pages, in one place. They do not grow with the data.

The case page (17: issue 7's 10, 4 more for issue 13, 3 for issue 14): the session; the user
with their groups; the case (through the access door) with its insurance, appointment, centre and
specialist and counts of its active and locked status links; the audit event for the view; the
visit (one upsert: when this user last opened the case, for Today's "new since you last opened
it"); the steps; their checklists; the patient's questions; the timeline; undelivered
reminders; the notes; the records requests with their items and contacts (one query,
`cases.records.selectors.case_requests`); the contact log (with each entry's contact and
author); the follow-ups (with assignee and who marked each done); and 3 for issue 14's panel
(`cases.screening.selectors.case_panel`): the screenings with who screened, the barriers,
their interventions with each resource. The insurance and appointment
forms (the latter with the centre and specialist lists), the contact-log and follow-up forms
(with the directory and who may be assigned) and the status links have pages of their own.

Today: the session; the user with their groups; whose cases these are (the user and the
colleagues they cover today); one query per list (its first rows and, by a window count over
the same rows, its total); the audit event. A list shown whole adds its count and its page. A
supervisor's has no "whose" query but the team (one query) and one grouped count per list; the
team's view (no worker chosen) has those counts only, no lists.
"""

CASE_PAGE_QUERIES = 17
TODAY_LISTS = 9
TODAY_QUERIES = 2 + 1 + TODAY_LISTS + 1
TODAY_SHOWN_QUERIES = TODAY_QUERIES + 2
TODAY_SUPERVISOR_QUERIES = 2 + 1 + TODAY_LISTS + TODAY_LISTS + 1
TODAY_TEAM_QUERIES = 2 + 1 + TODAY_LISTS + 1
