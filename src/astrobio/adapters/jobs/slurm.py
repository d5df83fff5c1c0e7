"""Batch jobs on a SLURM cluster through its command-line clients (sbatch, scontrol, sacct, scancel)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from astrobio.adapters.jobs._common import LOG_NAME, check_spec, tail
from astrobio.adapters.jobs._slurm_script import (
    EXIT_NAME,
    map_state,
    parse_exit_code,
    render_array,
    render_job,
)
from astrobio.application.ports.job_runner import (
    FINAL_BATCH_STATES,
    BatchJobSpec,
    BatchState,
    BatchStatus,
    JobRunner,
)
from astrobio.domain.errors import Conflict, UpstreamUnavailable

_JOB_ID = re.compile(r"(\d+)(?:_(\d+))?")
# Client errors that mean "the controller cannot be reached now", not "your request is wrong".
_UNREACHABLE = re.compile(
    r"unable to contact|connect(ion)? (failure|refused)|timed out|zero bytes|not responding|standby|"
    r"communication|transport endpoint|network is unreachable",
    re.IGNORECASE,
)
_INVALID_ID = re.compile(r"invalid job id", re.IGNORECASE)


class SlurmJobRunner(JobRunner):
    """Submit batch jobs to SLURM and follow them to the end, even after SLURM forgets them.

    :meth:`submit` renders an sbatch script (``#SBATCH`` job name, ``--output=<workdir>/job.log``,
    ``--chdir``, ``--cpus-per-task``, ``--mem``, ``--time``, optional ``--partition``; then the
    ``spec.env`` exports and the shell-quoted ``argv``) and pipes it to ``sbatch --parsable``.
    The job inherits the submitter's environment (sbatch's default ``--export=ALL``).
    :meth:`submit_array` submits ONE array job (``--array=0-(n-1)``, split into several arrays
    past ``max_array_size``) whose script picks its element with ``case $SLURM_ARRAY_TASK_ID``;
    ids are ``"<jobid>_<i>"``. (A failure past the first chunk leaves the earlier chunks submitted.)

    Status comes from ``scontrol show job`` while the controller remembers the job; after that
    (``MinJobAge`` seconds past its end) from ``sacct`` when accounting is configured, else from
    the ``<workdir>/job.exitcode`` file the script writes when its command ends. To find that
    file for any id it submitted, the runner keeps a small JSON record per submission in
    ``state_dir``, so a new instance (another process) sharing ``state_dir`` follows the same
    jobs. Final failures carry the SLURM state name in ``detail`` (``TIMEOUT``,
    ``OUT_OF_MEMORY``, ``NODE_FAIL``, ``PREEMPTED``, ``FAILED`` ...; once forgotten: ``TERMINATED``
    (SIGTERM before its limit) or ``LOST`` (no exit code)), for a caller deciding on resubmission;
    the submitted spec is available from :meth:`spec`.

    A controller that cannot be reached, or missing client binaries, raise
    :class:`~astrobio.domain.errors.UpstreamUnavailable` (``service == "slurm"``), with the
    client's first error line; a job the controller rejects raises
    :class:`~astrobio.domain.errors.Conflict`.

    Parameters
    ----------
    partition:
        ``--partition`` for every job; ``None``: the cluster's default partition.
    slurm_conf:
        Path exported as ``SLURM_CONF`` to the clients (and thus to the jobs); ``None``: the
        clients' default (``$SLURM_CONF`` or ``/etc/slurm/slurm.conf``).
    state_dir:
        Where the submission records live (shared by every process following these jobs);
        default ``$XDG_STATE_HOME/astrobio/slurm-jobs`` (``~/.local/state/...``). Use one per
        cluster: SLURM job ids are per cluster.
    bin_dir:
        Directory of the SLURM clients; ``None``: found on ``PATH``.
    command_timeout_s:
        Limit for one client call; past it the controller counts as unreachable.
    max_array_size:
        Largest array submitted at once (the cluster's ``MaxArraySize`` - 1; 1000 by default).
    """

    def __init__(
        self,
        *,
        partition: str | None = None,
        slurm_conf: str | os.PathLike[str] | None = None,
        state_dir: str | os.PathLike[str] | None = None,
        bin_dir: str | os.PathLike[str] | None = None,
        command_timeout_s: float = 30.0,
        max_array_size: int = 1000,
    ) -> None:
        self._partition = partition
        self._conf = {"SLURM_CONF": os.fspath(slurm_conf)} if slurm_conf is not None else {}
        xdg = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
        self._state_dir = Path(state_dir) if state_dir is not None else Path(xdg, "astrobio", "slurm-jobs")
        self._bin_dir = Path(bin_dir) if bin_dir is not None else None
        self._timeout = command_timeout_s
        self._max_array = max(1, max_array_size)
        self._accounting: bool | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return "slurm"

    # --- the port ---------------------------------------------------------------------------

    def submit(self, spec: BatchJobSpec) -> str:
        check_spec(spec)
        self._prepare(spec)
        job_id = self._sbatch(render_job(spec, partition=self._partition), spec.name)
        self._save(job_id, {"array": False, "specs": [_to_json(spec)], "cancelled": []})
        return job_id

    def submit_array(self, specs: Sequence[BatchJobSpec]) -> list[str]:
        for spec in specs:
            check_spec(spec)
        ids: list[str] = []
        for start in range(0, len(specs), self._max_array):
            chunk = list(specs[start : start + self._max_array])
            for spec in chunk:
                self._prepare(spec)
            base = self._sbatch(render_array(chunk, partition=self._partition), chunk[0].name)
            self._save(base, {"array": True, "specs": [_to_json(s) for s in chunk], "cancelled": []})
            ids += [f"{base}_{i}" for i in range(len(chunk))]
        return ids

    def status(self, job_id: str) -> BatchStatus:
        if _JOB_ID.fullmatch(job_id) is None:
            return BatchStatus(job_id=job_id, state=BatchState.UNKNOWN)
        fields = self._scontrol_job(job_id)
        if fields is not None:
            state = fields.get("JobState", "")
            mapped = map_state(state)
            detail = state
            if mapped is BatchState.PENDING and fields.get("Reason", "None") not in ("None", "(null)"):
                detail = f"{state} ({fields['Reason']})"
            code = parse_exit_code(fields.get("ExitCode", "")) if mapped in FINAL_BATCH_STATES else None
            return BatchStatus(job_id=job_id, state=mapped, exit_code=code, detail=detail)
        if self._has_accounting():
            found = self._sacct(job_id)
            if found is not None:
                return found
        return self._from_record(job_id)

    def cancel(self, job_id: str) -> None:
        if _JOB_ID.fullmatch(job_id) is None:
            return
        result = self._run("scancel", job_id)
        if result.returncode != 0:
            message = _first_line(result.stderr)
            if _UNREACHABLE.search(message):
                raise UpstreamUnavailable("slurm", message)
            return  # unknown id, or already finished: nothing to cancel
        self._mark_cancelled(job_id)

    def collect(self, job_id: str, *, tail_lines: int = 50) -> tuple[BatchStatus, str]:
        status = self.status(job_id)
        spec = self.spec(job_id)
        return status, (tail(Path(spec.workdir) / LOG_NAME, tail_lines) if spec is not None else "")

    def spec(self, job_id: str) -> BatchJobSpec | None:
        """The spec submitted as ``job_id`` (by any runner sharing ``state_dir``), else ``None``."""
        found = self._lookup(job_id)
        if found is None:
            return None
        record, index = found
        raw = record["specs"][index]
        return BatchJobSpec(**{**raw, "argv": tuple(raw["argv"])})

    # --- clients ----------------------------------------------------------------------------

    def _run(self, command: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        exe = str(self._bin_dir / command) if self._bin_dir is not None else command
        try:
            return subprocess.run(
                [exe, *args], input=stdin, capture_output=True, text=True, env={**os.environ, **self._conf},
                timeout=self._timeout, check=False,
            )
        except FileNotFoundError as exc:
            raise UpstreamUnavailable("slurm", f"{command} not found (is slurm-client installed?)") from exc
        except subprocess.TimeoutExpired as exc:
            raise UpstreamUnavailable("slurm", f"{command} timed out after {self._timeout:g} s") from exc
        except OSError as exc:
            raise UpstreamUnavailable("slurm", f"{command}: {exc}") from exc

    def _sbatch(self, script: str, name: str) -> str:
        result = self._run("sbatch", "--parsable", stdin=script)
        if result.returncode != 0:
            message = _first_line(result.stderr) or f"sbatch exited with {result.returncode}"
            if _UNREACHABLE.search(message):
                raise UpstreamUnavailable("slurm", message)
            raise Conflict(f"slurm rejected job {name!r}: {message}")
        job_id = result.stdout.strip().split(";")[0]
        if not job_id.isdigit():
            raise UpstreamUnavailable("slurm", f"unexpected sbatch output {result.stdout.strip()!r}")
        return job_id

    def _scontrol_job(self, job_id: str) -> dict[str, str] | None:
        """``scontrol show job -o`` as key → value; ``None`` when the controller forgot the job."""
        result = self._run("scontrol", "show", "job", "-o", job_id)
        if result.returncode != 0 or not result.stdout.strip():
            message = _first_line(result.stderr)
            if _INVALID_ID.search(message) or (result.returncode == 0):
                return None
            raise UpstreamUnavailable("slurm", message or f"scontrol exited with {result.returncode}")
        line = result.stdout.strip().splitlines()[0]
        return dict(re.findall(r"(?:^|\s)(JobState|Reason|ExitCode)=(\S*)", line))

    def _has_accounting(self) -> bool:
        if self._accounting is None:
            result = self._run("scontrol", "show", "config")
            if result.returncode != 0:
                raise UpstreamUnavailable("slurm", _first_line(result.stderr))
            match = re.search(r"^AccountingStorageType\s*=\s*(\S+)", result.stdout, re.MULTILINE)
            self._accounting = match is not None and match.group(1) != "accounting_storage/none"
        return self._accounting

    def _sacct(self, job_id: str) -> BatchStatus | None:
        result = self._run("sacct", "-n", "-P", "-X", "-j", job_id, "-o", "JobID,State,ExitCode")
        if result.returncode != 0:
            raise UpstreamUnavailable("slurm", _first_line(result.stderr))
        for line in result.stdout.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[0] == job_id:
                state = map_state(parts[1])
                code = parse_exit_code(parts[2]) if state in FINAL_BATCH_STATES else None
                return BatchStatus(job_id=job_id, state=state, exit_code=code, detail=parts[1].split()[0])
        return None

    # --- submission records -----------------------------------------------------------------

    @staticmethod
    def _prepare(spec: BatchJobSpec) -> None:
        workdir = Path(spec.workdir)
        workdir.mkdir(parents=True, exist_ok=True)  # SLURM opens the log there before the script runs
        (workdir / EXIT_NAME).unlink(missing_ok=True)  # a resubmission must not read the last exit code

    def _save(self, base_id: str, record: dict[str, Any]) -> None:
        with self._lock:
            self._state_dir.mkdir(parents=True, exist_ok=True)
            path = self._state_dir / f"{base_id}.json"
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(record))
            tmp.replace(path)

    def _lookup(self, job_id: str) -> tuple[dict[str, Any], int] | None:
        match = _JOB_ID.fullmatch(job_id)
        if match is None:
            return None
        try:
            record: dict[str, Any] = json.loads((self._state_dir / f"{match.group(1)}.json").read_text())
        except (OSError, ValueError):
            return None
        index = int(match.group(2)) if match.group(2) is not None else 0
        if record["array"] != (match.group(2) is not None) or index >= len(record["specs"]):
            return None
        return record, index

    def _mark_cancelled(self, job_id: str) -> None:
        found = self._lookup(job_id)
        if found is not None:
            record, index = found
            indices = range(len(record["specs"])) if "_" not in job_id else [index]
            record["cancelled"] = sorted(set(record["cancelled"]) | set(indices))
            self._save(job_id.split("_")[0], record)

    def _from_record(self, job_id: str) -> BatchStatus:
        """Status of a job SLURM forgot: its exit-code file, else cancelled by us, else lost."""
        found = self._lookup(job_id)
        if found is None:
            return BatchStatus(job_id=job_id, state=BatchState.UNKNOWN)
        record, index = found
        try:
            word = (Path(record["specs"][index]["workdir"]) / EXIT_NAME).read_text().strip()
        except OSError:
            word = "LOST"  # killed before its trap could write (SIGKILL, node lost, state wiped)
        if index in record["cancelled"] and word in ("TERMINATED", "LOST"):
            return BatchStatus(job_id=job_id, state=BatchState.CANCELLED, detail="CANCELLED")
        if word == "0":
            return BatchStatus(job_id=job_id, state=BatchState.COMPLETED, exit_code=0, detail="COMPLETED")
        if word.isdigit():
            return BatchStatus(job_id=job_id, state=BatchState.FAILED, exit_code=int(word), detail="FAILED")
        code = 143 if word in ("TIMEOUT", "TERMINATED") else None
        return BatchStatus(job_id=job_id, state=BatchState.FAILED, exit_code=code, detail=word)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _to_json(spec: BatchJobSpec) -> dict[str, Any]:
    return {**dataclasses.asdict(spec), "argv": list(spec.argv)}
