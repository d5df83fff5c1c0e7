"""Helpers shared by the job runners: spec checks, log tails, exit-code conventions."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

from astrobio.application.ports.job_runner import BatchJobSpec

LOG_NAME = "job.log"
"""Every job's stdout and stderr go to ``<workdir>/job.log``."""

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def check_spec(spec: BatchJobSpec) -> None:
    """Refuse a spec no backend can run (a programming error, hence ``ValueError``).

    Parameters
    ----------
    spec:
        The job to check: non-empty ``argv`` and ``workdir``, positive resources, environment
        variable names that a shell accepts.
    """
    if not spec.argv or not spec.argv[0]:
        raise ValueError(f"job {spec.name!r}: argv is empty")
    if not spec.workdir:
        raise ValueError(f"job {spec.name!r}: workdir is empty")
    if spec.cpus < 1 or spec.mem_mb < 1 or spec.time_limit_min < 1:
        raise ValueError(f"job {spec.name!r}: cpus, mem_mb and time_limit_min must be >= 1")
    bad = [k for k in spec.env if not _ENV_NAME.fullmatch(k)]
    if bad:
        raise ValueError(f"job {spec.name!r}: invalid environment variable names {bad}")


def shell_exit_code(returncode: int) -> int:
    """Exit code as a shell reports it: ``128 + signal`` for a process killed by a signal."""
    return 128 - returncode if returncode < 0 else returncode


def signal_name(signum: int) -> str:
    """``SIGTERM`` for 15, ``signal 99`` for numbers the platform does not name."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def tail(path: str | os.PathLike[str], lines: int) -> str:
    """Last ``lines`` lines of a text file ("" when it is missing or ``lines`` <= 0).

    Reads backwards in blocks, so a huge log costs no more than its tail.
    """
    if lines <= 0:
        return ""
    try:
        with Path(path).open("rb") as fh:
            end = fh.seek(0, os.SEEK_END)
            data = b""
            pos = end
            while pos > 0 and data.count(b"\n") <= lines:
                step = min(65536, pos)
                pos -= step
                fh.seek(pos)
                data = fh.read(step) + data
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])
