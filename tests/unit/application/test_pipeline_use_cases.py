"""RunPipeline and friends over in-memory adapters and fake stages: batches, failures, bad input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from astrobio.adapters.memory.pipeline import InMemoryPipelineRunRepository
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.ports.pipeline import BiogenicFluxes, SpectrumOutcome
from astrobio.application.use_cases.pipeline import (
    GetPipelineRun,
    RankByBiosignature,
    RankByBiosignatureCommand,
    RunPipeline,
    RunPipelineCommand,
    StartPipelineRun,
)
from astrobio.application.use_cases.pipeline_stages import MODERN_EARTH_BIOGENIC_FLUX, PlanetPipeline
from astrobio.domain.assessment import Assessment
from astrobio.domain.atmosphere import LIFETIME_YR, MOLAR_MASS_G_MOL, steady_state_vmr
from astrobio.domain.biosignature_ranking import Verdict
from astrobio.domain.errors import Conflict, InvalidQuantity, NotFound
from astrobio.domain.pipeline_run import RunStatus
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import ClimateEstimate, HzFilter
from astrobio.domain.star import Star

# J = 11: fainter than every JWST mode's saturation limit (the Sun at 10 pc, J = 4, would saturate them all).
SUN = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, j_mag=11.0, k_mag=10.5, distance_pc=10.0)


def planet(name: str, a_au: float = 1.0, **kw: Any) -> Planet:
    fields: dict[str, Any] = dict(
        name=name,
        star=SUN,
        radius_earth=1.0,
        mass_earth=1.0,
        semi_major_axis_au=a_au,
        transits=True,
        source="test",
    )
    return Planet(**(fields | kw))


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 11, 26, 12, tzinfo=UTC)

    def now(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


class Ids:
    def __init__(self) -> None:
        self.n = 0

    def new_id(self) -> str:
        self.n += 1
        return f"run-{self.n}"


class FakeClimate:
    def estimate(self, targets: Sequence[tuple[Planet, Assessment]]) -> Mapping[str, ClimateEstimate]:
        return {
            p.name: ClimateEstimate(ts_k=288.0, ts_sigma_k=5.0, model_id="m1")
            for p, _ in targets
            if p.name.startswith("Earth")
        }


class FakeMetabolism:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def fluxes(
        self, *, temperature_k: float, pressure_bar: float, photon_flux_umol_m2_s: float
    ) -> BiogenicFluxes:
        if self.fail:
            raise RuntimeError("solver crashed")
        return BiogenicFluxes(flux_molecules_cm2_s={"CH4": 1e12}, oxygenic=False, source="fake FBA")


class FakeSpectrum:
    """CH4 SNR grows with the flux it is given; planets named 'Broken*' raise."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, float], dict[str, float]]] = []

    def compute(
        self,
        planet: Planet,
        *,
        surface_temperature_k: float,
        vmr: Mapping[str, float],
        surface_flux_molecules_cm2_s: Mapping[str, float],
        modes: Sequence[str],
        n_transits: int,
    ) -> SpectrumOutcome:
        if planet.name.startswith("Broken"):
            raise InvalidQuantity(
                "stellar spectrum does not cover the model wavelengths", field="stellar_spectrum"
            )
        self.calls.append((planet.name, dict(vmr), dict(surface_flux_molecules_cm2_s)))
        snr = {m: {"CH4": surface_flux_molecules_cm2_s.get("CH4", 0.0) / 1e11, "H2O": 30.0} for m in modes}
        return SpectrumOutcome(
            wavelength_um=[1.0, 2.0],
            transit_depth_ppm=[100.0, 101.0],
            n_transits=n_transits,
            noise={m: ([1.0, 2.0], [5.0, 5.0]) for m in modes},
            snr=snr,
            transits_for_5sigma={m: {"CH4": 3, "H2O": 1} for m in modes},
            atmosphere={"surface_temperature_k": surface_temperature_k},
            provenance={"opacity": "fake"},
        )


@pytest.fixture
def env() -> dict[str, Any]:
    db = InMemoryDatabase()
    for p in (
        planet("Earth"),
        planet("Earth twin"),
        planet("Broken b"),
        planet("Jupiter", radius_earth=11.2, mass_earth=318.0),
        planet("Mercury-ish", a_au=0.05),
        planet("Dark", transits=None),
        Planet(name="No radius", star=SUN, semi_major_axis_au=1.0),
    ):
        db.planets[p.name] = p
    uow = lambda: InMemoryUnitOfWork(db)  # noqa: E731
    runs = InMemoryPipelineRunRepository()
    clock = Clock()
    spectrum = FakeSpectrum()
    metabolism = FakeMetabolism()
    pipe = PlanetPipeline(
        colours=None,
        climate=FakeClimate,
        metabolism=lambda: metabolism,
        spectrum=lambda: spectrum,
        code_version="9.9",
    )
    return {
        "start": StartPipelineRun(uow, runs, clock, Ids(), lambda: {"code_version": "9.9"}),
        "run": RunPipeline(uow, runs, pipe, clock),
        "get": GetPipelineRun(runs),
        "runs": runs,
        "uow": uow,
        "rank": RankByBiosignature(runs),
        "spectrum": spectrum,
        "metabolism": metabolism,
    }


def test_a_batch_with_a_failing_planet_completes_the_rest_and_reports_the_failure(
    env: dict[str, Any],
) -> None:
    run = env["start"].execute(RunPipelineCommand(chunk_size=3))
    assert run.status is RunStatus.QUEUED and run.n_planets == 7 and run.planets is None
    done = env["run"].execute(run.id)
    assert done.status is RunStatus.COMPLETED and done.n_done == 7 and done.n_failed == 1
    view = env["get"].execute(run.id)
    assert view.counts == {
        "modelled": 2,
        "failed": 1,
        "giant": 1,
        "far_from_hz": 1,
        "not_transiting": 1,
        "insufficient_data": 1,
    }
    assert [f.planet_name for f in view.failures] == ["Broken b"]
    assert "stellar spectrum" in (view.failures[0].error or "")
    # The surrogate covers "Earth..." (sigma 5 K): higher certainty than the grey fallback would give.
    earth = view.ranked[0]
    assert earth.stages["climate"]["source"] == "climate surrogate m1"
    assert earth.provenance["code_version"] == "9.9" and earth.provenance["climate_model"] == "m1"
    assert earth.provenance["metabolism"] == "fake FBA"
    assert earth.stages["detectability"]["best"]["gas"] == "CH4"
    # FBA said not oxygenic: no O2 or O3 in the atmosphere given to the spectrum.
    assert all("O2" not in vmr and flux == {"CH4": 1e12} for _, vmr, flux in env["spectrum"].calls)


def test_a_failing_metabolism_falls_back_to_the_fixed_earth_fluxes_and_says_so(env: dict[str, Any]) -> None:
    env["metabolism"].fail = True
    run = env["start"].execute(RunPipelineCommand(planets=("Earth",)))
    env["run"].execute(run.id)
    r = env["get"].execute(run.id).ranked[0]
    assert (
        "fixed modern-Earth" in r.provenance["metabolism"] and "solver crashed" in r.provenance["metabolism"]
    )
    _, vmr, flux = env["spectrum"].calls[-1]
    assert flux == dict(MODERN_EARTH_BIOGENIC_FLUX) and vmr["O2"] == pytest.approx(0.2095)


def test_fixed_metabolism_never_calls_fba(env: dict[str, Any]) -> None:
    env["metabolism"].fail = True
    run = env["start"].execute(RunPipelineCommand(planets=("Earth",), metabolism="fixed"))
    env["run"].execute(run.id)
    r = env["get"].execute(run.id).ranked[0]
    assert (
        r.provenance["metabolism"].startswith("fixed modern-Earth")
        and "FBA" not in r.provenance["metabolism"]
    )


def test_modern_earth_fixed_fluxes_give_earths_methane_and_nitrous_oxide() -> None:
    # NOAA global means: CH4 ~1.8 ppm (2019), N2O ~0.33 ppm.
    mu = MOLAR_MASS_G_MOL["N2"] * 0.78 + MOLAR_MASS_G_MOL["O2"] * 0.21 + MOLAR_MASS_G_MOL["Ar"] * 0.01
    ch4 = steady_state_vmr(MODERN_EARTH_BIOGENIC_FLUX["CH4"], LIFETIME_YR["CH4"], 1.013, 9.81, mu)
    n2o = steady_state_vmr(MODERN_EARTH_BIOGENIC_FLUX["N2O"], LIFETIME_YR["N2O"], 1.013, 9.81, mu)
    assert ch4 == pytest.approx(1.8e-6, rel=0.15)
    assert n2o == pytest.approx(3.3e-7, rel=0.15)


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (RunPipelineCommand(planets=("Earth", "Vulcan", "Krypton")), "planets"),
        (RunPipelineCommand(planets=()), "planets"),
        (RunPipelineCommand(modes=("nirspec_prism", "hubble_wfc3")), "modes"),
        (RunPipelineCommand(n_transits=0), "n_transits"),
        (RunPipelineCommand(metabolism="guess"), "metabolism"),
    ],
)
def test_bad_requests_are_refused_naming_the_field_and_store_nothing(
    env: dict[str, Any], command: RunPipelineCommand, field: str
) -> None:
    with pytest.raises(InvalidQuantity) as exc:
        env["start"].execute(command)
    assert exc.value.field == field
    assert env["runs"].latest_completed() is None and env["runs"].get_run("run-1") is None
    if field == "planets" and command.planets:
        assert "'Vulcan'" in exc.value.message and "'Krypton'" in exc.value.message


def test_chunks_fan_out_and_the_last_chunk_completes_the_run(env: dict[str, Any]) -> None:
    run = env["start"].execute(RunPipelineCommand(planets=("Earth", "Earth twin", "Jupiter"), chunk_size=2))
    chunks = env["run"].chunks(run.id)
    assert chunks == [["Earth", "Earth twin"], ["Jupiter"]]
    first = env["run"].process_chunk(run.id, chunks[0])
    assert first.status is RunStatus.RUNNING and first.n_done == 2
    last = env["run"].process_chunk(run.id, chunks[1])
    assert last.status is RunStatus.COMPLETED and last.n_done == 3
    with pytest.raises(Conflict):
        env["run"].process_chunk(run.id, chunks[1])


def test_rank_by_biosignature_uses_the_latest_completed_run(env: dict[str, Any]) -> None:
    with pytest.raises(Conflict) as exc:
        env["rank"].execute(RankByBiosignatureCommand())
    assert exc.value.field == "by"
    run = env["start"].execute(RunPipelineCommand())
    env["run"].execute(run.id)
    ranking = env["rank"].execute(RankByBiosignatureCommand(top=1, hz=HzFilter.CONSERVATIVE))
    assert ranking.run.id == run.id and ranking.eligible == 2 and len(ranking.targets) == 1
    assert ranking.targets[0].verdict is Verdict.MODELLED
    assert env["rank"].execute(RankByBiosignatureCommand(max_radius_earth=0.5)).targets == ()


def test_unknown_runs_are_not_found(env: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        env["get"].execute("nope")
    with pytest.raises(NotFound):
        env["run"].execute("nope")


def test_a_finished_run_is_not_run_again(env: dict[str, Any]) -> None:
    run = env["start"].execute(RunPipelineCommand(planets=("Earth",)))
    done = env["run"].execute(run.id)
    calls = len(env["spectrum"].calls)
    assert env["run"].execute(run.id) == done and len(env["spectrum"].calls) == calls


CATALOG_VERSION = "exoplanet_table.pscomppars@sha256:" + "c" * 64
RUN_PROVENANCE = {
    "code_version": "9.9",
    "catalog_dataset_version": CATALOG_VERSION,
    "models": [
        {"kind": "climate_surrogate", "id": "m1", "mode": "scalar", "training_data": [{"cube_id": "c0"}]},
        {
            "kind": "metabolic_model",
            "id": "iML1515",
            "dataset_version": "sbml_model.iML1515@sha256:" + "d" * 64,
        },
    ],
}


@pytest.mark.parametrize("metabolism", ["fba", "fixed"])
def test_results_reference_the_runs_catalog_version_and_the_models_they_used(
    env: dict[str, Any], metabolism: str
) -> None:
    start = StartPipelineRun(env["uow"], env["runs"], Clock(), Ids(), lambda: RUN_PROVENANCE)
    run = start.execute(RunPipelineCommand(planets=("Earth", "Jupiter", "Earth twin"), metabolism=metabolism))
    kinds = [m["kind"] for m in run.provenance["models"]]
    assert run.provenance["catalog_dataset_version"] == CATALOG_VERSION
    assert kinds == (
        ["climate_surrogate", "metabolic_model"] if metabolism == "fba" else ["climate_surrogate"]
    )
    env["run"].execute(run.id)
    view = env["get"].execute(run.id)
    earth = next(r for r in view.ranked if r.planet_name == "Earth")
    assert earth.provenance["catalog_version"] == CATALOG_VERSION
    assert earth.provenance["models"] == (["m1", "iML1515"] if metabolism == "fba" else ["m1"])
    assert "training_data" not in str(earth.provenance)  # run-level details are not copied per planet
    jupiter = env["runs"].results(run.id, verdicts=[Verdict.GIANT])[0]
    assert jupiter.provenance["catalog_version"] == CATALOG_VERSION and "models" not in jupiter.provenance
