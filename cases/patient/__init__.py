"""The patient's side: private status links and the status page.

- `links`: issuing, opening, checking and revoking status links, the patient's questions;
- `page`: what the status page says, in plain language;
- `forms`: the patient's forms and the staff form that issues a link.

May import: `cases.models`, `cases.audit`, `cases.reminders.channels` (sending a link).
"""
