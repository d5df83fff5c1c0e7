"""SLURM when things go wrong: controller down and back, missing clients, time limits, forgotten jobs.

These tests stop and start a controller, so they get a private single-node cluster of their own
(``scripts/slurm/start.sh`` with ``ASTROBIO_SLURM_DIR`` in a temp dir and free ports, stopped at
the end): test sessions using the shared cluster at the same time see no outage. Skipped when it
cannot be started, failed where ``ASTROBIO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from astrobio.adapters.jobs import SlurmJobRunner
from astrobio.application.ports.job_runner import BatchJobSpec, BatchState
from astrobio.domain.errors import UpstreamUnavailable
from tests.contract.test_job_runner_contract import SLURM_SCRIPTS, sh, wait_for

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A private single-node cluster: its slurm.conf and the environment its scripts need."""

    def __init__(self, directory: Path) -> None:
        self.env = {
            **os.environ,
            "ASTROBIO_SLURM_DIR": str(directory),
            "ASTROBIO_SLURMCTLD_PORT": str(free_port()),
            "ASTROBIO_SLURMD_PORT": str(free_port()),
        }
        self.conf = str(directory / "slurm.conf")

    def start(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SLURM_SCRIPTS / "start.sh")], env=self.env, capture_output=True, text=True, timeout=300,
            check=False,
        )

    def stop(self, which: str = "all") -> None:
        subprocess.run([str(SLURM_SCRIPTS / "stop.sh"), which], env=self.env, check=True, capture_output=True)

    def restart_controller(self) -> None:
        done = self.start()
        assert done.returncode == 0, done.stderr

    def forgets(self, job_id: str, timeout_s: float = 180.0) -> None:
        """Wait until the controller has purged the job's record (MinJobAge after its end)."""
        env = {**os.environ, "SLURM_CONF": self.conf}
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            shown = subprocess.run(
                ["scontrol", "show", "job", job_id], env=env, capture_output=True, text=True, check=False
            )
            if "Invalid job id" in shown.stderr:
                return
            time.sleep(0.5)
        raise AssertionError(f"SLURM still remembers job {job_id} after {timeout_s:g} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    private = Cluster(tmp_path_factory.mktemp("slurm-cluster"))
    try:
        done = private.start()
    except (OSError, subprocess.TimeoutExpired) as exc:
        done = subprocess.CompletedProcess([], 1, "", str(exc))
    if done.returncode != 0:
        private.stop()
        reason = f"private SLURM cluster could not be started: {(done.stderr or done.stdout).strip()[-500:]}"
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (ASTROBIO_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(reason)
    try:
        yield private
    finally:
        private.stop()


@pytest.fixture
def runner(cluster: Cluster, tmp_path: Path) -> SlurmJobRunner:
    return SlurmJobRunner(slurm_conf=cluster.conf, state_dir=tmp_path / "slurm-state", command_timeout_s=30)


@pytest.fixture
def controller_down(cluster: Cluster) -> Iterator[None]:
    """Stop slurmctld (slurmd and the jobs on it keep running); start it again afterwards."""
    cluster.stop("slurmctld")
    try:
        yield
    finally:
        cluster.restart_controller()


def test_controller_down_raises_upstream_unavailable_then_the_sweep_resumes(
    runner: SlurmJobRunner, cluster: Cluster, tmp_path: Path, controller_down: None
) -> None:
    sweep = [sh(f"echo point {i} > point.txt", tmp_path / f"point-{i}") for i in range(3)]

    with pytest.raises(UpstreamUnavailable) as raised:
        runner.submit_array(sweep)
    assert raised.value.service == "slurm"
    assert "Unable to contact slurm controller" in str(raised.value)
    with pytest.raises(UpstreamUnavailable, match="slurm"):
        runner.status("1")  # a status it cannot know is unavailable, not UNKNOWN

    cluster.restart_controller()

    job_ids = runner.submit_array(sweep)
    statuses = wait_for(runner, job_ids)
    assert [s.state for s in statuses] == [BatchState.COMPLETED] * 3
    assert [(tmp_path / f"point-{i}" / "point.txt").read_text() for i in range(3)] == [
        f"point {i}\n" for i in range(3)
    ]


def test_job_running_through_a_controller_restart_completes(
    runner: SlurmJobRunner, cluster: Cluster, tmp_path: Path
) -> None:
    job_id = runner.submit(sh("sleep 6; echo survived", tmp_path / "through"))
    wait_for(runner, [job_id], lambda s: s.state is BatchState.RUNNING)
    cluster.stop("slurmctld")
    try:
        with pytest.raises(UpstreamUnavailable):
            runner.status(job_id)
    finally:
        cluster.restart_controller()

    [status] = wait_for(runner, [job_id])
    assert status.state is BatchState.COMPLETED
    assert runner.collect(job_id)[1] == "survived"


def test_missing_sbatch_binary_is_upstream_unavailable(tmp_path: Path) -> None:
    runner = SlurmJobRunner(bin_dir=tmp_path / "no-slurm-here", state_dir=tmp_path / "state")

    with pytest.raises(UpstreamUnavailable, match=r"'slurm' unavailable: sbatch not found") as raised:
        runner.submit(sh("true", tmp_path / "w"))
    assert raised.value.service == "slurm"


@pytest.mark.slow
def test_job_over_its_time_limit_fails_with_timeout(
    runner: SlurmJobRunner, cluster: Cluster, tmp_path: Path
) -> None:
    # One minute is SLURM's smallest limit, and slurmctld checks limits every 30 s: ~60-90 s.
    job_id = runner.submit(sh("echo working; exec sleep 600", tmp_path / "slow", time_limit_min=1))

    [status] = wait_for(runner, [job_id], timeout_s=180, interval_s=1.0)
    assert (status.state, status.detail) == (BatchState.FAILED, "TIMEOUT")
    log = runner.collect(job_id)[1]
    assert log.startswith("working") and "DUE TO TIME LIMIT" in log  # slurmstepd says why, in the log

    # Without accounting, SLURM forgets the job MinJobAge later; the job's own record says TIMEOUT.
    cluster.forgets(job_id)
    assert runner.status(job_id).detail == "TIMEOUT"


def test_outcomes_outlive_slurms_memory_and_the_runner_instance(
    runner: SlurmJobRunner, cluster: Cluster, tmp_path: Path
) -> None:
    failed = runner.submit(sh("echo some output; exit 5", tmp_path / "failed"))
    array = runner.submit_array([sh("echo ok", tmp_path / "ok"), sh("sleep 300", tmp_path / "cancelled")])
    wait_for(runner, [array[1]], lambda s: s.state is BatchState.RUNNING)
    runner.cancel(array[1])
    wait_for(runner, [failed, *array])
    for job_id in (failed, *array):
        cluster.forgets(job_id)

    # Another process following the same jobs: a new runner over the same state_dir.
    other = SlurmJobRunner(slurm_conf=cluster.conf, state_dir=tmp_path / "slurm-state")
    status, log = other.collect(failed)
    assert (status.state, status.exit_code, log) == (BatchState.FAILED, 5, "some output")
    assert other.status(array[0]).state is BatchState.COMPLETED
    assert other.status(array[1]).state is BatchState.CANCELLED
    assert other.spec(array[0]) == BatchJobSpec(
        name="ok", argv=("sh", "-c", "echo ok"), workdir=str(tmp_path / "ok"), cpus=1, mem_mb=100,
        time_limit_min=5,
    )
    # A runner with another state_dir cannot know these ids once SLURM has forgotten them.
    stranger = SlurmJobRunner(slurm_conf=cluster.conf, state_dir=tmp_path / "elsewhere")
    assert stranger.status(failed).state is BatchState.UNKNOWN
