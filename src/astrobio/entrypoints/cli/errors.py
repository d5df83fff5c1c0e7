"""The CLI's one error map: exit code + one line on stderr, never a traceback.

With ``--json`` the same error is one JSON object on stderr, ``{"error": {...problem...}}``,
shaped like the HTTP problem bodies (``title``, ``detail``, ``field``) plus the ``exit_code``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import msgspec

from astrobio.domain.errors import DomainError, NotFound, UpstreamUnavailable

EXIT_INPUT = 2  # bad input, invalid data, unreadable source
EXIT_UPSTREAM = 3  # database / Redis / archive unavailable
EXIT_NOT_FOUND = 4
EXIT_DENIED = 5  # authentication or authorization refused
EXIT_INTERNAL = 1

TITLES = {
    EXIT_INTERNAL: "internal error",
    EXIT_INPUT: "invalid input",
    EXIT_UPSTREAM: "service unavailable",
    EXIT_NOT_FOUND: "not found",
    EXIT_DENIED: "not authorized",
}

_json_mode = False


def set_json_mode(on: bool) -> None:
    """Render errors as JSON (set by the entry point when ``--json`` is on the command line)."""
    global _json_mode
    _json_mode = on


def json_mode() -> bool:
    """Whether this invocation asked for ``--json`` (the flag of the running command, or argv)."""
    if _json_mode:
        return True
    from typer._click.globals import get_current_context  # typer vendors its own click

    ctx = get_current_context(silent=True)
    while ctx is not None:
        if ctx.params.get("json") is True:
            return True
        ctx = ctx.parent
    return False


def fail(message: str, code: int, field: str | None = None) -> NoReturn:
    """Print the error (one line, or one JSON object with ``--json``) and exit with ``code``."""
    if field is None and message.startswith("-"):
        head = message.split(":", 1)[0].split(" ", 1)[0].split("=", 1)[0]
        field = head if head.startswith("--") else None
    if json_mode():
        problem = {"title": TITLES.get(code, "error"), "detail": message, "field": field, "exit_code": code}
        sys.stderr.write(msgspec.json.encode({"error": problem}).decode() + "\n")
    else:
        print(f"error: {message}", file=sys.stderr)
    sys.stderr.flush()
    raise SystemExit(code)


def _field_of(message: str) -> str:
    marker = "at `$."
    return message.split(marker, 1)[1].split("`", 1)[0] if marker in message else ""


def _domain_line(exc: DomainError) -> str:
    return f"{exc.field}: {exc.message}" if exc.field and exc.field not in exc.message else exc.message


@contextmanager
def cli_errors() -> Iterator[None]:
    """Map exceptions to exit codes: 2 input, 3 upstream, 4 not found, 5 not authorized, 1 internal."""
    from astrobio.domain.access import AccessDenied, Unauthenticated

    try:
        yield
    except NotFound as exc:
        fail(exc.message, EXIT_NOT_FOUND, exc.field)
    except UpstreamUnavailable as exc:
        fail(exc.message.splitlines()[0] if exc.message else exc.message, EXIT_UPSTREAM, exc.service)
    except (Unauthenticated, AccessDenied) as exc:
        fail(exc.message, EXIT_DENIED, exc.field)
    except DomainError as exc:
        fail(_domain_line(exc), EXIT_INPUT, exc.field)
    except msgspec.ValidationError as exc:
        field = _field_of(str(exc))
        fail(f"invalid input ({field}): {exc}" if field else f"invalid input: {exc}", EXIT_INPUT,
             field or None)
    except msgspec.DecodeError as exc:
        fail(f"malformed JSON: {exc}", EXIT_INPUT)
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:
        if os.environ.get("ASTROBIO_DEBUG"):
            raise
        fail(f"internal error ({type(exc).__name__}): {exc}", EXIT_INTERNAL)


def guarded(fn: Callable[[], None]) -> None:
    with cli_errors():
        fn()


def run_app(app: Callable[..., object], argv: list[str]) -> None:
    """Run the click/typer app; with ``--json`` usage errors become JSON problems too."""
    import typer
    from typer._click.exceptions import ClickException, UsageError  # typer vendors its own click

    set_json_mode("--json" in argv)
    try:
        rv = app(standalone_mode=False)
    except UsageError as exc:
        if not json_mode():
            exc.show()
            raise SystemExit(exc.exit_code) from None
        field = None
        if isinstance(exc, typer.BadParameter) and exc.param is not None:
            opts = getattr(exc.param, "opts", None) or [exc.param.name or ""]
            field = max(opts, key=len)
        fail(exc.format_message(), EXIT_INPUT, field)
    except ClickException as exc:
        if not json_mode():
            exc.show()
            raise SystemExit(exc.exit_code) from None
        fail(exc.format_message(), exc.exit_code)
    except typer.Abort:
        fail("aborted", EXIT_INTERNAL)
    raise SystemExit(rv if isinstance(rv, int) else 0)
