"""Progress of a GCM sweep (CLI bar, HTTP job resource): runs done / running / queued, time left.

The estimate comes from the cost of one model step. Before any run has finished it is the measured
ExoPlaSim T21 figure (README, "Climate" benchmarks: about 5.3 min of wall time per model year on one
MPI rank, i.e. 27 ms per 45-minute step, and about half that on two ranks); once runs finish, their own
measured cost (wall time between being seen running and being seen final, over their step count) is
used instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Wall seconds per model step of ExoPlaSim T21 on one MPI rank (5.3 min / (365 d x 32 steps/d)).
BENCHMARK_STEP_S = 5.3 * 60 / (365 * 32)
FINAL = frozenset({"succeeded", "failed", "crashed", "cancelled"})


@dataclass
class SweepProgressEstimate:
    """Counts and the estimate for one status of a sweep."""

    done: int
    running: int
    queued: int
    steps_total: int
    steps_done: float
    eta_s: float | None
    step_s: float
    measured: bool

    def line(self) -> str:
        eta = "—" if self.eta_s is None else _duration(self.eta_s)
        basis = "measured" if self.measured else "benchmark"
        return (f"{self.done} done · {self.running} running · {self.queued} queued · "
                f"~{eta} left ({self.step_s * 1000:.0f} ms/step, {basis})")


def _duration(s: float) -> str:
    s = max(0.0, s)
    return f"{s / 3600:.1f} h" if s >= 3600 else f"{s / 60:.0f} min" if s >= 120 else f"{s:.0f} s"


@dataclass
class SweepProgressTracker:
    """Follows successive sweep statuses (``runs`` with ``id``, ``state``, ``parameters.steps``)."""

    ranks: int = 1
    parallel: int = 1
    clock: Callable[[], float] = time.monotonic
    _started: dict[str, float] = field(default_factory=dict)
    _measured: list[float] = field(default_factory=list)
    _seen_final: set[str] = field(default_factory=set)

    @property
    def step_s(self) -> float:
        if self._measured:
            return sum(self._measured) / len(self._measured)
        return float(BENCHMARK_STEP_S / max(1, self.ranks) ** 0.92)  # 2 ranks: ~1.9x faster (benchmarks)

    def observe(self, runs: list[Any]) -> SweepProgressEstimate:
        now = self.clock()
        done = running = queued = 0
        steps_total = 0
        steps_done = 0.0
        for r in runs:
            steps = int(r.parameters.steps)
            steps_total += steps
            state = r.state.value if hasattr(r.state, "value") else str(r.state)
            if state in FINAL:
                done += 1
                steps_done += steps
                if r.id in self._started and r.id not in self._seen_final and state == "succeeded":
                    self._measured.append((now - self._started[r.id]) / max(1, steps))
                self._seen_final.add(r.id)
            elif state == "running":
                running += 1
                self._started.setdefault(r.id, now)
            else:
                queued += 1
        step_s = self.step_s
        for r in runs:  # running runs: the part their elapsed time has covered, at the current cost
            if r.id in self._started and r.id not in self._seen_final:
                steps_done += min(float(r.parameters.steps) * 0.99, (now - self._started[r.id]) / step_s)
        remaining = max(0.0, steps_total - steps_done)
        lanes = max(1, running, min(self.parallel, running + queued))
        eta = remaining * step_s / lanes if done < len(runs) else 0.0
        return SweepProgressEstimate(done=done, running=running, queued=queued, steps_total=steps_total,
                                     steps_done=steps_done, eta_s=eta, step_s=step_s,
                                     measured=bool(self._measured))



def sweep_job_progress(runs: list[Any], ranks: int = 1, parallel: int = 1) -> SweepProgressEstimate:
    """One look at a sweep (no history): counts and an estimate at the benchmarked step cost."""
    return SweepProgressTracker(ranks=ranks, parallel=parallel).observe(runs)



def job_progress(container: Any, job: Any) -> Any:
    """A job's progress for ``GET /jobs/{id}``: a sweep job's run counts and estimate, else by state."""
    from astrobio.domain.errors import DomainError
    from astrobio.entrypoints.schemas import JobProgressRead

    sweep_id = job.params.get("sweep_id") if isinstance(job.params, dict) else None
    if job.kind != "climate_sweep" or not isinstance(sweep_id, str) or job.state.value != "running":
        return JobProgressRead.of_state(job.state.value)
    try:
        status = container.get_sweep().execute(sweep_id)
    except DomainError:  # the sweep is gone or unreadable: the job's state still says something
        return JobProgressRead.of_state(job.state.value)
    est = sweep_job_progress(list(status.runs), ranks=int(job.params.get("ranks") or 1))
    total = est.done + est.running + est.queued
    return JobProgressRead(fraction=round(est.steps_done / est.steps_total, 4) if est.steps_total else None,
                           done=est.done, running=est.running, queued=est.queued, total=total,
                           eta_s=None if est.eta_s is None else round(est.eta_s, 1), detail=est.line())
