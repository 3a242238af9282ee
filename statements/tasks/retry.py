"""Retries with backoff, which the tasks backport does not have.

A task decorated with `@retrying` (under `@task`) that raises `TransientFailure` (a hub
that times out or answers 5xx) is queued again with `run_after` set 30 s, 1, 2, 4, 8
minutes later, up to `MAX_ATTEMPTS` in all; this attempt is recorded as failed with
`RetryScheduled`, so the queue's history shows each try. `PermanentFailure` (a hub that
answers 4xx, an object deleted since) and any other error are recorded once and not
retried. The attempt number travels as the keyword argument `attempt`.
"""

import datetime
import functools
import logging

from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_DELAY = datetime.timedelta(seconds=30)


class TransientFailure(Exception):
    """Worth trying again later."""


class PermanentFailure(Exception):
    """Trying again will not help; recorded and left for a person."""


class RetryScheduled(Exception):
    """This attempt failed; the next one is queued."""


class GaveUp(Exception):
    """The last attempt failed too."""


def backoff(attempt: int) -> datetime.timedelta:
    return FIRST_DELAY * 2 ** (attempt - 1)


def retrying(func):
    @functools.wraps(func)
    def run(*args, attempt: int = 1, **kwargs):
        try:
            return func(*args, **kwargs)
        except TransientFailure as error:
            if attempt >= MAX_ATTEMPTS:
                logger.error("%s gave up after %s attempts: %s", func.__name__, attempt, error)
                raise GaveUp(f"{error} (gave up after {attempt} attempts)") from error
            from .queue import defer

            delay = backoff(attempt)
            task = import_string(f"{func.__module__}.{func.__qualname__}")
            defer(task, *args, attempt=attempt + 1, run_after=timezone.now() + delay, **kwargs)
            logger.warning("%s failed (attempt %s), retrying in %s: %s", func.__name__, attempt, delay, error)
            raise RetryScheduled(
                f"{error}; attempt {attempt + 1} of {MAX_ATTEMPTS} queued to run in {int(delay.total_seconds())} s"
            ) from error

    return run
