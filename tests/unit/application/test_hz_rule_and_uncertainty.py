"""One HZ rule in assess, rank and the pipeline (TRAPPIST-1 e); the pipeline's Monte Carlo summaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import msgspec

from astrobio.adapters.memory.pipeline import InMemoryPipelineRunRepository
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.ports.pipeline import BiogenicFluxes, SpectrumOutcome
from astrobio.application.use_cases.assess_planet import AssessPlanet, AssessPlanetCommand
from astrobio.application.use_cases.pipeline import (
    GetPipelineRun,
    RunPipeline,
    RunPipelineCommand,
    StartPipelineRun,
)
from astrobio.application.use_cases.pipeline_stages import PlanetPipeline
from astrobio.application.use_cases.rank_targets import RankTargets, RankTargetsCommand
from astrobio.domain.assessment import Assessment
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import ClimateEstimate
from astrobio.domain.star import Star
from astrobio.entrypoints.schemas import AssessmentRead, RankedTargetRead

# TRAPPIST-1 (Agol et al. 2021): Teff 2566 K, below the 2600 K edge of the Kopparapu fit.
TRAPPIST1 = Star(name="TRAPPIST-1", teff_k=2566.0, radius_sun=0.1192, mass_sun=0.0898,
                 luminosity_sun=5.53e-4, j_mag=11.354, k_mag=10.296, distance_pc=12.467)
E = Planet(name="TRAPPIST-1 e", star=TRAPPIST1, radius_earth=0.920, mass_earth=0.692,
           semi_major_axis_au=0.02925, orbital_period_days=6.101, transits=True, source="test",
           errors={"radius_earth": (0.013, 0.013), "mass_earth": (0.022, 0.022), "star.teff_k": (26.0, 26.0)},
           ra_deg=346.62, dec_deg=-5.04)
C = Planet(name="TRAPPIST-1 c", star=TRAPPIST1, radius_earth=1.097, mass_earth=1.308,
           semi_major_axis_au=0.01580, orbital_period_days=2.422, transits=True, source="test")


class _Clock:
    t = datetime(2026, 12, 4, tzinfo=UTC)

    def now(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


class _Ids:
    def new_id(self) -> str:
        return "run-1"


class _NoClimate:
    def estimate(self, targets: Sequence[tuple[Planet, Assessment]]) -> Mapping[str, ClimateEstimate]:
        return {}


class _Metabolism:
    def fluxes(
        self, *, temperature_k: float, pressure_bar: float, photon_flux_umol_m2_s: float
    ) -> BiogenicFluxes:
        return BiogenicFluxes(flux_molecules_cm2_s={"CH4": 1e11}, oxygenic=False, source="fake")


class _Spectrum:
    def compute(self, planet: Planet, *, surface_temperature_k: float, vmr: Mapping[str, float],
                surface_flux_molecules_cm2_s: Mapping[str, float], modes: Sequence[str],
                n_transits: int) -> SpectrumOutcome:
        return SpectrumOutcome(
            wavelength_um=[1.0], transit_depth_ppm=[100.0], n_transits=n_transits,
            noise={m: ([1.0], [5.0]) for m in modes}, snr={m: {"CH4": 4.0} for m in modes},
            transits_for_5sigma={m: {"CH4": 45} for m in modes}, atmosphere={}, provenance={},
        )


def test_trappist_1_e_is_in_the_conservative_hz_with_valid_false_in_assess_rank_and_pipeline() -> None:
    assessed = AssessmentRead.from_domain(AssessPlanet(None).execute(AssessPlanetCommand(planet=E)))
    assert assessed.hz.conservative and assessed.hz.valid is False

    db = InMemoryDatabase()
    db.planets[E.name] = E
    db.planets[C.name] = C
    ranking = RankTargets(lambda: InMemoryUnitOfWork(db), None).execute(RankTargetsCommand())
    ranked = {t.assessment.name: RankedTargetRead.from_domain(t) for t in ranking.targets}
    assert ranked[E.name].in_conservative_hz and ranked[E.name].hz_valid is False
    assert msgspec.to_builtins(ranked[E.name])["hz_valid"] is False  # shown, not omitted

    runs = InMemoryPipelineRunRepository()
    pipe = PlanetPipeline(colours=None, climate=_NoClimate, metabolism=_Metabolism, spectrum=_Spectrum,
                          code_version="t")
    uow = lambda: InMemoryUnitOfWork(db)  # noqa: E731
    run = StartPipelineRun(uow, runs, _Clock(), _Ids(), dict).execute(RunPipelineCommand(n_draws=128))
    RunPipeline(uow, runs, pipe, _Clock()).execute(run.id)
    view = GetPipelineRun(runs).execute(run.id)
    (e,) = view.ranked
    assert e.summary["in_conservative_hz"] is True and e.summary["hz_valid"] is False
    # TRAPPIST-1 c (2.2 S_earth) is inside the recent-Venus limit: no spectrum, no potential.
    assert view.counts.get("far_from_hz") == 1

    s = e.summary
    assert s["potential_p16"] <= s["potential_median"] <= s["potential_p84"]
    assert 0.0 < s["p_top10"] <= 1.0 and 0.0 <= s["p_habitable"] <= 1.0
    assert len(e.stages["uncertainty"]["potential_draws"]) == 128
    # The programme co-adds at most 30 transits within the field-of-regard windows.
    assert e.stages["potential"]["max_transits"] == 30


class _CountingIds:
    n = 0

    def new_id(self) -> str:
        self.n += 1
        return f"run-{self.n}"


def test_two_runs_over_the_same_catalog_draw_the_same_numbers() -> None:
    # A ranking a referee can reproduce: the draws depend on the planets drawn, not on the run id.
    db = InMemoryDatabase()
    db.planets[E.name] = E
    runs = InMemoryPipelineRunRepository()
    pipe = PlanetPipeline(colours=None, climate=_NoClimate, metabolism=_Metabolism, spectrum=_Spectrum,
                          code_version="t")
    uow = lambda: InMemoryUnitOfWork(db)  # noqa: E731
    ids = _CountingIds()
    views = []
    for _ in range(2):
        run = StartPipelineRun(uow, runs, _Clock(), ids, dict).execute(RunPipelineCommand(n_draws=64))
        RunPipeline(uow, runs, pipe, _Clock()).execute(run.id)
        views.append(GetPipelineRun(runs).execute(run.id))
    (a,), (b,) = (v.ranked for v in views)
    assert views[0].run.id != views[1].run.id
    assert a.stages["uncertainty"]["potential_draws"] == b.stages["uncertainty"]["potential_draws"]
    assert a.summary["potential_p84"] == b.summary["potential_p84"]
