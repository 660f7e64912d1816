"""Around the caseload: a supervisor's reassignment of several cases in one step.

- `services`: `cases_reassign` gives the selected cases to one social worker, each through
  `cases.workflow.services.case_reassign` (each audited, a timeline line each), and tells the
  new owner in one message; a selection gone stale (a case changed since the page loaded,
  closed, or out of sight) is left as it is and said so.

The caseload itself (filters, search, sorting by column) is a selector of `cases.workflow`.

May import: `cases.models`, `cases.access`, `cases.workflow` (its services) and
`cases.reminders` (to queue the message).
"""
