"""Reminders: who is told about what, when, and the sending of it, exactly once.

- `sweep`: the rules and the sweep Celery beat runs every minute (one indexed query per rule);
- `sending`: one delivery, claimed by a conditional UPDATE, sent, recorded, retried;
- `messages`: what a reminder says; `channels`: email and SMS;
- `outbox`: the undelivered reminders staff see; `tasks`: the Celery tasks (thin, ids only);
- `summary`: the supervisors' monthly summary email, a delivery that carries no reminder.

May import: `cases.models`, `cases.access`, `cases.audit`, `cases.business_days`,
`cases.workflow` for nothing but its models' rules, and `cases.reports.periods` for the
summary's month. `sweep` and `sending` queue the delivery task by its name (`tasks.DELIVER`),
never by importing `tasks`, which imports them.
"""
