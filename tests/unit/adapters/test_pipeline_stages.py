"""The FBA metabolism stage adapter: gas mapping, the per-environment cache, failures."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from astrobio.adapters.pipeline.stages import FbaMetabolismStage
from astrobio.application.ports.metabolism import SurfaceFluxes
from astrobio.domain.errors import InsufficientData
from astrobio.domain.metabolism_environment import PlanetEnvironment


class FakeFluxes:
    def __init__(self, o2: float = 5e10) -> None:
        self.environments: list[PlanetEnvironment] = []
        self.o2 = o2

    def surface_fluxes(self, environment: PlanetEnvironment, *, model_ids: Sequence[str] | None = None,
                       biomass_gdw_m2: float | None = None) -> SurfaceFluxes:
        self.environments.append(environment)
        return SurfaceFluxes(flux_molecules_cm2_s={"ch4": 2e11, "n2o": -1e8, "o2": self.o2, "h2": -3e11},
                             oxygenic=self.o2 > 0, limits={"ch4": "H2 supply (geological outgassing)"})


def test_maps_gases_clips_uptake_and_flags_oxygenic_biospheres() -> None:
    fake = FakeFluxes()
    stage = FbaMetabolismStage(lambda: fake, lambda: ["iAF692", "iJN678"])
    out = stage.fluxes(temperature_k=291.0, pressure_bar=1.0, photon_flux_umol_m2_s=310.0)
    assert out.flux_molecules_cm2_s == {"CH4": 2e11, "N2O": 0.0}  # net uptake is no source
    assert out.oxygenic and "iAF692, iJN678" in out.source
    assert out.limits == {"ch4": "H2 supply (geological outgassing)"}  # shown per planet in the report
    assert "h2" not in fake.environments[0].partial_pressures_bar  # H2 only from outgassing
    env = fake.environments[0]
    assert env.temperature_k == 290.0 and env.photon_flux_umol_m2_s == 400.0  # 10 K and factor-2 light bins
    anoxic = FbaMetabolismStage(lambda: FakeFluxes(o2=-1.0), lambda: ["iAF692"])
    assert not anoxic.fluxes(temperature_k=291.0, pressure_bar=1.0, photon_flux_umol_m2_s=0.0).oxygenic


def test_solves_each_environment_bin_once() -> None:
    fake = FakeFluxes()
    stage = FbaMetabolismStage(lambda: fake, lambda: ["m"])
    for t in (286.0, 289.0, 294.9):
        stage.fluxes(temperature_k=t, pressure_bar=1.0, photon_flux_umol_m2_s=300.0)
    stage.fluxes(temperature_k=300.0, pressure_bar=1.0, photon_flux_umol_m2_s=300.0)
    assert [e.temperature_k for e in fake.environments] == [290.0, 300.0]


def test_no_stored_models_is_insufficient_data_and_is_remembered() -> None:
    calls: list[int] = []

    def models() -> list[str]:
        calls.append(1)
        return []

    stage = FbaMetabolismStage(FakeFluxes, models)
    for _ in range(3):
        with pytest.raises(InsufficientData) as exc:
            stage.fluxes(temperature_k=288.0, pressure_bar=1.0, photon_flux_umol_m2_s=300.0)
        assert exc.value.field == "metabolism"
    assert len(calls) == 1
