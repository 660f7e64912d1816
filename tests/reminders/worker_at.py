"""`python -m tests.reminders.worker_at <ISO instant> <celery arguments>`: the `celery` command
with the process's clock set to that instant and running on from there (time-machine, ticking),
so a real worker and its beat can be tested at a fixed date (the monthly summary's first
business day), whatever the real one. The clock of the database server is not moved: Navigator
stamps every time from Python's."""

import sys

import time_machine
from celery.__main__ import main

if __name__ == "__main__":
    instant = sys.argv.pop(1)
    sys.argv[0] = "celery"
    with time_machine.travel(instant, tick=True):
        main()
