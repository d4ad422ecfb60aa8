"""Log formats: readable text (the default) or one JSON object per line.

A record may carry ``fields`` (a dict, passed as ``extra={"fields": ...}``): the text
format appends them as ``key=value``, the JSON format merges them into the object.
``logging_config`` is a ``logging.config.dictConfig`` dictionary, given to uvicorn as its
``log_config`` so that every worker process formats its lines the same way.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, "fields", None)
    return fields if isinstance(fields, dict) else {}


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message key=value ...`` then the traceback, if any."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        fields = " ".join(f"{key}={_text(value)}" for key, value in _fields(record).items())
        return f"{line} {fields}" if fields else line


def _text(value: Any) -> str:
    if value is None:
        return "-"
    text = str(value)
    return json.dumps(text) if not text or any(c.isspace() or c == '"' for c in text) else text


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...fields, "exception"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


FORMATTERS = {"text": TextFormatter, "json": JsonFormatter}


def logging_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """Every logger (omnigate's, uvicorn's) to stderr in ``log_format``: "text" or "json"."""
    formatter = FORMATTERS[log_format]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"omnigate": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "omnigate",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        # uvicorn's own loggers propagate to the root instead of keeping their handlers
        "loggers": {
            name: {"handlers": [], "level": level, "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
