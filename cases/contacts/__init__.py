"""The work between the stages: the contacts directory, the contact log and follow-ups.

- `services`: every write (`contact_log_add`, `contact_log_correct`, `follow_up_create`,
  `follow_up_done`, `follow_up_reopen`), each in one transaction, on the timeline and audited;
- `selectors`: the case page's lists, the directory as the chooser shows it, who a follow-up
  may be assigned to;
- `forms`: the contact-log and follow-up forms, with the directory's grouped chooser.

May import: `cases.models`, `cases.access`, `cases.audit`, `cases.business_days`, and
`cases.workflow` for its exceptions and form rules. The reminders a follow-up gets are the
reminder engine's (`cases.reminders.sweep`), which reads these rows; nothing here imports it.
"""
