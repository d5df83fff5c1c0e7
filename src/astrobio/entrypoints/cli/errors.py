"""The CLI's one error map: exit code + one line on stderr, never a traceback."""

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
EXIT_INTERNAL = 1


def fail(message: str, code: int) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _field_of(message: str) -> str:
    marker = "at `$."
    return message.split(marker, 1)[1].split("`", 1)[0] if marker in message else ""


@contextmanager
def cli_errors() -> Iterator[None]:
    """Map exceptions to exit codes: 2 input, 3 upstream, 4 not found, 1 internal."""
    try:
        yield
    except NotFound as exc:
        fail(exc.message, EXIT_NOT_FOUND)
    except UpstreamUnavailable as exc:
        fail(exc.message, EXIT_UPSTREAM)
    except DomainError as exc:
        fail(f"{exc.field}: {exc.message}" if exc.field and exc.field not in exc.message else exc.message,
             EXIT_INPUT)
    except msgspec.ValidationError as exc:
        field = _field_of(str(exc))
        fail(f"invalid input ({field}): {exc}" if field else f"invalid input: {exc}", EXIT_INPUT)
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
