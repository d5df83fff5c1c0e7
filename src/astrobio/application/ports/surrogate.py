"""Climate surrogate ports: training, a registry of trained models, and inference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from astrobio.domain.climate import ClimateCube, ClimateParameters
from astrobio.domain.surrogate import CubePrediction, ModelCard, ScalarPrediction, SurrogateMode


class ClimateSurrogate(Protocol):
    """A loaded, ready model (one per mode)."""

    @property
    def card(self) -> ModelCard: ...

    def predict_scalar(self, params: Sequence[ClimateParameters]) -> list[ScalarPrediction]:
        """Global means with sigma for many planets at once (mode ``scalar``)."""
        ...

    def predict_datacube(self, params: ClimateParameters) -> CubePrediction:
        """Time-mean fields with per-voxel sigma (mode ``datacube``)."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingConfig:
    mode: SurrogateMode
    max_epochs: int = 200
    seed: int = 0
    batch_size: int = 4
    learning_rate: float = 1e-3
    ensemble: int = 3
    holdout_fraction: float = 0.2
    precision: str = "bf16-mixed"
    accelerator: str = "cpu"
    devices: int = 1
    strategy: str = "auto"
    physics_weight: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainedModel:
    """A checkpoint on disk and its card (not yet registered)."""

    checkpoint_path: str
    card: ModelCard


class SurrogateTrainer(Protocol):
    def train(self, cubes: Sequence[ClimateCube], config: TrainingConfig) -> TrainedModel:
        """Train on ``cubes`` (split by simulation), evaluate on the held-out runs."""
        ...


class SurrogateRegistry(Protocol):
    """Content-addressed checkpoints with their cards; one active model per mode."""

    def register(self, trained: TrainedModel, *, activate: bool = True) -> ModelCard: ...

    def cards(self) -> list[ModelCard]: ...

    def active(self, mode: SurrogateMode) -> ModelCard | None: ...

    def activate(self, model_id: str) -> ModelCard: ...

    def load(self, mode: SurrogateMode) -> ClimateSurrogate:
        """The active model of ``mode``, loaded (cached); ``NotFound`` when there is none."""
        ...
