"""SimulateMetabolism's rules over a fake engine: which bounds it sets, how it reports fluxes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from astrobio.adapters.memory.metabolism import InMemoryMetabolicModelRepository
from astrobio.application.ports.metabolism import ParsedSbml
from astrobio.application.use_cases.metabolism import SimulateMetabolism, SimulateMetabolismCommand
from astrobio.domain.metabolism import FbaOutcome, MetabolicModel, MetabolismResult, ModelQuality
from astrobio.domain.metabolism_environment import PlanetEnvironment


class FakeEngine:
    def __init__(self, outcome: FbaOutcome) -> None:
        self.outcome = outcome
        self.caps: dict[str, float] = {}
        self.calls: list[dict[str, float]] = []

    def parse(self, path: str) -> ParsedSbml:  # pragma: no cover - not used here
        raise NotImplementedError

    def simulate(self, model: MetabolicModel, uptake_caps: Mapping[str, float]) -> FbaOutcome:
        self.calls.append(dict(uptake_caps))
        self.caps = self.calls[0]  # the growth solve; a saturating yield solve may follow
        return self.outcome


def model() -> MetabolicModel:
    return MetabolicModel(
        id="m", name="m", organism=None, ncbi_taxid=None, organism_class="mesophile", objective="BIO",
        sbml_sha256="0" * 64, sbml_uri="/x", source="x", n_reactions=1, n_metabolites=1, n_genes=0,
        exchanges={"h2": "EX_h2", "co2": "EX_co2", "hco3": "EX_hco3", "nh4": "EX_nh4", "o2": "EX_o2",
                   "photon": "EX_photon", "glucose": "EX_glc"},
        base_medium={"EX_pi": 1000.0, "EX_nh4": 1000.0, "EX_o2": 1000.0},
        quality=ModelQuality(objective_present=True, default_growth_per_h=0.1, blocked_reactions=0,
                             mass_imbalanced=0, charge_imbalanced=0),
        ingested_at=datetime(2026, 1, 1, tzinfo=UTC))


def run(outcome: FbaOutcome, env: PlanetEnvironment) -> tuple[FakeEngine, MetabolismResult]:
    repo = InMemoryMetabolicModelRepository()
    repo.add(model())
    engine = FakeEngine(outcome)
    (result,) = SimulateMetabolism(repo, engine).execute(SimulateMetabolismCommand(environment=env))
    return engine, result


ENV = PlanetEnvironment(temperature_k=310.15, pressure_bar=1.0, partial_pressures_bar={"h2": 0.1},
                        photon_flux_umol_m2_s=100.0, organics_mmol_gdw_h={"glucose": 2.0})


def test_environment_sets_gas_caps_and_nutrients_only_add() -> None:
    engine, _ = run(FbaOutcome(status="optimal", growth_per_h=0.0), ENV)
    assert engine.caps["EX_pi"] == 1000.0  # base medium kept
    assert engine.caps["EX_nh4"] == 1000.0  # fixed nitrogen stays: NH3 from the air only adds
    assert engine.caps["EX_o2"] == 0.0  # a gas the air lacks is not available, whatever the base medium
    assert 0.0 < engine.caps["EX_h2"] <= 20.0
    assert engine.caps["EX_photon"] == pytest.approx(100.0 * 3.6 * 0.01, rel=1e-3)
    assert engine.caps["EX_glc"] == pytest.approx(2.0, rel=1e-3)  # at T_opt the CTMI factor is 1


def test_fluxes_are_reported_per_gas_with_dissolved_species_folded_in() -> None:
    _, result = run(FbaOutcome(status="optimal", growth_per_h=0.2,
                               exchange_fluxes={"co2": -1.0, "hco3": -0.5, "nh4": -0.2, "o2": 1.5}), ENV)
    flux = result.gas_flux_mmol_gdw_h
    assert flux["co2"] == -1.5 and flux["nh3"] == -0.2 and flux["o2"] == 1.5
    assert result.grows


def test_infeasible_is_a_no_growth_result_with_zero_fluxes() -> None:
    _, result = run(FbaOutcome(status="infeasible", growth_per_h=0.0), ENV)
    assert not result.feasible and not result.grows
    assert "no growth under these conditions" in result.message
    assert set(result.surface_flux_molecules_cm2_s.values()) == {0.0}
