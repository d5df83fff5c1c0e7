"""Long commands show progress in a terminal (checked under a pseudo-terminal) and stay quiet with --json."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from astrobio.entrypoints.sweep_progress import BENCHMARK_STEP_S, SweepProgressTracker

ROOT = Path(__file__).resolve().parents[4]
E_COLI = ROOT / "data/metabolic_models/e_coli_core.xml.gz"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    env.update(ASTROBIO_DATA_DIR=str(tmp_path), OMP_NUM_THREADS="1", TERM="xterm", COLUMNS="120")
    return env


def _run_on_pty(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal; return (code, stdout, terminal text)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "astrobio.entrypoints.cli.main", *args], env=env,
                         stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif p.poll() is not None:
            break
    out = p.stdout.read().decode() if p.stdout else ""
    code = p.wait(timeout=120)
    os.close(master)
    return code, out, ANSI.sub("", b"".join(chunks).decode(errors="replace"))


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = _env(tmp_path_factory.mktemp("progress"))
    r = subprocess.run([sys.executable, "-m", "astrobio.entrypoints.cli.main", "db", "upgrade"], env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return env


def test_ingest_sbml_shows_counts_elapsed_and_eta_in_a_terminal(migrated: dict[str, str]) -> None:
    code, out, tty = _run_on_pty(migrated, "ingest", "sbml", str(E_COLI))
    assert code == 0, tty
    assert "ingesting SBML models" in tty and "1/1" in tty and "ETA" in tty and "elapsed" in tty
    assert "e_coli_core" in out


def test_json_mode_prints_only_json_even_on_a_terminal(migrated: dict[str, str]) -> None:
    code, out, tty = _run_on_pty(migrated, "ingest", "sbml", str(E_COLI), "--id", "e_coli_again", "--json")
    assert code == 0, tty
    assert json.loads(out)[0]["id"] == "e_coli_again"
    assert tty.strip() == "", f"--json wrote to the terminal: {tty[:500]!r}"


def test_json_error_on_a_terminal_is_one_json_object(migrated: dict[str, str]) -> None:
    code, out, tty = _run_on_pty(migrated, "rank", "--weights", "hz=abc", "--json")
    assert code == 2 and out == ""
    assert json.loads(tty.strip())["error"]["field"] == "--weights"


def _runs(*states: str, steps: int = 11520) -> list[SimpleNamespace]:
    return [SimpleNamespace(id=f"r{i}", state=SimpleNamespace(value=s),
                            parameters=SimpleNamespace(steps=steps)) for i, s in enumerate(states)]


def test_sweep_estimate_starts_from_the_benchmarked_step_cost_then_uses_the_measured_one() -> None:
    now = [0.0]
    tracker = SweepProgressTracker(ranks=1, parallel=1, clock=lambda: now[0])
    est = tracker.observe(_runs("running", "queued", "queued", "queued"))
    assert (est.done, est.running, est.queued) == (0, 1, 3)
    # 4 runs of 360 days at 45-min steps, one at a time, at 5.3 min per model year: ~21 min
    assert est.eta_s == pytest.approx(4 * 11520 * BENCHMARK_STEP_S, rel=1e-6)
    assert 18 * 60 < est.eta_s < 24 * 60 and not est.measured
    now[0] = 600.0  # the first run took 10 min: 52 ms per step measured
    est = tracker.observe(_runs("succeeded", "running", "queued", "queued"))
    assert est.measured and est.step_s == pytest.approx(600.0 / 11520)
    assert est.eta_s == pytest.approx(3 * 11520 * 600.0 / 11520, rel=1e-6)
    assert "1 done · 1 running · 2 queued" in est.line()


def test_job_resource_exposes_the_sweeps_progress() -> None:
    from datetime import UTC, datetime

    from astrobio.domain.job import Job, JobState
    from astrobio.entrypoints.schemas import JobRead
    from astrobio.entrypoints.sweep_progress import job_progress

    now = datetime(2026, 12, 4, tzinfo=UTC)
    job = Job(id="j1", kind="climate_sweep", params={"sweep_id": "s1", "backend": "local"},
              state=JobState.RUNNING, created_at=now, updated_at=now)
    status = SimpleNamespace(runs=_runs("succeeded", "running", "queued", "queued"))
    container = SimpleNamespace(get_sweep=lambda: SimpleNamespace(execute=lambda sweep_id: status))
    out = JobRead.from_domain(job, job_progress(container, job)).progress
    assert out is not None
    assert (out.done, out.running, out.queued, out.total) == (1, 1, 2, 4)
    assert out.fraction is not None and 0.25 <= out.fraction < 0.5
    assert out.eta_s == pytest.approx(3 * 11520 * BENCHMARK_STEP_S, rel=1e-3)
    queued = JobRead.from_domain(Job(id="j2", kind="ingest_catalog", created_at=now, updated_at=now))
    assert queued.progress is not None and queued.progress.fraction == 0.0
