"""Neural posterior estimation: a zuko neural spline flow conditioned on the spectrum and its noise.

Context (through an MLP embedding): the spectral shape (depth - mean) / std per bin, log10(sigma / std)
per bin, and log10 of the mean depth and of the std, each column standardised over the training set.
The shape is normalised per spectrum because the depth level (set mostly by the reference radius)
varies by thousands of ppm across the priors while the features are tens of ppm: standardised per
bin over the training set, the features would be invisible next to the level.
parameters are mapped linearly from the prior box to [-1, 1] before the flow (the Jacobian is a
constant, kept in ``log_prob``). torch and zuko are imported on first use only.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from astrobio.application.ports.jwst import PosteriorEstimator
from astrobio.domain.errors import NotFound
from astrobio.domain.jwst_spectrum import ObservedSpectrum, SpectralGrid, on_grid, rebin
from astrobio.domain.retrieval import PriorBox

FloatArray = NDArray[np.float64]
MODEL_FILE = "retrieval.pt"
CARD_FILE = "retrieval.json"


def build_net(n_bins: int, n_params: int, embed: int = 64, transforms: int = 4, hidden: int = 96) -> Any:
    import torch
    import zuko
    from torch import nn

    class Npe(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Sequential(
                nn.Linear(2 * n_bins + 2, 256),
                nn.GELU(),
                nn.Linear(256, 128),
                nn.GELU(),
                nn.Linear(128, embed),
            )
            self.flow = zuko.flows.NSF(
                n_params, embed, transforms=transforms, hidden_features=[hidden, hidden]
            )

        def forward(self, context: torch.Tensor) -> Any:
            return self.flow(self.embed(context))

    return Npe()


class _Norm:
    def __init__(self, stats: dict[str, Any], priors: PriorBox) -> None:
        self.c_mean, self.c_std = np.asarray(stats["context_mean"]), np.asarray(stats["context_std"])
        self.mid = (priors.high + priors.low) / 2
        self.half = (priors.high - priors.low) / 2

    @staticmethod
    def raw_context(depth: FloatArray, sigma: FloatArray) -> FloatArray:
        d, s = np.atleast_2d(depth), np.atleast_2d(sigma)
        m = d.mean(axis=-1, keepdims=True)
        sd = d.std(axis=-1, keepdims=True) + 1e-9 * np.abs(m)
        return np.concatenate(
            [(d - m) / sd, np.log10(s / sd), np.log10(np.abs(m) + 1e-9), np.log10(sd)], axis=-1
        )

    def context(self, depth: FloatArray, sigma: FloatArray) -> FloatArray:
        return np.asarray((self.raw_context(depth, sigma) - self.c_mean) / self.c_std)

    def to_unit(self, theta: FloatArray) -> FloatArray:
        return np.asarray((theta - self.mid) / self.half)

    def from_unit(self, z: FloatArray) -> FloatArray:
        return np.asarray(z * self.half + self.mid)

    @property
    def log_jacobian(self) -> float:
        return -float(np.sum(np.log(self.half)))


def sample_net(
    net: Any, norm: _Norm, depth: FloatArray, sigma: FloatArray, n: int, seed: int, tau: float = 1.0
) -> tuple[FloatArray, FloatArray]:
    """Samples (n, n_params) and their log density for one spectrum.

    ``tau`` > 1 widens the flow's base Gaussian (latent temperature, fitted on held-out
    simulations to calibrate coverage); the log density returned is that of the widened
    sampling distribution, q_tau(x) = q(x) N(u; 0, tau^2) / N(u; 0, 1) with u the latent of x,
    so importance weights stay exact.
    """
    import torch

    torch.manual_seed(seed)
    ctx = torch.as_tensor(norm.context(depth, sigma), dtype=torch.float32)
    with torch.no_grad():
        dist = net(ctx)
        if tau == 1.0:
            x, log_q = dist.rsample_and_log_prob((n,))
        else:
            d = norm.mid.size
            u = torch.randn((n, 1, d)) * tau
            x = dist.transform.inv(u)
            log_q = dist.log_prob(x) + (0.5 * u**2 * (1 - 1 / tau**2)).sum(-1) - d * float(np.log(tau))
    return norm.from_unit(x[:, 0].double().numpy()), log_q[:, 0].double().numpy() + norm.log_jacobian


def train_npe(
    data: dict[str, NDArray[Any]],
    priors: PriorBox,
    grid: SpectralGrid,
    out_dir: Path,
    *,
    epochs: int = 30,
    batch_size: int = 256,
    lr: float = 1e-3,
    seed: int = 0,
    dataset_version: str = "",
    max_seconds: float | None = None,
) -> tuple[dict[str, Any], Any, _Norm]:
    """Train the flow; write ``retrieval.pt`` and a partial card (the caller adds validation figures)."""
    import torch

    torch.manual_seed(seed)
    depth, sigma = data["noisy"].astype(np.float64), data["sigma"].astype(np.float64)
    raw = _Norm.raw_context(depth, sigma)
    stats = {"context_mean": raw.mean(0).tolist(), "context_std": (raw.std(0) + 1e-6).tolist()}
    norm = _Norm(stats, priors)
    ctx = torch.as_tensor(norm.context(depth, sigma), dtype=torch.float32)
    z = torch.as_tensor(norm.to_unit(data["theta"].astype(np.float64)), dtype=torch.float32)
    n_val = max(1, len(z) // 10)
    net = build_net(grid.n_bins, z.shape[1])
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-5)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs, eta_min=lr * 0.02)
    start, history = time.perf_counter(), []
    for _ in range(epochs):
        net.train()
        perm = torch.randperm(len(z) - n_val) + n_val
        for i in range(0, perm.numel(), batch_size):
            idx = perm[i : i + batch_size]
            loss = -net(ctx[idx]).log_prob(z[idx]).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
        sched.step()
        net.eval()
        with torch.no_grad():
            history.append(float(-net(ctx[:n_val]).log_prob(z[:n_val]).mean()))
        if max_seconds is not None and time.perf_counter() - start > max_seconds:
            break
    train_s = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / (MODEL_FILE + ".tmp")
    torch.save(
        {"state_dict": net.state_dict(), "n_bins": grid.n_bins, "n_params": int(z.shape[1]), "stats": stats},
        tmp,
    )
    model_id = "retrieval-" + hashlib.sha256(tmp.read_bytes()).hexdigest()[:12]
    tmp.replace(out_dir / MODEL_FILE)
    card = {
        "kind": "retrieval",
        "model_id": model_id,
        "method": "NPE, zuko NSF (4 transforms) + MLP embedding",
        "parameters": list(priors.names),
        "priors": [[p.name, p.low, p.high] for p in priors.priors],
        "grid": {"min_um": grid.min_um, "max_um": grid.max_um, "n_bins": grid.n_bins},
        "n_train": int(len(z) - n_val),
        "epochs_run": len(history),
        "dataset_version": dataset_version,
        "training_time_s": round(train_s, 2),
        "seconds_per_epoch": round(train_s / max(len(history), 1), 2),
        "val_nll_history": [round(h, 4) for h in history],
    }
    (out_dir / CARD_FILE).write_text(json.dumps(card, indent=1))
    return card, net.eval(), norm


class ZukoPosteriorEstimator(PosteriorEstimator):
    """Loads ``retrieval.pt`` + ``retrieval.json`` from ``model_dir``."""

    def __init__(self, model_dir: Path, grid: SpectralGrid, priors: PriorBox | None = None) -> None:
        if not (model_dir / CARD_FILE).is_file() or not (model_dir / MODEL_FILE).is_file():
            raise NotFound(
                f"no retrieval model in {model_dir}: run `astrobio train retrieval`", field="model"
            )
        self._card = json.loads((model_dir / CARD_FILE).read_text())
        self._dir, self.grid, self.priors = model_dir, grid, priors or PriorBox()
        self.model_id = str(self._card["model_id"])
        #: latent temperature fitted on held-out simulations (1 = the raw flow)
        self.tau = float(self._card.get("latent_temperature", 1.0))
        self._loaded: tuple[Any, _Norm] | None = None

    def load(self) -> tuple[Any, _Norm]:
        if self._loaded is None:
            import torch

            ckpt = torch.load(self._dir / MODEL_FILE, map_location="cpu", weights_only=True)
            net = build_net(int(ckpt["n_bins"]), int(ckpt["n_params"]))
            net.load_state_dict(ckpt["state_dict"])
            self._loaded = (net.eval(), _Norm(ckpt["stats"], self.priors))
        return self._loaded

    def sample(self, spectrum: ObservedSpectrum, n: int, seed: int) -> tuple[FloatArray, FloatArray]:
        if not on_grid(spectrum, self.grid):
            spectrum = rebin(spectrum, self.grid)
        net, norm = self.load()
        return sample_net(net, norm, spectrum.depth_ppm, spectrum.sigma_ppm, n, seed, self.tau)

    def card(self) -> dict[str, Any]:
        return dict(self._card)
