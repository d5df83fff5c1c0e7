"""Training of the three JWST-feature models behind the :class:`JwstTrainer` port.

Options (all optional): ``n_spectra``, ``epochs``, ``seed``, ``mode`` (denoiser:
``supervised`` / ``noise2noise``), ``max_seconds`` (retrieval), ``validate_spectra``
(retrieval: held-out spectra for the coverage figures in its card), ``fast`` (tiny run for tests).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from astrobio.adapters.jwst import dataset
from astrobio.adapters.jwst.forward import IsothermalTransmissionModel
from astrobio.application.ports.jwst import JwstTrainer
from astrobio.domain.errors import InvalidQuantity


class LocalJwstTrainer(JwstTrainer):
    """Trains on this machine (one CPU thread), writing models and cards under ``model_dir``.

    ``finalize`` (optional): ``(dataset root, config) -> manifest`` that records the training set
    as a governed dataset version; its id (``jwst_training_set.<version>@sha256:...``) goes into
    the model card as ``training_set``.
    """

    def __init__(
        self,
        model: IsothermalTransmissionModel,
        model_dir: Path,
        dataset_dir: Path,
        catalog_path: Path,
        finalize: Callable[[Path, dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        self.model, self.model_dir, self.dataset_dir, self.catalog_path = (
            model,
            model_dir,
            dataset_dir,
            catalog_path,
        )
        self._finalize = finalize

    def _dataset(self, n: int, chunk_size: int, seed: int) -> tuple[Path, dict[str, Any]]:
        root, manifest = dataset.generate(
            self.model, self.dataset_dir, n_spectra=n, chunk_size=chunk_size, seed=seed
        )
        if self._finalize is not None:
            manifest = self._finalize(root, manifest["config"])
        return root, manifest

    def _int(self, options: dict[str, Any], name: str, default: int) -> int:
        value = options.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidQuantity(f"{name} must be a positive integer", field=name)
        return value

    def train(self, model: str, options: dict[str, Any]) -> dict[str, Any]:
        import torch

        torch.set_num_threads(1)
        fast = bool(options.get("fast", False))
        seed = int(options.get("seed", 0))
        if model == "multiclass":
            from astrobio.adapters.catalog.pscomppars import parse_pscomppars_bytes
            from astrobio.adapters.jwst.classifier import train_classifier

            snapshot = parse_pscomppars_bytes(self.catalog_path.read_bytes(), source=self.catalog_path.name)
            return train_classifier(
                list(snapshot.planets), self.model_dir, seed=seed, source=self.catalog_path.name
            )
        if model == "denoiser":
            from astrobio.adapters.jwst.denoiser import CARD_FILE as DENOISER_CARD
            from astrobio.adapters.jwst.denoiser import train_denoiser

            mode = str(options.get("mode", "supervised"))
            if mode not in ("supervised", "noise2noise"):
                raise InvalidQuantity("mode must be supervised or noise2noise", field="mode")
            n = self._int(options, "n_spectra", 256 if fast else 40_000)
            root, manifest = self._dataset(n, min(n, 5000), seed)
            card = train_denoiser(
                dataset.load(root),
                self.model,
                self.model_dir,
                mode=mode,
                epochs=self._int(options, "epochs", 1 if fast else 25),
                seed=seed,
                dataset_version=manifest["version"],
                fast_dev_run=fast,
            )
            card["training_set"] = manifest.get("dataset_version", "")
            (self.model_dir / DENOISER_CARD).write_text(json.dumps(card, indent=1))
            return card
        if model == "retrieval":
            from astrobio.adapters.jwst.npe import ZukoPosteriorEstimator, train_npe
            from astrobio.adapters.jwst.validation import coverage, fit_latent_temperature

            n = self._int(options, "n_spectra", 256 if fast else 40_000)
            root, manifest = self._dataset(n, min(n, 10_000), seed + 1)
            card, _, _ = train_npe(
                dataset.load(root),
                self.model.priors,
                self.model.grid,
                self.model_dir,
                epochs=self._int(options, "epochs", 1 if fast else 40),
                seed=seed,
                dataset_version=manifest["version"],
                max_seconds=float(options.get("max_seconds", 600.0)),
            )
            estimator = ZukoPosteriorEstimator(self.model_dir, self.model.grid, self.model.priors)
            if not fast:
                tau, table = fit_latent_temperature(estimator, self.model)
                card["latent_temperature"], card["latent_temperature_fit"] = tau, table
                estimator.tau = tau
            n_val = self._int(options, "validate_spectra", 20 if fast else 500)
            card["held_out"] = coverage(
                estimator, self.model, n_spectra=n_val, n_samples=200 if fast else 1000
            )
            card["dataset"] = {
                "version": manifest["version"],
                "total_bytes": manifest["total_bytes"],
                "generation_s": manifest["generation_s"],
                "dataset_version": manifest.get("dataset_version", ""),
            }
            card["training_set"] = manifest.get("dataset_version", "")
            (self.model_dir / "retrieval.json").write_text(json.dumps(card, indent=1))
            return card
        raise InvalidQuantity("model must be denoiser, retrieval or multiclass", field="model")
