"""Running the same code from two threads at the same moment, as two workers would."""

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(target: Callable[[], object], times: int = 2) -> list[Exception]:
    """Call `target` from `times` threads released together; return what they raised (a
    thread's failure must fail the test). Each thread uses, then closes, its own connection."""
    start = threading.Barrier(times)
    errors: list[Exception] = []

    def run() -> None:
        try:
            start.wait()
            target()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
