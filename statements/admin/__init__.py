"""The editorial admin: one module per area, registered on import."""

from . import alerts, content, editions, staff, statement, tasks  # noqa: F401
