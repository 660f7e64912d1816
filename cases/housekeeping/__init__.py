"""Housekeeping: what the database must not keep longer than it is useful, or must keep at
least as long as the law asks.

- `cleanup`: the periodic clean-up — expired sessions, the sessions of status links that no
  longer work, old django-axes login records — counted, never named;
- `audit_archive`: audit events past their retention (six years at least) archived to a
  signed file, and removed only once that file is read back and verified;
- `tasks`: the Celery task beat runs (thin, no arguments).

May import: `cases.models`, `cases.audit`, `cases.patient.links` (what a patient's session
holds and how long it lasts). Nothing imports it but its command and its task.
"""
