"""Structured logs: one JSON object a line, for log collectors.

Every record carries time, level, logger and message; anything passed in `extra`
(event, action, actor, translation, client, path, …) becomes a field of its own.
Exceptions are logged with their traceback — logs are the operators', pages never
show one.
"""

import datetime
import json
import logging

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request", "server_time"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry.setdefault("path", request.path)
            entry.setdefault("method", request.method)
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
