"""FHIR R4 in and out (README, *Connecting an EHR*): the hospital's systems read each case as
FHIR resources and send referrals that wait for a supervisor to assign them.

- `tokens`: the per-system API tokens (hashed at rest, revocable, read-only or read-write);
- `mapping`: Navigator's values and their FHIR codes, both ways, in one place;
- `serialize`: a case as FHIR resources (plain dicts) and the bundle of them;
- `parse`: a referral bundle read into the intake forms' data, with every problem named;
- `outcomes`: OperationOutcome, the answer to every error;
- `services`: receiving a referral and assigning it (which opens the case through
  `cases.workflow.services.case_open`); `selectors`: the reads the API and the
  Unassigned list make.

It imports the core (models, audit) and the workflow's services, selectors and forms.
fhir.resources (the FHIR models) is imported only inside `parse`, when a bundle arrives: it
takes about a second to import (README, *Measured*), and nothing at start-up needs it.
"""
