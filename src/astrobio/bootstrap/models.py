"""The one model registry: where every trained model kind is registered, activated and loaded from.

Climate surrogates live in :class:`~astrobio.adapters.ml.registry.FileSurrogateRegistry` (content-
addressed checkpoints in the models dir); every other kind (``gvae``, ``denoiser``, ``retrieval``,
``multiclass``) in :class:`~astrobio.adapters.ml.registry.FileModelRegistry` (``<models dir>/
registry``). Training never writes the shipped files: it writes a staging directory under
``<data dir>/staging`` and registers the result, activating it unless asked not to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from astrobio.adapters.ml.registry import (
    ARTIFACT_KINDS,
    FileModelRegistry,
    RegisteringGraphVaeTrainer,
    RegisteringJwstTrainer,
)
from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import InvalidQuantity

__all__ = ["ARTIFACT_KINDS", "active_model_dir", "model_registry", "registering_gvae_trainer",
           "registering_jwst_trainer"]


def model_registry(settings: Settings) -> FileModelRegistry:
    return FileModelRegistry(settings.models_dir)


def active_model_dir(settings: Settings, kind: str) -> Path:
    """The directory ``kind``'s loader reads: the active registered model, else the shipped one."""
    return model_registry(settings).model_dir(kind)


def staging_dir(settings: Settings) -> Path:
    return (settings.data_dir / "staging").resolve()


def registering_jwst_trainer(settings: Settings, make: Any) -> RegisteringJwstTrainer:
    return RegisteringJwstTrainer(make, model_registry(settings), staging_dir(settings))


def registering_gvae_trainer(settings: Settings, make: Any, *,
                             activate: bool = True) -> RegisteringGraphVaeTrainer:
    registry, staging = model_registry(settings), staging_dir(settings)
    return RegisteringGraphVaeTrainer(make, registry, staging, activate=activate)


CLIMATE_KINDS = ("scalar", "datacube")


def list_models(container: Any) -> list[dict[str, Any]]:
    """Every registered model of every kind (climate surrogates and the rest), newest first."""
    out: list[dict[str, Any]] = []
    for card in container.list_surrogates().execute():
        out.append({"kind": card.mode.value, "id": card.id, "created_at": card.created_at.isoformat(),
                    "active": card.active, "metrics": dict(card.metrics),
                    "study": card.hyperparameters.get("study"),
                    "training_curves": card.hyperparameters.get("training_curves")})
    for e in model_registry(container.settings()).entries():
        metrics = e.get("card", {}).get("metrics", {})
        out.append({"kind": e["kind"], "id": e["id"], "created_at": e["created_at"], "active": e["active"],
                    "metrics": {k: v for k, v in metrics.items() if isinstance(v, int | float)},
                    "study": e.get("study"), "training_curves": e.get("training_curves")})
    return sorted(out, key=lambda m: (m["created_at"], m["id"]), reverse=True)


def activate_model(container: Any, kind: str, model_id: str) -> dict[str, Any]:
    """Activate a registered model of ``kind``; the loaders of that kind pick it up at once."""
    if kind in CLIMATE_KINDS:
        other = [c for c in container.list_surrogates().execute()
                 if c.id.startswith(model_id) and c.mode.value != kind]
        if other:
            raise InvalidQuantity(f"model {model_id} is a {other[0].mode.value} surrogate, not {kind}",
                                  field="kind")
        card = container.activate_surrogate().execute(model_id)
        return {"kind": kind, "id": card.id, "active": True}
    entry = model_registry(container.settings()).activate(kind, model_id)
    # Drop the cached loaders so the next request reads the newly active files.
    for provider in (container.jwst.classifier, container.jwst.denoiser, container.jwst.estimator):
        provider.reset()
    return {"kind": kind, "id": entry["id"], "active": entry["active"]}
