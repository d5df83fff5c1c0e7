"""The job-kind registry: every kind validates its payload at submit, with its own limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.use_cases.jobs import SubmitJobCommand
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.jobs import DEFAULT_POLICY, POLICIES
from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import InvalidQuantity


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


def test_every_registered_kind_has_a_payload_check_and_its_own_policy(settings: Settings) -> None:
    registry = build_container(settings).job_registry()
    assert set(registry) == set(POLICIES)  # no kind falls back to the default policy
    for kind in registry.values():
        assert kind.validate is not dict, kind.name
    limits = {k.name: k.time_limit_s for k in registry.values()}
    assert limits["ingest_catalog"] == 1800.0 and limits["train_climate"] == 6 * 3600.0
    assert DEFAULT_POLICY.max_attempts == 1


def test_time_limits_are_capped_by_the_setting(tmp_path: Path) -> None:
    registry = build_container(Settings(data_dir=tmp_path, job_timeout_s=600)).job_registry()
    assert max(k.time_limit_s for k in registry.values()) == 600.0


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("ingest_catalog", {"source": 5}, "source"),
        ("ingest_catalog", {"sorce": "bundled"}, "sorce"),  # a typo is refused, not ignored
        ("jwst_retrieve", {"spectrum": "{}", "n_samples": "many"}, "n_samples"),
        ("jwst_retrieve", {"spectrum": "{}", "n_samples": 0}, "n_samples"),
        ("jwst_training_set", {}, "n_spectra"),
        ("pipeline_chunk", {"run_id": "r", "planets": ["a", 3]}, "planets"),
        ("ingest_kegg", {"pathway_ids": "map00010"}, "pathway_ids"),
        ("train_gvae", {"epochs": -1}, "epochs"),
        ("climate_sweep", {"sweep_id": "s", "ranks": 1.5}, "ranks"),
        ("train_climate", {"max_epochs": "lots"}, "max_epochs"),
        ("train_climate", {"max_epoch": 3}, "max_epoch"),
    ],
)
def test_bad_params_are_refused_at_submit_naming_the_field(
    settings: Settings, kind: str, params: dict[str, object], field: str
) -> None:
    db = InMemoryDatabase()
    c = build_container(settings)
    from dependency_injector import providers

    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    with pytest.raises(InvalidQuantity) as err:
        c.submit_job().execute(SubmitJobCommand(kind=kind, params=params))
    assert err.value.field == field, err.value.message
    assert db.jobs == {}  # nothing stored, nothing queued


def test_good_params_pass_unchanged(settings: Settings) -> None:
    registry = build_container(settings).job_registry()
    params = {"spectrum": "{}", "format": "json", "n_samples": 50, "seed": 1, "fallback": False}
    assert registry["jwst_retrieve"].validate(params) == params
    assert registry["ingest_sbml"].validate({"paths": "a.xml"}) == {"paths": "a.xml"}
    assert registry["ingest_assemblies"].validate({"taxids": "562,9606"}) == {"taxids": "562,9606"}
