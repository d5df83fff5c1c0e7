"""Fakes of the surrogate ports (no torch): a deterministic T21-grid surrogate, a registry, a trainer."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np

from astrobio.application.ports.surrogate import (
    ClimateSurrogate,
    SurrogateRegistry,
    SurrogateTrainer,
    TrainedModel,
    TrainingConfig,
)
from astrobio.domain.climate import ClimateCube, ClimateParameters, CubeVariable, GridSpec
from astrobio.domain.errors import NotFound
from astrobio.domain.surrogate import CubePrediction, ModelCard, ScalarPrediction, SurrogateMode

LAT = tuple(float(x) for x in np.linspace(85.76, -85.76, 32))
LON = tuple(float(x) for x in np.arange(64) * 5.625)
LEV = tuple(float(x) for x in np.linspace(0.0383, 0.9833, 10))
#: The bundled sweep's ranges (data/gcm/README.md).
RANGES = {"star_teff_k": (2600.0, 6500.0), "instellation_w_m2": (700.0, 1700.0), "radius_earth": (0.5, 1.8),
          "gravity_m_s2": (5.0, 20.0), "surface_pressure_bar": (0.3, 3.0), "pco2_bar": (1e-4, 0.1),
          "rotation_period_days": (0.5, 30.0)}
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make_card(mode: SurrogateMode, model_id: str, *, minutes: int = 0, active: bool = False) -> ModelCard:
    outputs = ("ts_k", "albedo") if mode is SurrogateMode.SCALAR else ("ts", "ta")
    return ModelCard(id=model_id, mode=mode, created_at=T0 + timedelta(minutes=minutes), code_version="test",
                     metrics={"ts_rmse_k": 2.5}, input_ranges=dict(RANGES), outputs=outputs, active=active,
                     training_cubes=(("cube-0", "abc"),), hyperparameters={"max_epochs": 3})


def ts_of(p: ClimateParameters) -> float:
    """A made-up but monotone climate: Earth (1367 W m-2) at 288 K, 0.1 K per W m-2."""
    return 288.0 + 0.1 * (p.instellation_w_m2 - 1367.0)


class FakeSurrogate(ClimateSurrogate):
    def __init__(self, card: ModelCard) -> None:
        self._card = card
        self.calls = 0

    @property
    def card(self) -> ModelCard:
        return self._card

    def predict_scalar(self, params: Sequence[ClimateParameters]) -> list[ScalarPrediction]:
        self.calls += 1
        return [ScalarPrediction(model_id=self._card.id, units={"ts_k": "K", "albedo": "1"},
                                 values={"ts_k": (ts_of(p), 3.0), "albedo": (0.3, 0.02)}) for p in params]

    def predict_datacube(self, params: ClimateParameters) -> CubePrediction:
        self.calls += 1
        lat = np.asarray(LAT)[:, None]
        ts = ts_of(params) + 30.0 * np.cos(np.radians(lat)) + np.zeros((32, 64))
        ta = np.stack([ts - 60.0 * (1.0 - s) for s in LEV])
        return CubePrediction(
            model_id=self._card.id, mean={"ts": ts, "ta": ta},
            sigma={"ts": np.full((32, 64), 2.0), "ta": np.full((10, 32, 64), 3.0)},
            dims={"ts": ("lat", "lon"), "ta": ("lev", "lat", "lon")}, units={"ts": "K", "ta": "K"},
            lat_deg=LAT, lon_deg=LON, lev=LEV)


class FakeRegistry(SurrogateRegistry):
    """Cards in memory; ``load`` counts how often a model is loaded."""

    def __init__(self, *cards: ModelCard) -> None:
        self._cards = {c.id: c for c in cards}
        self.loads = 0
        self.registered: list[TrainedModel] = []

    def register(self, trained: TrainedModel, *, activate: bool = True) -> ModelCard:
        self.registered.append(trained)
        self._cards[trained.card.id] = replace(trained.card, active=False)
        return self.activate(trained.card.id) if activate else self._cards[trained.card.id]

    def cards(self) -> list[ModelCard]:
        return list(self._cards.values())

    def active(self, mode: SurrogateMode) -> ModelCard | None:
        return next((c for c in self._cards.values() if c.mode is mode and c.active), None)

    def activate(self, model_id: str) -> ModelCard:
        if model_id not in self._cards:
            raise NotFound(f"no model {model_id}", field="model_id")
        mode = self._cards[model_id].mode
        for k, c in self._cards.items():
            if c.mode is mode:
                self._cards[k] = replace(c, active=k == model_id)
        return self._cards[model_id]

    def load(self, mode: SurrogateMode) -> ClimateSurrogate:
        card = self.active(mode)
        if card is None:
            raise NotFound(f"no active {mode.value} model", field="mode")
        self.loads += 1
        return FakeSurrogate(card)


def default_registry() -> FakeRegistry:
    return FakeRegistry(make_card(SurrogateMode.SCALAR, "a" * 64, active=True),
                        make_card(SurrogateMode.DATACUBE, "b" * 64, minutes=1, active=True))


class FakeTrainer(SurrogateTrainer):
    def __init__(self) -> None:
        self.calls: list[tuple[list[str], TrainingConfig]] = []

    def train(self, cubes: Sequence[ClimateCube], config: TrainingConfig) -> TrainedModel:
        ids = [c.id for c in cubes]
        self.calls.append((ids, config))
        digest = hashlib.sha256(f"{config.mode.value}:{ids}:{config.seed}".encode()).hexdigest()
        card = replace(make_card(config.mode, digest, minutes=len(self.calls)),
                       training_cubes=tuple((c.id, c.checksum) for c in cubes))
        return TrainedModel(checkpoint_path=f"/models/{digest}.ckpt", card=card)


def make_cube(i: int, params: ClimateParameters | None = None) -> ClimateCube:
    return ClimateCube(
        id=f"cube-{i}", name=f"run{i:03d}", uri=f"memory://cube-{i}",
        grid=GridSpec(lat_deg=LAT, lon_deg=LON, lev=LEV, n_time=6),
        variables=(CubeVariable(name="ts", units="K", dims=("time", "lat", "lon")),),
        parameters=params, time_units="timesteps", checksum=f"{i:064d}", source_files=(f"run{i}.nc",),
        source_checksums=("0" * 64,), source_format="exoplasim", created_at=T0)


def earthlike(instellation: float) -> ClimateParameters:
    return ClimateParameters(instellation_w_m2=instellation)
