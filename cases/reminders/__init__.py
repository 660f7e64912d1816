"""Reminders: who is told about what, when, and the sending of it, exactly once.

- `sweep`: the rules and the sweep Celery beat runs every minute (one indexed query per rule);
- `sending`: one delivery, claimed by a conditional UPDATE, sent, recorded, retried;
- `messages`: what a reminder says; `channels`: email and SMS;
- `outbox`: the undelivered reminders staff see; `tasks`: the Celery tasks (thin, ids only).

May import: `cases.models`, `cases.access`, `cases.audit`, `cases.business_days`, and
`cases.workflow` for nothing but its models' rules. `sweep` and `sending` queue the delivery task
by its name (`tasks.DELIVER`), never by importing `tasks`, which imports them.
"""
