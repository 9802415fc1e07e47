"""Log records that say which request or task wrote them, as JSON lines in production.

`RequestContextFilter` (on the handlers, see LOGGING in settings) adds `request_id`, `user_id`
(an id, never an email address) and `task_id` to every record; `JsonFormatter` writes one JSON
object per line — time, level, logger, message, those ids, and the access log's method, path,
status and duration_ms — for a log collector to index. LOG_FORMAT=text keeps readable lines.
"""

import json
import logging
from datetime import UTC, datetime

from django.dispatch import receiver
from django_tasks.signals import task_finished, task_started

from .request_id import request_id_var, request_var, task_id_var, user_id_of

# Fields a record may carry through `extra=` that belong in the JSON line.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms")


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            request = request_var.get()
            record.user_id = user_id_of(request) if request is not None else None
        if not hasattr(record, "task_id"):
            record.task_id = task_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ("request_id", "user_id", "task_id", *EXTRA_FIELDS):
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Readable lines for development, the request or task id in brackets when there is one."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        ids = (getattr(record, "request_id", None), getattr(record, "task_id", None))
        record.context = "".join(f" [{i}]" for i in ids if i)
        return super().format(record)


# Tasks: every line a task writes carries its id (the worker's, or inline in a request).
_task_tokens: dict[str, list] = {}


@receiver(task_started, dispatch_uid="lodestar.core.logging.task_started")
def _task_started(sender, task_result, **kwargs) -> None:
    _task_tokens.setdefault(task_result.id, []).append(task_id_var.set(str(task_result.id)))


@receiver(task_finished, dispatch_uid="lodestar.core.logging.task_finished")
def _task_finished(sender, task_result, **kwargs) -> None:
    tokens = _task_tokens.get(task_result.id)
    if tokens:
        token = tokens.pop()
        if not tokens:
            del _task_tokens[task_result.id]
        try:
            task_id_var.reset(token)
        except ValueError:  # set in another context (cannot happen with today's backends)
            task_id_var.set(None)
