"""Navigator's one Django app: second-opinion requests, from intake to the appointment.

One package per part of the product; dependencies run one way, top to bottom (drawn in
docs/architecture.md, checked by tests/test_architecture.py):

- `views/` (thin, by audience; `urls.py` maps them, `views/common.py` is what they share)
- the parts: `workflow/` (the case and its steps), `reminders/` (who hears what, and sending
  it), `reports/` (the supervisors' figures), `patient/` (status links and the patient's page)
- the core: `access.py` (the one door), `audit.py` (the trail), `business_days.py`,
  `security.py` (sessions, two-factor, headers)
- `models/` (data and its invariants, by part)

Around them: `admin.py`, `demo/`, `benchmarks/`, `management/commands/`, `templatetags/`,
`static/`, `broker.py` (the embedded filesystem broker's safe writes) and `checks.py` (the
start-up check of the embedded default's data folder).
"""
