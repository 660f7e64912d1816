"""Distress screening and barriers to care (issue #14): the NCCN Distress Thermometer on a
case, the plan a high score asks for (its referral followed up as a follow-up of
`cases.contacts`), rescreening due at an interval, and barriers with what was done about them.

- `rules`: the threshold and intervals from settings, and what they decide;
- `services`: every write (one transaction, a timeline line, an audit event);
- `selectors`: the case page's panel, the caseload's open-barrier count;
- `forms`: the screening, plan, barrier, intervention and closing forms.

May import: the core (models, access, audit, business days), `cases.contacts.services` (the
referral's follow-up), `cases.workflow` (its exceptions and form rules).
"""
