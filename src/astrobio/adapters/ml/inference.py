"""``TorchClimateSurrogate``: a trained surrogate checkpoint, loaded for CPU (or GPU) inference.

The checkpoint (see :mod:`astrobio.adapters.ml.checkpoint`) is read with
``torch.load(weights_only=True)``. Predictions are the mean over the deep-ensemble members (and MC
dropout samples, if asked for) in physical units; sigma is the spread (plus, for the scalar model,
each member's predicted aleatoric variance), times the checkpoint's per-variable recalibration
factor ``sigma_scale`` when it has one (:func:`astrobio.adapters.ml.evaluation.sigma_scale`).
Datacube means are clipped to the physical range (hus >= 0, 0 <= cl <= 1); sigma is not.

Emulator checkpoints (``arch`` in :data:`~.checkpoint.EMULATORS`: EBM prior + PCA + GP/MLP, see
:mod:`.prior_surrogate`) predict in numpy; every prediction carries ``ood_distance`` (Mahalanobis
distance / threshold: > 1 is outside the training domain, flagged ``training_domain`` in
``out_of_range``, sigma widened, the answer the EBM prior's) and ``answered_by``.

CPU speed: fp32 uses oneDNN convolutions (``PeriodicConv3d`` backend ``"auto"``); ``precision="bf16"``
runs under bf16 autocast (faster on CPUs with AVX512-BF16/AMX, at a small error, measured by
``benchmarks/bench_surrogate.py``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import numpy as np
import torch

from astrobio.adapters.ml import checkpoint as ckpt
from astrobio.adapters.ml import prior_surrogate
from astrobio.adapters.ml.models.scalar import ensemble_moments
from astrobio.adapters.ml.models.unet3d import set_conv_backend, set_mc_dropout
from astrobio.application.ports.surrogate import ClimateSurrogate
from astrobio.domain.climate import ClimateParameters
from astrobio.domain.errors import InvalidDataset, InvalidQuantity
from astrobio.domain.surrogate import (
    SURROGATE_INPUTS,
    CubePrediction,
    ModelCard,
    ScalarPrediction,
    SurrogateMode,
    input_vector,
)

Precision = Literal["fp32", "bf16"]
#: ``out_of_range`` entry of a prediction outside the training domain (Mahalanobis distance)
OOD_FLAG = "training_domain"


class Ensemble:
    """The members of a loaded checkpoint and the arithmetic of their predictions.

    Parameters
    ----------
    payload:
        A checkpoint dict (:func:`astrobio.adapters.ml.checkpoint.load`).
    precision:
        ``"fp32"`` (oneDNN fp32 convolutions on CPU) or ``"bf16"`` (bf16 autocast).
    mc_samples:
        Forward passes per member with dropout on (0: deterministic, the ensemble alone gives sigma).
    conv_backend:
        ``"auto"`` (oneDNN for fp32 CPU) or ``"native"`` (PyTorch's own Conv3d; for comparisons).
    """

    def __init__(self, payload: dict[str, Any], *, precision: Precision = "fp32", mc_samples: int = 0,
                 conv_backend: str = "auto") -> None:
        if precision not in ("fp32", "bf16"):
            raise InvalidQuantity(f"unknown precision {precision!r}", field="precision")
        self.payload = payload
        self.mode = SurrogateMode(payload["mode"])
        self.members = [ckpt.load_member(payload, i) for i in range(len(payload["members"]))]
        for m in self.members:
            set_conv_backend(m, conv_backend)
            set_mc_dropout(m, mc_samples > 0)
        self.norms = [member["norm"] for member in payload["members"]]
        self.precision: Precision = precision
        self.passes = max(1, mc_samples)
        # Per-variable sigma factors from validation runs (evaluation.sigma_scale); 1 when absent.
        scale = payload.get("sigma_scale") or {}
        self._scale = {k: torch.as_tensor(v, dtype=torch.float32) for k, v in scale.items()}

    @contextlib.contextmanager
    def _context(self) -> Iterator[None]:
        with torch.inference_mode():
            if self.precision == "bf16":
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    yield
            else:
                yield

    def fields(self, params: np.ndarray) -> dict[str, np.ndarray]:
        """Raw inputs (N, 8) -> ``mean3d``/``sigma3d`` (N, 5, lev, lat, lon), ``mean2d``/``sigma2d``
        (N, 1, lat, lon), physical units, and ``raw3d`` (N, 5, ...) the unclipped mean."""
        outs3, outs2 = [], []
        with self._context():
            for model, norm in zip(self.members, self.norms, strict=True):
                x = ckpt.normalize_inputs(params, norm)
                for _ in range(self.passes):
                    y3, y2 = model(x)
                    s3, m3 = norm["y3d_std"][:, :, None, None], norm["y3d_mean"][:, :, None, None]
                    s2, m2 = norm["y2d_std"][:, None, None], norm["y2d_mean"][:, None, None]
                    outs3.append(y3.float() * s3 + m3)
                    outs2.append(y2.float() * s2 + m2)
        m3, s3 = ensemble_moments(torch.stack(outs3))
        m2, s2 = ensemble_moments(torch.stack(outs2))
        if "3d" in self._scale:
            s3 = s3 * self._scale["3d"][None, :, None, None, None]
        if "2d" in self._scale:
            s2 = s2 * self._scale["2d"][None, :, None, None]
        raw = m3.numpy()
        mean3 = raw.copy()
        hus, cl = ckpt.FIELDS_3D.index("hus"), ckpt.FIELDS_3D.index("cl")
        mean3[:, hus] = np.maximum(mean3[:, hus], 0.0)
        mean3[:, cl] = np.clip(mean3[:, cl], 0.0, 1.0)
        return {"mean3d": mean3, "sigma3d": s3.numpy(), "mean2d": m2.numpy(), "sigma2d": s2.numpy(),
                "raw3d": raw}

    def scalars(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw inputs (N, 8) -> (mean (N, 7), sigma (N, 7)) in physical units."""
        means, variances = [], []
        with self._context():
            for model, norm in zip(self.members, self.norms, strict=True):
                x = ckpt.normalize_inputs(params, norm)
                for _ in range(self.passes):
                    mu, log_var = model(x)
                    means.append(mu.float() * norm["y_std"] + norm["y_mean"])
                    variances.append(log_var.float().exp() * norm["y_std"].square())
        mean, sigma = ensemble_moments(torch.stack(means), torch.stack(variances))
        if "scalar" in self._scale:
            sigma = sigma * self._scale["scalar"][None, :]
        return mean.numpy(), sigma.numpy()


class TorchClimateSurrogate(ClimateSurrogate):
    """A checkpoint file and its card, ready to predict.

    Parameters
    ----------
    checkpoint_path:
        The checkpoint file (its SHA-256 should be ``card.id``; the registry verifies it).
    card:
        The model card (for ``out_of_range`` and provenance).
    precision, mc_samples:
        See :class:`Ensemble`.
    """

    def __init__(self, checkpoint_path: str | os.PathLike[str], card: ModelCard, *,
                 precision: Precision = "fp32", mc_samples: int = 0) -> None:
        try:
            payload = ckpt.load(checkpoint_path)
        except (ValueError, RuntimeError, OSError, KeyError) as exc:
            raise InvalidDataset(f"cannot load surrogate checkpoint {checkpoint_path}: {exc}") from exc
        if payload["mode"] != card.mode.value:
            raise InvalidDataset(f"checkpoint {checkpoint_path} is a {payload['mode']} model, card says "
                                 f"{card.mode.value}")
        self._card = card
        self._payload = payload
        self._emulator: dict[str, Any] | None = None
        if payload["arch"]["name"] in ckpt.EMULATORS:
            self._emulator = ckpt.from_tensors(payload["emulator"])
        else:
            self._ensemble = Ensemble(payload, precision=precision, mc_samples=mc_samples)

    @property
    def card(self) -> ModelCard:
        return self._card

    def _require(self, mode: SurrogateMode) -> None:
        if self._card.mode is not mode:
            raise InvalidQuantity(f"model {self._card.id[:12]} is a {self._card.mode.value} surrogate, "
                                  f"not {mode.value}", field="mode")

    def predict_scalar(self, params: Sequence[ClimateParameters]) -> list[ScalarPrediction]:
        """Global means with 1-sigma for many planets in one batched pass (mode ``scalar``)."""
        self._require(SurrogateMode.SCALAR)
        if not params:
            return []
        x = np.array([input_vector(p) for p in params], dtype=np.float64)
        names, units = list(self._payload["outputs"]), dict(self._payload["units"])
        if self._emulator is not None:
            return self._emulator_scalars(x, names, units)
        mean, sigma = self._ensemble.scalars(x)
        ranges = self._card.input_ranges
        out = []
        for row, (mu, sd) in enumerate(zip(mean.tolist(), sigma.tolist(), strict=True)):
            flags = tuple(k for k, (lo, hi) in ranges.items() if not lo <= x[row, _INDEX[k]] <= hi)
            values = dict(zip(names, zip(mu, sd, strict=True), strict=True))
            out.append(ScalarPrediction(model_id=self._card.id, values=values, units=units,
                                        out_of_range=flags))
        return out

    def predict_datacube(self, params: ClimateParameters) -> CubePrediction:
        """Time-mean fields (lev, lat, lon) / (lat, lon) with per-voxel sigma (mode ``datacube``)."""
        self._require(SurrogateMode.DATACUBE)
        x = np.array([input_vector(params)], dtype=np.float64)
        mean: dict[str, np.ndarray] = {}
        sigma: dict[str, np.ndarray] = {}
        g = self._payload["grid"]
        common: dict[str, Any] = {
            "model_id": self._card.id, "dims": {k: tuple(v) for k, v in self._payload["dims"].items()},
            "units": dict(self._payload["units"]), "lat_deg": tuple(float(v) for v in g["lat_deg"]),
            "lon_deg": tuple(float(v) for v in g["lon_deg"]), "lev": tuple(float(v) for v in g["lev"])}
        if self._emulator is not None:
            out = prior_surrogate.predict(self._emulator, x)
            for name in self._payload["outputs"]:
                m = out["mean"][name][0]
                if name == "hus":
                    m = np.maximum(m, 0.0)
                elif name == "cl":
                    m = np.clip(m, 0.0, 1.0)
                mean[name], sigma[name] = m.astype(np.float32), out["sigma"][name][0].astype(np.float32)
            inside = bool(out["inside"][0])
            return CubePrediction(**common, mean=mean, sigma=sigma,
                                  out_of_range=() if inside else (OOD_FLAG,),
                                  ood_distance=float(out["distance"][0] / out["threshold"]),
                                  answered_by=self._answered_by(out["answered_by"][0]))
        f = self._ensemble.fields(x)
        for i, name in enumerate(ckpt.FIELDS_3D):
            mean[name], sigma[name] = f["mean3d"][0, i], f["sigma3d"][0, i]
        for i, name in enumerate(ckpt.FIELDS_2D):
            mean[name], sigma[name] = f["mean2d"][0, i], f["sigma2d"][0, i]
        return CubePrediction(**common, mean=mean, sigma=sigma, out_of_range=self._card.out_of_range(params),
                              answered_by=f"{self._payload['arch']['name']}:{self._card.id[:12]}")

    def _answered_by(self, who: str) -> str:
        arch = self._payload["arch"]["name"]
        return f"{arch}:{self._card.id[:12]}" if who == "emulator" else f"ebm-prior:{self._card.id[:12]}"

    def _emulator_scalars(self, x: np.ndarray, names: list[str], units: dict[str, str],
                          ) -> list[ScalarPrediction]:
        assert self._emulator is not None
        out = prior_surrogate.predict(self._emulator, x)
        preds = []
        for row in range(len(x)):
            values = {n: (float(out["mean"][n][row]), float(out["sigma"][n][row])) for n in names}
            inside = bool(out["inside"][row])
            preds.append(ScalarPrediction(
                model_id=self._card.id, values=values, units=units,
                out_of_range=() if inside else (OOD_FLAG,),
                ood_distance=float(out["distance"][row] / out["threshold"]),
                answered_by=self._answered_by(out["answered_by"][row])))
        return preds


_INDEX = {name: i for i, name in enumerate(SURROGATE_INPUTS)}
