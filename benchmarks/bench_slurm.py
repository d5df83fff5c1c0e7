"""Scheduling overhead per job: SLURM (one array, individual sbatch calls) against the local pool.

Run: ``.venv/bin/python benchmarks/bench_slurm.py [--jobs 20] [--repeat 3] [--json]``.
Starts the single-node cluster with ``scripts/slurm/start.sh`` (root) unless ``--slurm-conf`` names
a running one. Every job is ``true``, so the time from the first submission until the runner
reports every job COMPLETED, divided by the number of jobs, is the overhead per job: submission,
scheduling, launch, end, and the status polling (every 50 ms, through the runner's ``status``).
Both runners may run as many jobs at once as there are CPUs.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from astrobio.adapters.jobs import LocalJobRunner, SlurmJobRunner
from astrobio.application.ports.job_runner import FINAL_BATCH_STATES, BatchJobSpec, BatchState, JobRunner

ROOT = Path(__file__).resolve().parents[1]


def specs(n: int, root: Path) -> list[BatchJobSpec]:
    return [
        BatchJobSpec(name=f"bench-{i}", argv=("true",), workdir=str(root / f"job-{i}"), mem_mb=100,
                     time_limit_min=5)
        for i in range(n)
    ]


def submit_each(runner: JobRunner, batch: list[BatchJobSpec]) -> list[str]:
    return [runner.submit(spec) for spec in batch]


def run_once(runner: JobRunner, submit: Callable[[], list[str]]) -> dict[str, float]:
    """Submit, then poll the unfinished jobs until all are final; times in seconds."""
    t0 = time.perf_counter()
    ids = submit()
    submitted = time.perf_counter() - t0
    pending = set(ids)
    while pending:
        for job_id in list(pending):
            status = runner.status(job_id)
            if status.state in FINAL_BATCH_STATES:
                if status.state is not BatchState.COMPLETED:
                    raise RuntimeError(f"benchmark job {job_id} ended {status}")
                pending.discard(job_id)
        if pending:
            time.sleep(0.05)
    total = time.perf_counter() - t0
    return {"submit_s": submitted, "total_s": total, "per_job_ms": 1000 * total / len(ids)}


def start_cluster() -> str:
    done = subprocess.run([str(ROOT / "scripts/slurm/start.sh")], capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("export SLURM_CONF="):
            return line.removeprefix("export SLURM_CONF=")
    sys.exit(f"SLURM did not start: {done.stderr.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slurm-conf", default=None, help="a running cluster's slurm.conf")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    conf = args.slurm_conf or start_cluster()
    cpus = os.cpu_count() or 1
    results: dict[str, list[dict[str, float]]] = {"slurm array": [], "slurm individual": [], "local": []}
    local = LocalJobRunner(max_parallel=cpus)
    with tempfile.TemporaryDirectory(prefix="bench-slurm-") as tmp, local:
        root = Path(tmp)
        slurm = SlurmJobRunner(slurm_conf=conf, state_dir=root / "state")
        for r in range(args.repeat):
            batch = specs(args.jobs, root / f"run-{r}")
            results["slurm array"].append(run_once(slurm, functools.partial(slurm.submit_array, batch)))
            results["slurm individual"].append(run_once(slurm, functools.partial(submit_each, slurm, batch)))
            results["local"].append(run_once(local, functools.partial(local.submit_array, batch)))

    summary = {
        mode: {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        for mode, runs in results.items()
    }
    if args.json:
        print(json.dumps({"jobs": args.jobs, "cpus": cpus, "repeat": args.repeat, "median": summary}))
        return
    print(f"{args.jobs} trivial jobs, {cpus} CPUs, median of {args.repeat} runs")
    print(f"{'mode':<18}{'submit (s)':>12}{'all done (s)':>14}{'per job (ms)':>14}")
    for mode, row in summary.items():
        print(f"{mode:<18}{row['submit_s']:>12.3f}{row['total_s']:>14.2f}{row['per_job_ms']:>14.1f}")


if __name__ == "__main__":
    main()
