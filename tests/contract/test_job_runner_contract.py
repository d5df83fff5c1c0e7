"""One behaviour for every JobRunner: the in-memory fake, the local pool and a real SLURM cluster.

The fake runs nothing, so its backend carries a small driver that plays the batch system (runs
the submitted argv itself and reports the outcome); the real backends' drivers do nothing.

SLURM: a single-node cluster started once per session by ``scripts/slurm/start.sh`` (installs the
Debian packages when missing; needs root). When it cannot be started its tests are skipped, or
fail with ``ASTROBIO_REQUIRE_SERVICES=1``. The cluster is left running afterwards.
"""

from __future__ import annotations

import functools
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from astrobio.adapters.jobs import InMemoryJobRunner, LocalJobRunner, SlurmJobRunner
from astrobio.application.ports.job_runner import (
    FINAL_BATCH_STATES,
    BatchJobSpec,
    BatchState,
    BatchStatus,
    JobRunner,
)

ROOT = Path(__file__).resolve().parents[2]
SLURM_SCRIPTS = ROOT / "scripts" / "slurm"
WAIT_S = 90.0  # SLURM on a 2-core machine runs two jobs at a time; every job here takes < 2 s


# --- helpers shared with tests/integration/test_slurm_faults.py ------------------------------------


@functools.cache
def start_slurm_cluster() -> tuple[str | None, str]:
    """Run start.sh once per session: (path of slurm.conf, "") or (None, why not)."""
    try:
        done = subprocess.run(
            [str(SLURM_SCRIPTS / "start.sh")], capture_output=True, text=True, timeout=300, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"scripts/slurm/start.sh did not run: {exc}"
    for line in done.stdout.splitlines():
        if line.startswith("export SLURM_CONF="):
            return line.removeprefix("export SLURM_CONF="), ""
    return None, f"SLURM could not be started: {(done.stderr or done.stdout).strip()[-500:]}"


def slurm_conf_or_skip() -> str:
    """The running cluster's slurm.conf; skip (or fail where services are required) without one."""
    conf, reason = start_slurm_cluster()
    if conf is None:
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (ASTROBIO_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(reason)
    return conf


def wait_for(
    runner: JobRunner,
    job_ids: Sequence[str],
    done: Callable[[BatchStatus], bool] = lambda s: s.state in FINAL_BATCH_STATES,
    *,
    timeout_s: float = WAIT_S,
    interval_s: float = 0.1,
) -> list[BatchStatus]:
    """Poll until ``done`` holds for every job; the statuses, or AssertionError with the last ones."""
    deadline = time.monotonic() + timeout_s
    while True:
        statuses = [runner.status(job_id) for job_id in job_ids]
        if all(done(s) for s in statuses):
            return statuses
        if time.monotonic() > deadline:
            raise AssertionError(f"jobs not done after {timeout_s:g} s: {statuses}")
        time.sleep(interval_s)


def sh(
    script: str, workdir: Path, *, env: dict[str, str] | None = None, time_limit_min: int = 5
) -> BatchJobSpec:
    """A tiny shell job (1 CPU, 100 MB)."""
    return BatchJobSpec(
        name=workdir.name, argv=("sh", "-c", script), workdir=str(workdir), cpus=1, mem_mb=100,
        time_limit_min=time_limit_min, env=env or {},
    )


# --- backends -----------------------------------------------------------------------------------


@dataclass
class Backend:
    """A runner and the driver that makes its jobs start and finish."""

    runner: JobRunner

    def start(self, job_id: str) -> None:
        """Make a submitted job run (real backends do it themselves)."""

    def run(self, job_ids: Sequence[str]) -> None:
        """Make submitted jobs run to their end (real backends do it themselves)."""


class MemoryBackend(Backend):
    """Plays the batch system for the fake: runs each argv here, reports its exit code and output."""

    runner: InMemoryJobRunner

    def start(self, job_id: str) -> None:
        self.runner.start(job_id)

    def run(self, job_ids: Sequence[str]) -> None:
        for job_id in job_ids:
            spec = self.runner.spec(job_id)
            Path(spec.workdir).mkdir(parents=True, exist_ok=True)
            try:
                done = subprocess.run(
                    spec.argv, cwd=spec.workdir, env={**os.environ, **spec.env},
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
                )
            except FileNotFoundError as exc:  # what a shell reports for a missing program
                self.runner.complete(job_id, 127, log=str(exc))
                continue
            self.runner.complete(job_id, done.returncode, log=done.stdout)


@pytest.fixture(scope="session")
def slurm_conf() -> str:
    return slurm_conf_or_skip()


@pytest.fixture(params=["memory", "local", pytest.param("slurm", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "memory":
        yield MemoryBackend(InMemoryJobRunner())
    elif request.param == "local":
        with LocalJobRunner(max_parallel=2, kill_grace_s=2.0) as local:
            yield Backend(local)
    else:
        conf = request.getfixturevalue("slurm_conf")
        slurm = SlurmJobRunner(slurm_conf=conf, state_dir=tmp_path / "slurm-state")
        yield Backend(slurm)


# --- the contract -------------------------------------------------------------------------------


def test_successful_job_completes_and_writes_in_its_workdir(backend: Backend, tmp_path: Path) -> None:
    workdir = tmp_path / "ok"
    job_id = backend.runner.submit(sh("echo 42 > result.txt; echo finished", workdir))
    backend.run([job_id])

    [status] = wait_for(backend.runner, [job_id])
    assert (status.job_id, status.state, status.exit_code) == (job_id, BatchState.COMPLETED, 0)
    assert (workdir / "result.txt").read_text() == "42\n"
    final, log = backend.runner.collect(job_id)
    assert final.state is BatchState.COMPLETED
    assert log.splitlines()[-1] == "finished"


def test_failing_job_reports_failed_with_exit_code_and_log_tail(backend: Backend, tmp_path: Path) -> None:
    job_id = backend.runner.submit(sh("echo first; echo second; echo boom >&2; exit 3", tmp_path / "bad"))
    backend.run([job_id])

    [status] = wait_for(backend.runner, [job_id])
    assert (status.state, status.exit_code) == (BatchState.FAILED, 3)
    final, log = backend.runner.collect(job_id, tail_lines=2)
    assert final.state is BatchState.FAILED
    assert log.splitlines() == ["second", "boom"]  # stderr goes to the same log, in order


def test_cancelled_long_job_is_reported_cancelled(backend: Backend, tmp_path: Path) -> None:
    job_id = backend.runner.submit(sh("echo started; exec sleep 120", tmp_path / "long"))
    backend.start(job_id)
    wait_for(backend.runner, [job_id], lambda s: s.state is BatchState.RUNNING)

    backend.runner.cancel(job_id)

    [status] = wait_for(backend.runner, [job_id], timeout_s=30)
    assert status.state is BatchState.CANCELLED
    backend.runner.cancel(job_id)  # cancelling a finished job changes nothing
    assert backend.runner.status(job_id).state is BatchState.CANCELLED


def test_array_of_four_completes_with_one_log_per_element(backend: Backend, tmp_path: Path) -> None:
    specs = [sh(f"echo element {i}; echo {i} > out.txt", tmp_path / f"sweep-{i}") for i in range(4)]
    job_ids = backend.runner.submit_array(specs)
    backend.run(job_ids)

    assert len(set(job_ids)) == 4
    statuses = wait_for(backend.runner, job_ids)
    assert [s.state for s in statuses] == [BatchState.COMPLETED] * 4
    for i, job_id in enumerate(job_ids):
        assert (tmp_path / f"sweep-{i}" / "out.txt").read_text() == f"{i}\n"
        assert backend.runner.collect(job_id)[1] == f"element {i}"


def test_unknown_job_id_is_unknown_not_an_error(backend: Backend) -> None:
    for job_id in ("no-such-job", "987654321", "987654321_3"):
        assert backend.runner.status(job_id) == BatchStatus(job_id=job_id, state=BatchState.UNKNOWN)
        assert backend.runner.collect(job_id)[0].state is BatchState.UNKNOWN
        backend.runner.cancel(job_id)


def test_environment_variables_reach_the_job(backend: Backend, tmp_path: Path) -> None:
    workdir = tmp_path / "env"
    env = {"ASTROBIO_GREETING": "hello 'batch' world", "ASTROBIO_N": "7"}
    job_id = backend.runner.submit(sh('printf "%s|%s" "$ASTROBIO_GREETING" "$ASTROBIO_N" > env.txt', workdir,
                                      env=env))
    backend.run([job_id])

    [status] = wait_for(backend.runner, [job_id])
    assert status.state is BatchState.COMPLETED
    assert (workdir / "env.txt").read_text() == "hello 'batch' world|7"


def test_resubmission_into_the_same_workdir_reports_the_new_outcome(backend: Backend, tmp_path: Path) -> None:
    workdir = tmp_path / "retry"
    first = backend.runner.submit(sh("echo attempt 1; exit 1", workdir))
    backend.run([first])
    assert wait_for(backend.runner, [first])[0].state is BatchState.FAILED

    second = backend.runner.submit(sh("echo attempt 2", workdir))
    backend.run([second])

    assert second != first
    assert wait_for(backend.runner, [second])[0].state is BatchState.COMPLETED
    assert backend.runner.collect(second)[1] == "attempt 2"
    assert backend.runner.status(first).state is BatchState.FAILED


def test_job_that_cannot_be_executed_fails_like_in_a_shell(backend: Backend, tmp_path: Path) -> None:
    spec = BatchJobSpec(name="missing", argv=("astrobio-no-such-program",), workdir=str(tmp_path / "x"))
    job_id = backend.runner.submit(spec)
    backend.run([job_id])

    [status] = wait_for(backend.runner, [job_id])
    assert (status.state, status.exit_code) == (BatchState.FAILED, 127)


def test_spec_without_argv_is_refused(backend: Backend, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="argv"):
        backend.runner.submit(BatchJobSpec(name="empty", argv=(), workdir=str(tmp_path)))


# Time limits are minutes. The local pool takes an injected clock (one minute = half a second here);
# the fake is told; SLURM's real one-minute limit lives in tests/integration/test_slurm_faults.py.
@pytest.fixture(params=["memory", "local"])
def time_limited_backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        yield MemoryBackend(InMemoryJobRunner())
        return
    with LocalJobRunner(max_parallel=1, kill_grace_s=0.5, clock=lambda: 120.0 * time.monotonic()) as local:
        yield Backend(local)


def test_job_over_its_time_limit_fails_with_timeout(time_limited_backend: Backend, tmp_path: Path) -> None:
    runner = time_limited_backend.runner
    job_id = runner.submit(sh("echo working; exec sleep 120", tmp_path / "slow", time_limit_min=1))
    time_limited_backend.start(job_id)
    if isinstance(runner, InMemoryJobRunner):
        runner.time_out(job_id, log="working")

    [status] = wait_for(runner, [job_id], timeout_s=20)
    assert (status.state, status.detail) == (BatchState.FAILED, "TIMEOUT")
    assert runner.collect(job_id)[1] == "working"
