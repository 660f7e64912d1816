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
the same rows, its total); the audit event. A list shown whole adds its page (its total is
known from its first rows). A supervisor's has no "whose" query but the team (one query) and
one grouped count per list; the team's view (no worker chosen) has those counts only, no
lists.
"""

CASE_PAGE_QUERIES = 17
# The patient's status page: the session; the link with its case, patient, social worker and
# their profile; the audit event; the steps; the appointment; the questions. The session's idle
# clock is rewritten at most once a minute (cases.security.ACTIVITY_WRITE_SECONDS); a page that
# rewrites it adds an UPDATE inside a savepoint and its release (BEGIN and COMMIT outside a
# test's transaction on SQLite; the UPDATE alone on PostgreSQL).
STATUS_PAGE_QUERIES = 6
STATUS_PAGE_CLOCK_QUERIES = 3
TODAY_LISTS = 9
TODAY_QUERIES = 2 + 1 + TODAY_LISTS + 1
TODAY_SHOWN_QUERIES = TODAY_QUERIES + 1
TODAY_SUPERVISOR_QUERIES = 2 + 1 + TODAY_LISTS + TODAY_LISTS + 1
# The team's counts, and the supervisor's own follow-ups with their rows.
TODAY_TEAM_QUERIES = 2 + 1 + TODAY_LISTS + 1 + 1

# The FHIR API (issue #16): a page of ServiceRequests, or one case's bundle: the system by its
# token; the cases with their patient, owner, centre, specialist, referral, insurance and
# appointment; their reasons; their steps; the audit event.
FHIR_SEARCH_QUERIES = 5
# The Unassigned list: the session; the user with their groups; the count; the page of
# referrals with their systems; the centres they name; the audit event.
UNASSIGNED_QUERIES = 7
# The spreadsheet import's preview (issue #16): the session; the user with their groups; the
# social work team; the centres; every case's patient keys (one query, for the matches); the
# audit event for the page. However many rows the sheet has.
IMPORT_PREVIEW_QUERIES = 2 + 1 + 1 + 1 + 1
# The cases behind a report's count (issue #15's drill-down), a page of them: the session; the
# user with their groups; the worker and centre filters checked (when given); the row's name (a
# worker's, a payer's, a centre's); the count of cases and the page of them; their patients and
# owners; for a count of things rather than cases, their total (and the digests counted beside
# the list, for messages); the audit event.
REPORT_CASES_QUERIES = 2 + 2 + 1 + 2 + 1 + 2 + 1
# The reports dashboard (issue #15) with the histograms built and the default filters: the
# session; the user with their groups; the filter form's social workers and centres; then each
# report's summary (`cases.reports.registry.ReportDefinition.build_summary`), sharing what the
# histograms tell (`cases.reports.histograms.report_histograms_shared`): whether they are built
# (asked once), the whole months of a report's measures not read yet (one query) and the days
# at the ends (one a measure). The caseload: its workers, their open and held cases, overdue
# steps, cases opened and completed (1 + 2); timeliness (1 + 2); volume the reasons (1 + 1);
# insurance (1 + 2); records (1 + 3, and its sources' names).
REPORTS_DASHBOARD_QUERIES = 2 + 2 + 1 + (3 + 3) + (1 + 2) + (1 + 1) + (1 + 2) + (1 + 3 + 1)
