"""The case and its steps: the part every other part builds on.

- `services`: every write to a case, its steps, checklists, insurance, appointment and notes
  (`<thing>_<verb>`, keyword-only, one transaction each, each recording the timeline and the
  audit trail);
- `selectors`: the reads that need care (the caseload, the case page, duplicates at intake);
- `forms`: the staff forms.

May import: `cases.models`, `cases.access`, `cases.audit`, `cases.business_days`. Imports no
other part and no view.
"""
