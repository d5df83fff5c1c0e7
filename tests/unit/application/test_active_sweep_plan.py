"""``plan --method active``: the acquisition picks the runs from the box's candidate pool."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.ports.acquisition import Acquisition
from astrobio.application.use_cases.climate_sweeps import PlanSweep, PlanSweepCommand
from astrobio.domain.climate import ClimateParameters, ParameterRange, SamplingMethod
from astrobio.domain.errors import InsufficientData

from .climate_fakes import FakeSimulator
from .fakes import CountingIds, StepClock

RANGES = {"instellation_w_m2": ParameterRange(low=800.0, high=1400.0)}


class HottestFirst:
    """Picks the candidates with the highest instellation (a stand-in for a variance rule)."""

    def select(self, pool: Sequence[ClimateParameters], n: int) -> Acquisition:
        order = np.argsort([-p.instellation_w_m2 for p in pool])[:n]
        return Acquisition(indices=tuple(int(i) for i in order), sigma_before_k=5.0, sigma_after_k=3.0,
                           model_id="m" * 64, rule="hottest first")


def _plan(acquisition: HottestFirst | None) -> PlanSweep:
    db = InMemoryDatabase()
    return PlanSweep(lambda: InMemoryUnitOfWork(db), FakeSimulator(), StepClock(), CountingIds(), acquisition)


def test_active_plan_records_the_runs_the_acquisition_picks() -> None:
    cmd = PlanSweepCommand(name="al", ranges=RANGES, method=SamplingMethod.ACTIVE, samples=3, seed=1)
    status = _plan(HottestFirst()).execute(cmd)
    pool = status.sweep.candidate_pool()
    assert len(pool) == 96 and len(status.runs) == 3  # 32 candidates per requested run
    top = sorted((p.instellation_w_m2 for p in pool), reverse=True)[:3]
    assert [r.parameters.instellation_w_m2 for r in status.runs] == top
    acq = status.acquisition
    assert acq is not None and acq.sigma_after_k < acq.sigma_before_k


def test_active_plan_without_a_model_is_refused_naming_method() -> None:
    cmd = PlanSweepCommand(name="al", ranges=RANGES, method=SamplingMethod.ACTIVE, samples=2)
    with pytest.raises(InsufficientData) as err:
        _plan(None).execute(cmd)
    assert err.value.field == "method"
