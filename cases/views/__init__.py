"""The pages, by audience: `staff` (caseload, intake, the case page), `patient` (the status
page), `reports`, `audit` (access history and export), `reminders` (outbox, preferences,
snooze), `status_link_staff`, `account`, `errors`, `health`. Views parse, call one service or
selector, and render; only `cases.urls` imports them, and they share `common` alone."""
