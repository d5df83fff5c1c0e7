"""Lightning system of the spectrum denoiser: Gaussian negative log-likelihood training.

``supervised``: targets are the clean spectra; loss = squared error of mu in units of the input
sigma plus the Gaussian NLL of the (detached) residual under N(0, v).
``noise2noise`` (Lehtinen et al. 2018): targets are a second, independent noisy realisation y2 of
the same spectrum; since E[y2] = clean and Var[y2 | clean] = sigma^2, squared error of mu against
y2 plus NLL of the detached residual under N(0, v + sigma^2) has the
same minimiser mu = E[clean | y] and v = posterior variance, without ever seeing a clean target.
"""

from __future__ import annotations

from typing import Any

import lightning as L
import torch

from astrobio.adapters.ml.models.jwst_denoiser import SpectrumDenoiserNet

MODES = ("supervised", "noise2noise")


class DenoiserSystem(L.LightningModule):
    def __init__(
        self, n_bins: int, mode: str = "supervised", lr: float = 1e-3, epochs: int = 10, channels: int = 32
    ) -> None:
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.save_hyperparameters()
        self.net = SpectrumDenoiserNet(n_bins, channels=channels)
        self.mode, self.lr, self.epochs = mode, lr, epochs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.net(x)
        return out

    def _loss(self, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        x, target, sigma = batch
        out = self.net(x)
        mean, var = out[:, 0], out[:, 1].exp()
        # the mean learns from the squared error in units of the input sigma (the SNR metric; the
        # weight is capped at (1/0.05)^2 so a few high-S/N spectra cannot dominate a batch), the
        # variance from the NLL of the detached residual, so a large predicted variance cannot
        # shrink the mean's gradient
        sq = (target - mean.detach()) ** 2
        if self.mode == "noise2noise":
            var = var + sigma**2
        mse = (((target - mean) / sigma.clamp(min=0.05)) ** 2).mean()
        loss: torch.Tensor = mse + (0.5 * (sq / var + var.log())).mean()
        return loss

    def training_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> torch.Tensor:
        loss = self._loss(batch)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def validation_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> torch.Tensor:
        loss = self._loss(batch)
        self.log("val_loss", loss)
        return loss

    def configure_optimizers(self) -> Any:
        opt = torch.optim.AdamW(self.parameters(), lr=self.lr, weight_decay=1e-4)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(
            opt, T_max=max(self.epochs, 1), eta_min=self.lr * 0.05
        )
        return {"optimizer": opt, "lr_scheduler": sched}
