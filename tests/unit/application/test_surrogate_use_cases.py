"""Surrogate use cases over fakes of the trainer, registry and surrogate (no torch)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import pytest

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.ports.surrogate import TrainingConfig
from astrobio.application.use_cases.planet_climate import SurrogateTargetClimate, climate_parameters_for
from astrobio.application.use_cases.rank_targets import RankTargets, RankTargetsCommand
from astrobio.application.use_cases.surrogate_batch import (
    SubmitTrainingToBatch,
    SubmitTrainingToBatchCommand,
)
from astrobio.application.use_cases.surrogates import (
    ActivateSurrogate,
    ListSurrogates,
    PredictClimate,
    PredictClimateCommand,
    TrainClimateSurrogate,
    TrainClimateSurrogateCommand,
    TrainingJobParams,
    habitability_verdict,
    run_training_job,
)
from astrobio.domain.assessment import Assessment, assess_planet
from astrobio.domain.climate import ClimateParameters
from astrobio.domain.errors import InsufficientData, InvalidQuantity, NotFound
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import ClimateEstimate, ScoreWeights
from astrobio.domain.star import Star
from astrobio.domain.surrogate import SurrogateMode
from tests.unit.application.climate_fakes import FakeWorkspace, ScriptedRunner
from tests.unit.application.fakes import CountingIds
from tests.unit.application.surrogate_fakes import (
    FakeRegistry,
    FakeTrainer,
    default_registry,
    earthlike,
    make_card,
    make_cube,
)

SCALAR = SurrogateMode.SCALAR
DATACUBE = SurrogateMode.DATACUBE
# NASA Exoplanet Archive (PSCompPars 2025-08) values.
TRAPPIST_1 = Star(name="TRAPPIST-1", teff_k=2566.0, radius_sun=0.1192, mass_sun=0.0898, j_mag=11.354,
                  k_mag=10.296, distance_pc=12.467)
TRAPPIST_1E = Planet(name="TRAPPIST-1 e", star=TRAPPIST_1, radius_earth=0.92, mass_earth=0.692,
                     orbital_period_days=6.101013, semi_major_axis_au=0.02925, transits=True)
SUN = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, j_mag=4.0, k_mag=3.5, distance_pc=10.0)
EARTH = Planet(name="Earth twin", star=SUN, radius_earth=1.0, mass_earth=1.0, semi_major_axis_au=1.0,
               transits=True)


@pytest.fixture
def db() -> InMemoryDatabase:
    db = InMemoryDatabase()
    with InMemoryUnitOfWork(db) as uow:
        for i in range(5):
            uow.cubes.add(make_cube(i, earthlike(900.0 + 100 * i)))
        uow.cubes.add(make_cube(9))  # raw output: no run parameters
        uow.commit()
    return db


def trainer_case(db: InMemoryDatabase) -> tuple[TrainClimateSurrogate, FakeTrainer, FakeRegistry]:
    trainer, registry = FakeTrainer(), FakeRegistry()
    return TrainClimateSurrogate(lambda: InMemoryUnitOfWork(db), trainer, registry), trainer, registry


def test_training_uses_every_cube_with_parameters_and_activates(db: InMemoryDatabase) -> None:
    train, trainer, registry = trainer_case(db)
    card = train.execute(TrainClimateSurrogateCommand(config=TrainingConfig(mode=SCALAR, max_epochs=3)))
    assert trainer.calls[0][0] == [f"cube-{i}" for i in range(5)]
    assert card.active and registry.active(SCALAR) == card
    assert [c for c, _ in card.training_cubes] == [f"cube-{i}" for i in range(5)]


def test_training_rejects_fewer_than_four_cubes_and_unknown_ones(db: InMemoryDatabase) -> None:
    train, trainer, _ = trainer_case(db)
    with pytest.raises(InvalidQuantity, match="at least 4") as exc:
        train.execute(TrainClimateSurrogateCommand(config=TrainingConfig(mode=SCALAR),
                                                   cube_ids=("cube-0", "cube-1", "cube-2", "cube-0")))
    assert exc.value.field == "cubes" and trainer.calls == []
    with pytest.raises(NotFound) as missing:
        train.execute(TrainClimateSurrogateCommand(config=TrainingConfig(mode=SCALAR), cube_ids=("nope",)))
    assert missing.value.field == "cubes"
    with pytest.raises(InvalidQuantity, match="no run parameters"):
        train.execute(TrainClimateSurrogateCommand(config=TrainingConfig(mode=SCALAR), cube_ids=("cube-9",)))


def test_training_config_is_checked_before_any_work(db: InMemoryDatabase) -> None:
    train, trainer, _ = trainer_case(db)
    with pytest.raises(InvalidQuantity) as exc:
        train.execute(TrainClimateSurrogateCommand(config=TrainingConfig(mode=SCALAR, max_epochs=0)))
    assert exc.value.field == "max_epochs" and trainer.calls == []


def test_training_job_trains_both_modes_from_plain_params(db: InMemoryDatabase) -> None:
    train, trainer, registry = trainer_case(db)
    out = run_training_job(train, {"cubes": "cube-0,cube-1,cube-2,cube-3", "mode": "both",
                                   "max_epochs": "5", "seed": 7})
    assert [m["mode"] for m in out["models"]] == ["scalar", "datacube"]
    assert all(m["active"] for m in out["models"]) and len(registry.cards()) == 2
    assert [c.max_epochs for _, c in trainer.calls] == [5, 5] and trainer.calls[0][1].seed == 7
    with pytest.raises(InvalidQuantity) as bad:
        TrainingJobParams.from_params({"max_epochs": "many"})
    assert bad.value.field == "max_epochs"
    with pytest.raises(InvalidQuantity) as unknown:
        TrainingJobParams.from_params({"epochs": 3})
    assert unknown.value.field == "epochs"
    with pytest.raises(InvalidQuantity) as mode:
        TrainingJobParams.from_params({"mode": "spectral"})
    assert mode.value.field == "mode"


def test_scalar_prediction_carries_sigma_verdict_and_range_flags() -> None:
    registry = default_registry()
    use_case = PredictClimate(registry)
    assert registry.loads == 0  # nothing is loaded before the first prediction
    hot_star = ClimateParameters(star_teff_k=8000.0)
    r = use_case.execute(PredictClimateCommand(parameters=[ClimateParameters(), hot_star]))
    earth, hot = r.scalar
    assert earth.prediction.values["ts_k"] == (288.0, 3.0) and earth.prediction.out_of_range == ()
    assert earth.verdict is not None and earth.verdict.label == "temperate"
    assert earth.verdict.p_liquid_water == pytest.approx(1.0)
    # The fake surrogate flags nothing itself: the card's training ranges still do.
    assert hot.prediction.out_of_range == ("star_teff_k",)
    assert registry.loads == 1 and r.card.id == "a" * 64


def test_prediction_without_an_active_model_names_the_mode() -> None:
    registry = FakeRegistry(make_card(SCALAR, "c" * 64, active=False))
    with pytest.raises(NotFound) as exc:
        PredictClimate(registry).execute(PredictClimateCommand(parameters=[ClimateParameters()]))
    assert exc.value.field == "mode" and "train" in exc.value.message


def test_datacube_prediction_is_one_planet_with_flags() -> None:
    use_case = PredictClimate(default_registry())
    with pytest.raises(InvalidQuantity) as exc:
        use_case.execute(PredictClimateCommand(parameters=[ClimateParameters()] * 2, mode=DATACUBE))
    assert exc.value.field == "parameters"
    big = ClimateParameters(radius_earth=3.0)
    r = use_case.execute(PredictClimateCommand(parameters=[big], mode=DATACUBE))
    assert r.cube is not None and r.cube.mean["ta"].shape == (10, 32, 64)
    assert r.cube.out_of_range == ("radius_earth",)


@pytest.mark.parametrize(("ts", "sigma", "label"), [
    (288.0, 3.0, "temperate"), (250.0, 5.0, "frozen"), (345.0, 5.0, "warm"), (420.0, 5.0, "hot"),
    (300.0, 80.0, "uncertain"), (298.0, 40.0, "uncertain"), (273.0, 5.0, "frozen"),
])
def test_verdict_is_the_most_probable_thermal_class(ts: float, sigma: float, label: str) -> None:
    v = habitability_verdict(ts, sigma, 1.0)
    assert v.label == label
    assert sum(v.probabilities.values()) == pytest.approx(1.0)
    assert v.p_liquid_water == pytest.approx(v.probabilities["temperate"] + v.probabilities["warm"])


def test_boiling_point_moves_the_verdict_with_pressure() -> None:
    # 350 K: liquid at 1 bar (boils at 372.8 K), boiling at 0.3 bar (342 K, steam tables 342.25 K).
    assert habitability_verdict(350.0, 1.0, 1.0).label == "warm"
    assert habitability_verdict(350.0, 1.0, 0.3).label == "hot"


def test_list_is_newest_first_and_activation_takes_a_unique_prefix() -> None:
    registry = FakeRegistry(make_card(SCALAR, "ab" * 32, minutes=0, active=True),
                            make_card(SCALAR, "ac" * 32, minutes=5))
    assert [c.id[:2] for c in ListSurrogates(registry).execute()] == ["ac", "ab"]
    card = ActivateSurrogate(registry).execute("acacacac")
    assert card.active and registry.active(SCALAR) == card
    with pytest.raises(NotFound) as exc:
        ActivateSurrogate(registry).execute("zzzzzzzz")
    assert exc.value.field == "model_id"
    with pytest.raises(NotFound):
        ActivateSurrogate(registry).execute("a")  # too short to be a prefix


def test_trappist_1e_maps_to_a_synchronous_rotator() -> None:
    a = assess_planet(TRAPPIST_1E)
    p = climate_parameters_for(TRAPPIST_1E, a)
    assert p is not None and p.synchronous and p.rotation_period_days == pytest.approx(6.101013)
    assert p.gravity_m_s2 == pytest.approx(9.80665 * 0.692 / 0.92**2)
    assert p.instellation_w_m2 == pytest.approx(a.insolation_earth * 1367.0)
    assert p.obliquity_deg == 0.0 and p.surface_pressure_bar == 1.0
    earth = climate_parameters_for(EARTH, assess_planet(EARTH))
    assert earth is not None and not earth.synchronous and earth.rotation_period_days == 1.0


def test_toi_700_d_at_37_days_is_tidally_locked() -> None:
    # Gilbert et al. (2020, AJ 160, 116), Table 5: P = 37.426 d, a = 0.163 AU, R = 1.19 R_earth,
    # M* = 0.416 M_sun, Teff 3480 K; they expect d to be tidally locked (a 30-day cut said no).
    star = Star(name="TOI-700", teff_k=3480.0, radius_sun=0.42, mass_sun=0.416, distance_pc=31.1)
    planet = Planet(name="TOI-700 d", star=star, radius_earth=1.19, mass_earth=1.72,
                    orbital_period_days=37.426, semi_major_axis_au=0.163, transits=True)
    p = climate_parameters_for(planet, assess_planet(planet))
    assert p is not None and p.synchronous and p.rotation_period_days == pytest.approx(37.426)


def test_planets_that_cannot_be_modelled_get_no_parameters() -> None:
    giant = Planet(name="giant", star=SUN, radius_earth=11.0, mass_earth=300.0, semi_major_axis_au=1.0)
    assert climate_parameters_for(giant, assess_planet(giant)) is None
    hot_star = Star(name="A", teff_k=12000.0, radius_sun=2.0, mass_sun=3.0)
    rock = Planet(name="rock", star=hot_star, radius_earth=1.0, mass_earth=1.0, semi_major_axis_au=8.0)
    assert climate_parameters_for(rock, assess_planet(rock)) is None  # Teff outside 2000-10000 K


def test_target_climate_drops_extrapolations_and_needs_an_active_model() -> None:
    registry = default_registry()
    far = Planet(name="far", star=SUN, radius_earth=1.0, mass_earth=1.0, semi_major_axis_au=3.0)  # 152 W/m2
    m_dwarf = Planet(name="M b", star=replace(TRAPPIST_1, teff_k=3000.0), radius_earth=1.0, mass_earth=1.0,
                     orbital_period_days=6.1, semi_major_axis_au=0.033)  # S = 0.96 S_earth
    # TRAPPIST-1 (2566 K) is cooler than any training run (>= 2600 K): no estimate, like "far".
    targets = [(p, assess_planet(p)) for p in (EARTH, TRAPPIST_1E, far, m_dwarf)]
    got = SurrogateTargetClimate(lambda: registry).estimate(targets)
    assert set(got) == {"Earth twin", "M b"}
    assert got["Earth twin"].ts_k == pytest.approx(288.0, abs=0.5) and got["Earth twin"].ts_sigma_k == 3.0
    with pytest.raises(InsufficientData) as exc:
        SurrogateTargetClimate(lambda: FakeRegistry()).estimate(targets)
    assert exc.value.field == "weights.climate"


class FixedClimate:
    def __init__(self, estimates: Mapping[str, ClimateEstimate]) -> None:
        self.estimates, self.calls = estimates, 0

    def estimate(self, targets: Sequence[tuple[Planet, Assessment]]) -> Mapping[str, ClimateEstimate]:
        self.calls += 1
        return {p.name: self.estimates[p.name] for p, _ in targets if p.name in self.estimates}


def test_rank_targets_uses_the_climate_only_when_weighted() -> None:
    db = InMemoryDatabase()
    with InMemoryUnitOfWork(db) as uow:
        uow.planets.add_many([EARTH, TRAPPIST_1E])
        uow.commit()
    climate = FixedClimate({"Earth twin": ClimateEstimate(ts_k=200.0, ts_sigma_k=5.0, model_id="m"),
                            "TRAPPIST-1 e": ClimateEstimate(ts_k=290.0, ts_sigma_k=5.0, model_id="m")})
    use_case = RankTargets(lambda: InMemoryUnitOfWork(db), None, climate)
    plain = use_case.execute(RankTargetsCommand())
    assert climate.calls == 0 and all(t.climate is None and t.score.climate is None for t in plain.targets)
    only_climate = ScoreWeights(hz=0, esi=0, detectability=0, planet_class=0, climate=1)
    ranked = use_case.execute(RankTargetsCommand(weights=only_climate))
    assert [t.assessment.name for t in ranked.targets] == ["TRAPPIST-1 e", "Earth twin"]
    assert ranked.targets[0].climate is not None and ranked.targets[0].climate.ts_k == 290.0
    with pytest.raises(InsufficientData) as exc:
        RankTargets(lambda: InMemoryUnitOfWork(db), None).execute(RankTargetsCommand(weights=only_climate))
    assert exc.value.field == "weights.climate"


def test_training_goes_to_the_batch_system_as_the_cli_command() -> None:
    runner = ScriptedRunner("slurm")
    use_case = SubmitTrainingToBatch({"slurm": runner}, FakeWorkspace(), CountingIds(), python="/venv/python")
    params = TrainingJobParams.from_params({"cubes": "c1,c2", "mode": "scalar", "max_epochs": 50,
                                            "accelerator": "gpu", "devices": 2, "strategy": "ddp"})
    done = use_case.execute(SubmitTrainingToBatchCommand(params=params, cpus=16, time_limit_min=600, gpus=2))
    assert done.spec.argv == (
        "/venv/python", "-m", "astrobio.entrypoints.cli.main", "train", "climate", "--cubes", "c1,c2",
        "--mode", "scalar", "--accelerator", "gpu", "--devices", "2", "--max-epochs", "50",
        "--strategy", "ddp", "--json")
    assert done.spec.workdir == "/runs/train-job-1" and done.spec.cpus == 16 and done.spec.gpus == 2
    assert runner.specs[done.job_id] == done.spec and done.backend == "slurm"
    with pytest.raises(InvalidQuantity) as exc:
        use_case.execute(SubmitTrainingToBatchCommand(params=params, backend="pbs"))
    assert exc.value.field == "backend"
    with pytest.raises(InvalidQuantity) as exc:
        use_case.execute(SubmitTrainingToBatchCommand(params=params, gpus=-1))
    assert exc.value.field == "gpus"


def test_slurm_script_asks_for_gpus_per_node_only_when_gpus_are_wanted() -> None:
    from astrobio.adapters.jobs._slurm_script import render_array, render_job
    from astrobio.application.ports.job_runner import BatchJobSpec

    cpu = BatchJobSpec(name="a", argv=("true",), workdir="/w/a")
    gpu = replace(cpu, name="b", workdir="/w/b", gpus=4)
    assert "--gpus-per-node" not in render_job(cpu)
    assert "#SBATCH --gpus-per-node=4\n" in render_job(gpu)
    assert "#SBATCH --gpus-per-node=4\n" in render_array([cpu, gpu])
