"""Records requests: what was asked of whom for a case's records step, and each one's clocks.

- `clocks`: the one place for the rules of a request's dates (answer due 30 days after it was
  sent, 30 more once with a written notice; the follow-up date; what a request shows);
- `services`: every write (a request made, sent, extended, each record's arrival), each in one
  transaction with a timeline line and an audit event; the records checklist follows them;
- `selectors`: a case's requests, one request, the team-wide requests list;
- `forms`: the request forms; `letter`: the request letter and fax cover sheet as a PDF.

May import: `cases.models`, `cases.access`, `cases.audit`, `cases.business_days`, and the
workflow's services and form rules (the checklist, the records step, versions and dates).
Imports no view.
"""
