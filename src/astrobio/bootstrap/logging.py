"""structlog configuration: JSON lines outside a terminal, a request/job id on every line."""

from __future__ import annotations

import logging
import sys

import structlog

from astrobio.bootstrap.monitoring import count_audit_failures


class _StderrLogger:
    """Print each line to the *current* ``sys.stderr``.

    structlog's ``PrintLoggerFactory(file=sys.stderr)`` keeps the stream object it was given;
    when ``sys.stderr`` has since been swapped (a test runner's capture, a daemonised worker) and
    that object closed, every later log call raised ``ValueError: I/O operation on closed file``.
    """

    def msg(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warn = warning = error = critical = exception = fatal = msg


def _stderr_logger(*_args: object) -> _StderrLogger:
    return _StderrLogger()


def configure_logging(level: str = "info", json: bool | None = None) -> None:
    """Configure structlog + stdlib logging once per process.

    ``json=None`` picks JSON when stderr is not a terminal. Context such as
    ``request_id`` / ``job_id`` is bound with ``structlog.contextvars.bind_contextvars``
    and appears on every line logged while it is bound.
    """
    use_json = (not sys.stderr.isatty()) if json is None else json
    lvl = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        count_audit_failures,  # astrobio_audit_append_failures_total (GET /metrics)
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(lvl),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=max(lvl, logging.WARNING), stream=sys.stderr, format="%(message)s")
