"""The editorial admin: one module per area, registered on import."""

from . import content, staff, statement, tasks  # noqa: F401
