"""The editorial admin: one module per area, registered on import."""

from . import alerts, content, editions, history, staff, statement, tasks  # noqa: F401
