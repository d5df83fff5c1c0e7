"""The trained spectrum denoiser: training (Lightning), held-out metrics, loading and inference.

Normalisation per spectrum: m = mean(noisy), s = std(noisy); channels (noisy - m)/s and sigma/s.
The network returns the clean estimate and its log variance in those units.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from astrobio.adapters.jwst.forward import IsothermalTransmissionModel
from astrobio.application.ports.jwst import SpectrumDenoiser
from astrobio.domain.errors import InvalidQuantity, NotFound
from astrobio.domain.jwst_spectrum import ObservedSpectrum, SpectralGrid, on_grid, rebin

FloatArray = NDArray[np.float64]
MODEL_FILE = "denoiser.pt"
CARD_FILE = "denoiser.json"


def _normalise(noisy: FloatArray, sigma: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    m = noisy.mean(axis=1, keepdims=True)
    s = noisy.std(axis=1, keepdims=True) + 1e-6 * np.abs(m) + 1e-12
    return np.stack([(noisy - m) / s, sigma / s], axis=1), m, s


def run_net(
    net: Any, noisy: FloatArray, sigma: FloatArray, batch: int = 4096
) -> tuple[FloatArray, FloatArray]:
    """Denoised depth and its 1-sigma (ppm) for arrays of shape (n, n_bins)."""
    import torch

    x, m, s = _normalise(np.asarray(noisy, np.float64), np.asarray(sigma, np.float64))
    means, stds = [], []
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            out = net(torch.as_tensor(x[i : i + batch], dtype=torch.float32)).double().numpy()
            means.append(out[:, 0])
            stds.append(np.exp(0.5 * out[:, 1]))
    return np.concatenate(means) * s + m, np.concatenate(stds) * s


def evaluate(
    net: Any, model: IsothermalTransmissionModel, seed: int = 12345, n: int = 1000
) -> dict[str, Any]:
    """Held-out metrics on fresh simulations (never seen in training)."""
    from astrobio.adapters.jwst.dataset import simulate
    from astrobio.domain.jwst_spectrum import snr_gain_db

    rng = np.random.default_rng(seed)
    data = simulate(model, rng, n)
    clean, sigma, noisy = (data[k].astype(np.float64) for k in ("clean", "sigma", "noisy"))
    den, sd = run_net(net, noisy, sigma)
    gain = np.array([snr_gain_db(c, y, d) for c, d, y in zip(clean, den, noisy, strict=True)])
    z = (den - clean) / sd
    out: dict[str, Any] = {
        "n_held_out": n,
        "snr_improvement_db_mean": float(gain.mean()),
        "snr_improvement_db_median": float(np.median(gain)),
        "snr_improvement_db_pooled": snr_gain_db(clean, noisy, den),
        "bias_in_sigma_mean": float(np.mean((den - clean) / sigma)),
        "bias_in_sigma_max_abs_per_bin": float(np.max(np.abs(np.mean((den - clean) / sigma, axis=0)))),
        "calibration": {
            "coverage_1sigma": float(np.mean(np.abs(z) < 1)),
            "coverage_2sigma": float(np.mean(np.abs(z) < 2)),
            "z_std": float(z.std()),
        },
        "at_snr": {},
    }
    for snr in (5.0, 20.0):
        theta = model.priors.sample(rng, n)
        c = model.depth_ppm(theta)
        s = model.sigma_ppm(theta, np.full(n, snr), rng.integers(0, 2, n))
        y = c + s * rng.standard_normal(c.shape)
        d, _ = run_net(net, y, s)
        rms_in, rms_out = float(np.sqrt(np.mean((y - c) ** 2))), float(np.sqrt(np.mean((d - c) ** 2)))
        g = np.array([snr_gain_db(a, e, b) for a, b, e in zip(c, d, y, strict=True)])
        out["at_snr"][f"{snr:g}"] = {
            "rms_residual_noisy_ppm": rms_in,
            "rms_residual_denoised_ppm": rms_out,
            "rms_reduction_factor": rms_in / rms_out,
            "snr_improvement_db_mean": float(g.mean()),
        }
    return out


def train_denoiser(
    data: dict[str, NDArray[Any]],
    model: IsothermalTransmissionModel,
    out_dir: Path,
    *,
    mode: str = "supervised",
    epochs: int = 8,
    batch_size: int = 128,
    seed: int = 0,
    dataset_version: str = "",
    fast_dev_run: bool = False,
    lr: float = 1e-3,
) -> dict[str, Any]:
    import lightning as L
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    from astrobio.adapters.ml.search import search_callbacks
    from astrobio.adapters.ml.systems.jwst_denoiser import DenoiserSystem
    from astrobio.adapters.monitoring.training_curves import TrainingCurves, curves_logger

    torch.manual_seed(seed)
    noisy, sigma = data["noisy"].astype(np.float64), data["sigma"].astype(np.float64)
    x, m, s = _normalise(noisy, sigma)
    target = ((data["clean"] if mode == "supervised" else data["noisy2"]) - m) / s
    tensors = [torch.as_tensor(a, dtype=torch.float32) for a in (x, target, sigma / s)]
    n_val = max(1, len(x) // 10)
    train = TensorDataset(*(t[n_val:] for t in tensors))
    val = TensorDataset(*(t[:n_val] for t in tensors))
    system = DenoiserSystem(model.grid.n_bins, mode=mode, epochs=epochs, lr=lr)
    trainer = L.Trainer(
        max_epochs=epochs,
        accelerator="cpu",
        devices=1,
        logger=curves_logger(out_dir),  # loss, grad norm, lr per step: <out_dir>/curves/metrics.csv
        callbacks=[TrainingCurves(), *search_callbacks()],  # + pruning inside a search trial
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        fast_dev_run=fast_dev_run,
    )
    start = time.perf_counter()
    trainer.fit(
        system, DataLoader(train, batch_size=batch_size, shuffle=True), DataLoader(val, batch_size=2048)
    )
    train_s = time.perf_counter() - start
    net = system.net.eval()
    metrics = evaluate(net, model, n=200 if fast_dev_run else 1000)
    card = {
        "kind": "denoiser",
        "mode": mode,
        "epochs": epochs,
        "lr": lr,
        "batch_size": batch_size,
        "n_train": len(train),
        "dataset_version": dataset_version,
        "grid": {"min_um": model.grid.min_um, "max_um": model.grid.max_um, "n_bins": model.grid.n_bins},
        "training_time_s": round(train_s, 2),
        "seconds_per_epoch": round(train_s / max(epochs, 1), 2),
        "parameters": sum(p.numel() for p in net.parameters()),
        "held_out": metrics,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / (MODEL_FILE + ".tmp")
    torch.save({"state_dict": net.state_dict(), "n_bins": model.grid.n_bins, "channels": 32}, tmp)
    card["model_id"] = "denoiser-" + hashlib.sha256(tmp.read_bytes()).hexdigest()[:12]
    tmp.replace(out_dir / MODEL_FILE)
    (out_dir / CARD_FILE).write_text(json.dumps(card, indent=1))
    return card


class TorchSpectrumDenoiser(SpectrumDenoiser):
    """Loads ``denoiser.pt`` + ``denoiser.json`` from ``model_dir``; torch is imported on first use."""

    def __init__(self, model_dir: Path, grid: SpectralGrid) -> None:
        card_path = model_dir / CARD_FILE
        if not card_path.is_file() or not (model_dir / MODEL_FILE).is_file():
            raise NotFound(f"no denoiser in {model_dir}: run `astrobio train denoiser`", field="model")
        self._card = json.loads(card_path.read_text())
        self._dir, self.grid = model_dir, grid
        self.model_id = str(self._card["model_id"])
        self._net: Any = None

    def _load(self) -> Any:
        if self._net is None:
            import torch

            from astrobio.adapters.ml.models.jwst_denoiser import SpectrumDenoiserNet

            ckpt = torch.load(self._dir / MODEL_FILE, map_location="cpu", weights_only=True)
            net = SpectrumDenoiserNet(int(ckpt["n_bins"]), channels=int(ckpt["channels"]))
            net.load_state_dict(ckpt["state_dict"])
            self._net = net.eval()
        return self._net

    def denoise(self, spectrum: ObservedSpectrum) -> ObservedSpectrum:
        if not on_grid(spectrum, self.grid):
            spectrum = rebin(spectrum, self.grid)
        if spectrum.depth_ppm.std() == 0:
            raise InvalidQuantity("a constant spectrum has nothing to denoise", field="depth_ppm")
        den, sd = run_net(self._load(), spectrum.depth_ppm[None, :], spectrum.sigma_ppm[None, :])
        return ObservedSpectrum(
            wavelength_um=spectrum.wavelength_um,
            depth_ppm=den[0],
            sigma_ppm=sd[0],
            meta={**spectrum.meta, "MODEL": self.model_id},
        )

    def card(self) -> dict[str, Any]:
        return dict(self._card)
