"""The job-kind registry: each kind's payload check, handler, time limit and retry policy.

Handlers come from the containers (``job_handlers`` providers); this module pairs each with the
payload Struct that validates its parameters at submit (``adapters/queue/payloads.py``) and with
its own limits. A kind registered by a container but missing here gets :data:`DEFAULT_POLICY`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from astrobio.application.use_cases.jobs import (
    JobHandler,
    JobKind,
    JobRegistry,
    LeasePolicy,
    ParamsValidator,
    RetryPolicy,
)
from astrobio.application.use_cases.surrogates import TrainingJobParams
from astrobio.bootstrap.settings import Settings

MINUTE = 60.0
HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class KindPolicy:
    time_limit_s: float
    max_attempts: int
    retry_delay_s: float = 5.0


#: Ingestions are idempotent (re-ingesting the same content changes nothing) and bounded by the
#: input size: minutes, a few attempts. Training and GCM sweeps take hours; a retrieval minutes.
POLICIES: dict[str, KindPolicy] = {
    "ingest_catalog": KindPolicy(30 * MINUTE, 3),
    "ingest_kegg": KindPolicy(30 * MINUTE, 3),
    "ingest_sbml": KindPolicy(30 * MINUTE, 3),
    "ingest_genome": KindPolicy(HOUR, 3),
    "ingest_assemblies": KindPolicy(HOUR, 3),
    "ingest_1000g": KindPolicy(HOUR, 3),
    "ingest_bundled_cubes": KindPolicy(HOUR, 3),
    "download_assembly": KindPolicy(2 * HOUR, 5, 30.0),
    "climate_sweep": KindPolicy(24 * HOUR, 2, 60.0),
    "train_climate": KindPolicy(6 * HOUR, 1),
    "train_gvae": KindPolicy(2 * HOUR, 1),
    "jwst_train": KindPolicy(6 * HOUR, 1),
    "jwst_training_set": KindPolicy(6 * HOUR, 2),
    "jwst_retrieve": KindPolicy(30 * MINUTE, 2),
    "pipeline_run": KindPolicy(6 * HOUR, 2),
    "pipeline_chunk": KindPolicy(HOUR, 3),
    # A search worker runs trials until its study is full; a retried worker resumes the study.
    "search_trials": KindPolicy(12 * HOUR, 2, 30.0),
}
DEFAULT_POLICY = KindPolicy(HOUR, 1)


def _training_params(params: Mapping[str, Any]) -> dict[str, Any]:
    TrainingJobParams.from_params(params).commands()  # raises InvalidQuantity naming the field
    return dict(params)


def _validators() -> dict[str, ParamsValidator]:
    from astrobio.adapters.queue.payloads import PAYLOADS, validator

    checks: dict[str, ParamsValidator] = {name: validator(p) for name, p in PAYLOADS.items()}
    checks["train_climate"] = _training_params
    return checks


def job_registry(settings: Settings, handlers: Mapping[str, JobHandler]) -> JobRegistry:
    """Every kind of ``handlers`` with its payload check and policy (time limits capped at
    ``settings.job_timeout_s``)."""
    checks = _validators()
    kinds = []
    for name, handler in handlers.items():
        policy = POLICIES.get(name, DEFAULT_POLICY)
        kinds.append(JobKind(
            name=name, handler=handler, validate=checks.get(name, dict),
            time_limit_s=min(policy.time_limit_s, float(settings.job_timeout_s)),
            retry=RetryPolicy(max_attempts=policy.max_attempts, delay_s=policy.retry_delay_s)))
    return JobRegistry(kinds)


def lease_policy(settings: Settings) -> LeasePolicy:
    return LeasePolicy(lease_s=float(settings.job_lease_s))


def worker_identity() -> str:
    """``host:pid`` of this process (names the lease holder in job rows and error messages)."""
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"
