"""Climate surrogates: TrainClimateSurrogate, PredictClimate, ListSurrogates, ActivateSurrogate.

Also the ``train_climate`` job (:func:`run_training_job`) and the habitability verdict the
scalar predictions carry (:func:`habitability_verdict`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from astrobio.application.ports.surrogate import SurrogateRegistry, SurrogateTrainer, TrainingConfig
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.provenance import ModelProvenance, ResolveModelProvenance, card_provenance
from astrobio.domain.climate import ClimateCube, ClimateParameters
from astrobio.domain.errors import InvalidQuantity, NotFound
from astrobio.domain.ranking import WATER_MELTING_K, probability_between, water_boiling_point_k
from astrobio.domain.surrogate import CubePrediction, ModelCard, ScalarPrediction, SurrogateMode

#: Fewest cubes a surrogate is trained on: a held-out split by simulation needs >= 1 test run
#: and >= 3 to fit (with 8 inputs, even that is a demonstration, not an emulator).
MIN_TRAINING_CUBES = 4
#: Most planets one scalar prediction call takes.
MAX_PLANETS = 1000
#: The scalar output the verdict and the ranking read (global-mean surface temperature, K).
SURFACE_TEMPERATURE = "ts_k"
#: Upper edge of "temperate": 50 degC, the mesoplanet class of Mendez (2011, PHL thermal
#: habitability classes), where most known complex life is active.
TEMPERATE_MAX_K = 323.15
#: Below this probability for the most likely class, the verdict is ``uncertain``.
VERDICT_MIN_PROBABILITY = 0.5


def parse_mode(text: str) -> SurrogateMode:
    """``"scalar"`` / ``"datacube"`` as a :class:`SurrogateMode`; 422 naming ``mode`` otherwise."""
    try:
        return SurrogateMode(text)
    except ValueError:
        known = [m.value for m in SurrogateMode]
        raise InvalidQuantity(f"unknown surrogate mode {text!r}; known: {known}", field="mode") from None


def _no_active(mode: SurrogateMode) -> NotFound:
    return NotFound(
        f"no active {mode.value} climate surrogate: train one (astrobio train climate --mode {mode.value}, "
        "or POST /jobs/train/climate) or activate a registered one (astrobio surrogates activate ID)",
        field="mode")


# ----------------------------------------------------------------------------------- training
@dataclass(frozen=True, slots=True, kw_only=True)
class TrainClimateSurrogateCommand:
    """``cube_ids`` None means every stored cube with known run parameters."""

    config: TrainingConfig
    cube_ids: tuple[str, ...] | None = None
    activate: bool = True


def _check_config(c: TrainingConfig) -> None:
    for name in ("max_epochs", "batch_size", "ensemble", "devices"):
        if getattr(c, name) < 1:
            raise InvalidQuantity(f"{name} must be >= 1", field=name)
    if not 0.0 < c.holdout_fraction < 1.0:
        raise InvalidQuantity("holdout_fraction must be in (0, 1)", field="holdout_fraction")
    if not c.learning_rate > 0:
        raise InvalidQuantity("learning_rate must be > 0", field="learning_rate")


class TrainClimateSurrogate:
    """Train a climate surrogate on stored cubes, register it, and (by default) activate it.

    Rules: the cubes are the named ones (an unknown id is a 404 naming ``cubes``; a named
    cube without run parameters cannot be learned from: 422) or, with ``all``, every
    stored cube that has run parameters; at least :data:`MIN_TRAINING_CUBES` are needed
    (the trainer holds whole simulations out for evaluation); the trained checkpoint is
    registered under its content hash with a card listing the cubes, input ranges and
    held-out metrics; activation replaces the previously active model of the same mode.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, trainer: SurrogateTrainer,
                 registry: SurrogateRegistry) -> None:
        self._uow_factory, self._trainer, self._registry = uow_factory, trainer, registry

    def _cubes(self, ids: tuple[str, ...] | None) -> list[ClimateCube]:
        with self._uow_factory() as uow:
            if ids is None:
                return [c for c in uow.cubes.list() if c.parameters is not None]
            cubes = []
            for cube_id in dict.fromkeys(ids):  # de-duplicated, order kept
                cube = uow.cubes.get(cube_id)
                if cube is None:
                    raise NotFound(f"cube {cube_id!r} not found", field="cubes")
                if cube.parameters is None:
                    raise InvalidQuantity(f"cube {cube_id!r} has no run parameters to learn from",
                                          field="cubes")
                cubes.append(cube)
            return cubes

    def execute(self, command: TrainClimateSurrogateCommand) -> ModelCard:
        _check_config(command.config)
        cubes = self._cubes(command.cube_ids)
        if len(cubes) < MIN_TRAINING_CUBES:
            raise InvalidQuantity(
                f"training needs at least {MIN_TRAINING_CUBES} cubes with run parameters, got {len(cubes)}; "
                "ingest more runs (astrobio climate ingest --bundled, or a sweep)", field="cubes")
        trained = self._trainer.train(cubes, command.config)
        return self._registry.register(trained, activate=command.activate)


# --------------------------------------------------------------------------------- prediction
@dataclass(frozen=True, slots=True, kw_only=True)
class HabitabilityVerdict:
    """Thermal class of a predicted surface temperature, with the probability of each class.

    ``probabilities`` has the keys ``frozen``, ``temperate``, ``warm`` and ``hot``;
    ``liquid_water_range_k`` is (melting point, boiling point at the surface pressure).
    """

    label: str
    p_liquid_water: float
    probabilities: dict[str, float]
    liquid_water_range_k: tuple[float, float]


def habitability_verdict(ts_k: float, sigma_k: float, surface_pressure_bar: float) -> HabitabilityVerdict:
    """Classify a global-mean surface temperature Ts ~ N(ts_k, sigma_k^2).

    Classes (after the thermal habitability classes of Mendez 2011): ``frozen`` Ts < 273.15 K;
    ``temperate`` 273.15-323.15 K (0-50 degC); ``warm`` 323.15 K to the boiling point of
    water at the surface pressure (liquid water, thermophile territory); ``hot`` above it.
    The label is the most probable class, or ``uncertain`` when even that one has less than
    :data:`VERDICT_MIN_PROBABILITY` (the model's sigma is too wide to call it).
    """
    boil = water_boiling_point_k(surface_pressure_bar)
    warm_from = min(TEMPERATE_MAX_K, boil)  # below 0.12 bar water boils under 50 degC
    edges = {"frozen": (-math.inf, WATER_MELTING_K), "temperate": (WATER_MELTING_K, warm_from),
             "warm": (warm_from, boil), "hot": (boil, math.inf)}
    probs = {k: probability_between(ts_k, sigma_k, lo, hi) for k, (lo, hi) in edges.items()}
    best = max(probs, key=lambda k: probs[k])
    return HabitabilityVerdict(
        label=best if probs[best] >= VERDICT_MIN_PROBABILITY else "uncertain",
        p_liquid_water=probability_between(ts_k, sigma_k, WATER_MELTING_K, boil),
        probabilities=probs, liquid_water_range_k=(WATER_MELTING_K, boil))


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanetClimatePrediction:
    """One planet's scalar prediction; ``verdict`` is None when the model predicts no ``ts_k``."""

    parameters: ClimateParameters
    prediction: ScalarPrediction
    verdict: HabitabilityVerdict | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PredictClimateCommand:
    parameters: Sequence[ClimateParameters]
    mode: SurrogateMode = SurrogateMode.SCALAR


@dataclass(frozen=True, slots=True, kw_only=True)
class ClimatePredictions:
    """``scalar`` (one per input, in order) in scalar mode; ``cube`` in datacube mode.

    ``provenance``: the checkpoint used and the recorded versions of its training cubes.
    """

    mode: SurrogateMode
    card: ModelCard
    scalar: tuple[PlanetClimatePrediction, ...] = ()
    cube: CubePrediction | None = None
    provenance: ModelProvenance | None = None

    def __post_init__(self) -> None:
        if self.provenance is None:
            object.__setattr__(self, "provenance", card_provenance(self.card))


def _flag(p: ClimateParameters, reported: tuple[str, ...], card: ModelCard,
          ood_distance: float | None = None) -> tuple[str, ...]:
    """The model's own flags; the per-input training box only for models without a distance."""
    if ood_distance is not None:
        return tuple(sorted(reported))
    return tuple(sorted(set(reported) | set(card.out_of_range(p))))


class PredictClimate:
    """Predict climate with the active surrogate of a mode.

    Rules: ``scalar`` takes 1-1000 planets and returns global means with 1-sigma and a
    habitability verdict from the surface temperature (see :func:`habitability_verdict`);
    ``datacube`` takes exactly one planet and returns time-mean fields on the GCM grid
    with per-voxel sigma. A mode without an active model is a 404 naming ``mode``. Inputs
    outside the model's training domain are predicted but always flagged in
    ``out_of_range`` (never silent extrapolation): by the Mahalanobis distance to the training
    runs where the model reports one (``ood_distance`` > 1; it then answers with its physics
    prior and a widened sigma, ``answered_by`` says so), else by the per-input training box.
    The model is loaded on first use. Every
    answer names the checkpoint (``model_id``) and its training cubes with their recorded
    dataset versions (``climate_cube.<name>@sha256:...``, null where not recorded).
    """

    def __init__(self, registry: SurrogateRegistry, provenance: ResolveModelProvenance | None = None) -> None:
        self._registry = registry
        self._provenance = provenance or ResolveModelProvenance()

    def execute(self, command: PredictClimateCommand) -> ClimatePredictions:
        params, mode = list(command.parameters), command.mode
        if mode is SurrogateMode.DATACUBE and len(params) != 1:
            raise InvalidQuantity(f"datacube mode predicts one planet at a time, got {len(params)}",
                                  field="parameters")
        if not 1 <= len(params) <= MAX_PLANETS:
            raise InvalidQuantity(f"give 1-{MAX_PLANETS} planets, got {len(params)}", field="parameters")
        if self._registry.active(mode) is None:
            raise _no_active(mode)
        surrogate = self._registry.load(mode)
        card = surrogate.card
        if mode is SurrogateMode.DATACUBE:
            cube = surrogate.predict_datacube(params[0])
            cube = replace(cube, out_of_range=_flag(params[0], cube.out_of_range, card, cube.ood_distance))
            return ClimatePredictions(mode=mode, card=card, cube=cube,
                                      provenance=self._provenance.execute(card))
        out = []
        for p, pred in zip(params, surrogate.predict_scalar(params), strict=True):
            pred = replace(pred, out_of_range=_flag(p, pred.out_of_range, card, pred.ood_distance))
            ts = pred.values.get(SURFACE_TEMPERATURE)
            verdict = None if ts is None else habitability_verdict(ts[0], ts[1], p.surface_pressure_bar)
            out.append(PlanetClimatePrediction(parameters=p, prediction=pred, verdict=verdict))
        return ClimatePredictions(mode=mode, card=card, scalar=tuple(out),
                                  provenance=self._provenance.execute(card))


class ListSurrogates:
    """Every registered surrogate's card (active ones flagged), newest first."""

    def __init__(self, registry: SurrogateRegistry) -> None:
        self._registry = registry

    def execute(self) -> list[ModelCard]:
        return sorted(self._registry.cards(), key=lambda c: (c.created_at, c.id), reverse=True)


class ActivateSurrogate:
    """Make a registered model the active one of its mode (404 naming ``model_id`` if unknown).

    Prefix matching: a unique prefix of the content hash (>= 8 characters) names a model.
    """

    def __init__(self, registry: SurrogateRegistry) -> None:
        self._registry = registry

    def execute(self, model_id: str) -> ModelCard:
        ids = [c.id for c in self._registry.cards()]
        matches = [i for i in ids if i == model_id] or (
            [i for i in ids if i.startswith(model_id)] if len(model_id) >= 8 else [])
        if not matches:
            raise NotFound(f"no registered surrogate {model_id!r}", field="model_id")
        if len(matches) > 1:
            raise InvalidQuantity(f"model id prefix {model_id!r} is ambiguous", field="model_id")
        return self._registry.activate(matches[0])


# ----------------------------------------------------------------------------------- the job
@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingJobParams:
    """What a ``train_climate`` job (or ``astrobio train climate``) asks for."""

    cubes: tuple[str, ...] | None = None
    modes: tuple[SurrogateMode, ...] = (SurrogateMode.SCALAR, SurrogateMode.DATACUBE)
    activate: bool = True
    config: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> TrainingJobParams:
        """From job params: ``cubes`` ("all", "ID,ID" or a list), ``mode`` (scalar|datacube|both),
        ``activate``, and any :class:`TrainingConfig` field but ``mode`` (``max_epochs``, ``seed``...)."""
        raw = params.get("cubes", "all")
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        ids = tuple(str(i).strip() for i in items if str(i).strip())
        mode = str(params.get("mode", "both"))
        modes = tuple(SurrogateMode) if mode == "both" else (parse_mode(mode),)
        defaults = TrainingConfig(mode=SurrogateMode.SCALAR)
        known = {f.name for f in fields(TrainingConfig)} - {"mode", "extra"}
        unknown = sorted(set(params) - known - {"cubes", "mode", "activate"})
        if unknown:
            raise InvalidQuantity(f"unknown training parameter(s) {unknown}", field=unknown[0])
        config: dict[str, Any] = {}
        for name in sorted(known & set(params)):
            kind = type(getattr(defaults, name))  # int, float or str
            try:
                config[name] = kind(params[name])
            except (TypeError, ValueError):
                raise InvalidQuantity(f"{name} must be a {kind.__name__}, got {params[name]!r}",
                                      field=name) from None
        return cls(cubes=None if ids in ((), ("all",)) else ids, modes=modes,
                   activate=bool(params.get("activate", True)), config=config)

    def commands(self) -> list[TrainClimateSurrogateCommand]:
        """One command per mode (``both``: scalar first, then datacube)."""
        return [TrainClimateSurrogateCommand(config=TrainingConfig(mode=m, **self.config),
                                             cube_ids=self.cubes, activate=self.activate) for m in self.modes]


def run_training_job(train: TrainClimateSurrogate, params: Mapping[str, Any]) -> dict[str, Any]:
    """The ``train_climate`` job handler: train every requested mode; a JSON-ready summary."""
    cards = [train.execute(c) for c in TrainingJobParams.from_params(params).commands()]
    return {"models": [{"id": c.id, "mode": c.mode.value, "active": c.active, "metrics": dict(c.metrics),
                        "training_cubes": [cube_id for cube_id, _ in c.training_cubes]} for c in cards]}
