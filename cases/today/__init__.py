"""Today: a social worker's worklist for the day, and a supervisor's view of the team's.

- `selectors`: every list on Today (due today, overdue, blocked, follow-ups, records requests,
  new patient questions, appointments this week, holds to review), each one query whatever
  its length, and the supervisor's counts per worker;
- `statements`: the same lists as hand-written SQL, which the page runs (a list without one
  is run through its queryset); `scope`: whose work a page lists and the day it is for;
- `services`: recording that a staff member opened a case's page (`case_visit_record`), from
  which "new since you last opened it" is counted.

May import: `cases.models`, `cases.access`, `cases.business_days`. Imports no other part and no
view; it reads follow-ups and records requests straight from their models.
"""
