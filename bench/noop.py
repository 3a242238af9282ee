"""The benchmark's task: does nothing, so a run measures the queue and the worker alone."""

from django_tasks import task


@task()
def noop(number: int) -> int:
    return number
