"""Lightning systems for the climate surrogates: losses, physics penalties, optimization.

Physics terms (each a mean squared violation in physical units, made dimensionless by a scale):

- ``nonneg_q``: specific humidity >= 0, scale = the training std of hus at that level (kg kg-1), the
  same scale as the data loss's;
- ``cloud_bounds``: cloud fraction in [0, 1] (datacube ``cl``; scalar ``sic``, ``clt`` too);
- ``supersat``: q <= kappa x q_sat(T, p) with p = sigma x surface pressure (the input parameter).
  q_sat = eps e_s / (p - (1 - eps) e_s), eps = 0.622, and Bolton (1980, Mon. Wea. Rev. 108, eq. 10)
  e_s = 6.112 hPa x exp(17.67 T_c / (T_c + 243.5)), T_c in deg C (saturation over water).
  kappa >= 1 is measured on the training runs (99th percentile of q / q_sat): a *time mean* of q
  may exceed q_sat of the *time-mean* T because q_sat is convex in T (Jensen), and 15 % of the
  bundled runs' time-mean voxels do; a strict kappa = 1 would fight the GCM's own output.
- ``sw_closure`` (scalar mode only): incoming = reflected + absorbed shortwave at the top of the
  atmosphere, rsut + rst = S/4 (global mean), scaled by S/4. The *net* TOA balance
  (rst - rlut = 0) is not imposed: these 240-day runs are not in equilibrium (net TOA -30 to +10
  W m-2). The datacube model predicts no TOA flux, so it has no energy term.

Where the terms act: on the training runs' predictions, and (datacube) on ``collocation`` extra
parameter vectors per step drawn uniformly in the box spanned by the training runs' (normalized)
inputs. The terms need no labels, and the held-out planets are exactly such unseen combinations:
on the training runs alone the network barely violates them, so they would hardly act.
"""

from __future__ import annotations

from typing import Any

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn

from astrobio.adapters.ml.checkpoint import FIELDS_3D, SCALAR_OUTPUTS
from astrobio.domain.surrogate import SURROGATE_INPUTS

EPS_WATER = 0.622
_PS = SURROGATE_INPUTS.index("surface_pressure_bar")  # normalized in log10 (checkpoint.LOG_INPUTS)
_SYNC = SURROGATE_INPUTS.index("synchronous")
DATACUBE_TERMS = ("nonneg_q", "cloud_bounds", "supersat")
SCALAR_TERMS = ("cloud_bounds", "nonneg_q", "sw_closure")


def q_sat(t_k: torch.Tensor, p_pa: torch.Tensor) -> torch.Tensor:
    """Saturation specific humidity (kg kg-1) over water at temperature ``t_k`` (K) and pressure (Pa).

    Bolton (1980) vapour pressure; the denominator is floored at 1 Pa for very thin atmospheres.
    """
    t_c = t_k - 273.15
    e_s = 611.2 * torch.exp(17.67 * t_c / (t_c + 243.5))
    return EPS_WATER * e_s / torch.clamp(p_pa - (1.0 - EPS_WATER) * e_s, min=1.0)


def _optimizers(module: L.LightningModule, lr: float, weight_decay: float, epochs: int) -> Any:
    opt = torch.optim.AdamW(module.parameters(), lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(epochs, 1), eta_min=lr * 0.05)
    return {"optimizer": opt, "lr_scheduler": sched}


class DatacubeSystem(L.LightningModule):
    """Trains a :class:`~astrobio.adapters.ml.models.unet3d.UNet3d` on normalized time-mean fields.

    Parameters
    ----------
    model:
        The U-Net (its ``base3d``/``base2d`` buffers hold the normalized training mean).
    norm:
        Normalization of the train split (``y3d_mean``/``y3d_std`` (5, lev), ``y2d_*`` (1,),
        ``x_mean``/``x_std``), see :func:`~astrobio.adapters.ml.data.cube_datamodule.normalization`.
    lat_deg, sigma:
        Grid latitudes (deg, ascending) and sigma levels (for the loss weights and q_sat pressure).
    physics:
        Weight of each term in :data:`DATACUBE_TERMS` (missing = 0); ``physics_weight`` scales all.
    kappa:
        Allowed ratio q / q_sat of the time means (>= 1, from the training runs).
    x_range:
        (min, max) of the training runs' normalized inputs, each (8,): the box the ``collocation``
        points per step are drawn from (None or ``collocation=0``: physics on the training runs only).
    """

    model: nn.Module
    y3d_mean: torch.Tensor
    y3d_std: torch.Tensor
    y2d_mean: torch.Tensor
    y2d_std: torch.Tensor
    x_mean: torch.Tensor
    x_std: torch.Tensor
    x_lo: torch.Tensor
    x_hi: torch.Tensor
    lat_w: torch.Tensor
    sigma: torch.Tensor

    def __init__(self, model: nn.Module, norm: dict[str, torch.Tensor], lat_deg: tuple[float, ...],
                 sigma: tuple[float, ...], *, physics: dict[str, float], physics_weight: float = 1.0,
                 kappa: float = 2.0, lr: float = 2e-3, weight_decay: float = 1e-4, epochs: int = 200,
                 ts_weight: float = 2.0, x_range: tuple[torch.Tensor, torch.Tensor] | None = None,
                 collocation: int = 2) -> None:
        super().__init__()
        self.model = model
        for k in ("y3d_mean", "y3d_std", "y2d_mean", "y2d_std", "x_mean", "x_std"):
            self.register_buffer(k, norm[k].clone())
        lo, hi = x_range if x_range is not None else (torch.zeros(len(SURROGATE_INPUTS)),) * 2
        self.register_buffer("x_lo", lo.clone().float())
        self.register_buffer("x_hi", hi.clone().float())
        self.collocation = collocation if x_range is not None else 0
        w = torch.cos(torch.deg2rad(torch.tensor(lat_deg, dtype=torch.float32)))
        self.register_buffer("lat_w", w / w.mean())
        self.register_buffer("sigma", torch.tensor(sigma, dtype=torch.float32))
        self.physics = {k: float(physics.get(k, 0.0)) for k in DATACUBE_TERMS}
        self.physics_weight, self.kappa = physics_weight, kappa
        self.lr, self.weight_decay, self.epochs, self.ts_weight = lr, weight_decay, epochs, ts_weight

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out: tuple[torch.Tensor, torch.Tensor] = self.model(x)
        return out

    def physical(self, y3d: torch.Tensor) -> torch.Tensor:
        """Normalized (B, 5, lev, lat, lon) -> physical units."""
        return y3d.float() * self.y3d_std[:, :, None, None] + self.y3d_mean[:, :, None, None]

    def penalties(self, y3d: torch.Tensor, ps_pa: torch.Tensor) -> dict[str, torch.Tensor]:
        """Each physics term (dimensionless, >= 0) of normalized predictions ``y3d``; ``ps_pa`` (B,)."""
        f = self.physical(y3d)
        t, q, cl = (f[:, FIELDS_3D.index(v)] for v in ("ta", "hus", "cl"))
        p = self.sigma[None, :, None, None] * ps_pa[:, None, None, None]
        q_scale = self.y3d_std[FIELDS_3D.index("hus")][None, :, None, None]  # per level, kg kg-1
        return {"nonneg_q": (F.relu(-q) / q_scale).square().mean(),
                "cloud_bounds": (F.relu(-cl) + F.relu(cl - 1.0)).square().mean(),
                "supersat": (F.relu(q - self.kappa * q_sat(t, p)) / q_scale).square().mean()}

    def collocation_points(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` normalized inputs drawn in the training box (synchronous snapped to either end) and
        their surface pressure (Pa)."""
        u = torch.rand(n, self.x_lo.shape[0], device=self.x_lo.device)
        u[:, _SYNC] = (u[:, _SYNC] > 0.5).float()
        x = self.x_lo + u * (self.x_hi - self.x_lo)
        ps_pa = 1e5 * 10.0 ** (x[:, _PS] * self.x_std[_PS] + self.x_mean[_PS])
        return x, ps_pa

    def data_loss(self, y3d: torch.Tensor, y2d: torch.Tensor, t3d: torch.Tensor, t2d: torch.Tensor,
                  ) -> torch.Tensor:
        """Area-weighted MSE in normalized units: mean over the 3-D channels plus ``ts_weight`` x ts."""
        w = self.lat_w[:, None]
        mse3 = ((y3d.float() - t3d).square() * w).mean()
        mse2 = ((y2d.float() - t2d).square() * w).mean()
        return (mse3 + self.ts_weight * mse2) / (1.0 + self.ts_weight)

    def training_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> torch.Tensor:
        x, t3d, t2d, aux = batch
        active = self.physics_weight > 0 and any(self.physics.values())
        ps_pa, n = aux[:, 0], len(x)
        if active and self.collocation:
            xc, psc = self.collocation_points(self.collocation)
            x, ps_pa = torch.cat([x, xc]), torch.cat([ps_pa, psc])
        y3d, y2d = self(x)  # one pass over the runs and the collocation points
        loss = self.data_loss(y3d[:n], y2d[:n], t3d, t2d)
        self.log("train_data_loss", loss, on_epoch=True, on_step=False, batch_size=n)
        if active:
            for name, value in self.penalties(y3d, ps_pa).items():
                if self.physics[name]:
                    loss = loss + self.physics_weight * self.physics[name] * value
                    self.log(f"train_{name}", value, on_epoch=True, on_step=False, batch_size=n)
        return loss

    def validation_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> None:
        x, t3d, t2d, _ = batch
        y3d, y2d = self(x)
        self.log("val_loss", self.data_loss(y3d, y2d, t3d, t2d), batch_size=len(x), prog_bar=True)

    def configure_optimizers(self) -> Any:
        return _optimizers(self, self.lr, self.weight_decay, self.epochs)


class ScalarSystem(L.LightningModule):
    """Trains a :class:`~astrobio.adapters.ml.models.scalar.ScalarMLP` with a Gaussian NLL.

    ``norm`` holds ``y_mean``/``y_std`` (7,) of the train split; ``physics`` weights the terms of
    :data:`SCALAR_TERMS` (cloud and sea-ice fractions in [0, 1], water vapour path >= 0, shortwave
    closure rsut + rst = S/4).
    """

    model: nn.Module
    y_mean: torch.Tensor
    y_std: torch.Tensor

    def __init__(self, model: nn.Module, norm: dict[str, torch.Tensor], *, physics: dict[str, float],
                 physics_weight: float = 1.0, lr: float = 3e-3, weight_decay: float = 1e-3,
                 epochs: int = 200) -> None:
        super().__init__()
        self.model = model
        self.register_buffer("y_mean", norm["y_mean"].clone())
        self.register_buffer("y_std", norm["y_std"].clone())
        self.physics = {k: float(physics.get(k, 0.0)) for k in SCALAR_TERMS}
        self.physics_weight = physics_weight
        self.lr, self.weight_decay, self.epochs = lr, weight_decay, epochs
        self.index = {name: i for i, name in enumerate(SCALAR_OUTPUTS)}

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out: tuple[torch.Tensor, torch.Tensor] = self.model(x)
        return out

    def penalties(self, mean: torch.Tensor, s_w_m2: torch.Tensor) -> dict[str, torch.Tensor]:
        """Physics terms of the normalized predicted means (B, 7); ``s_w_m2`` instellation (B,)."""
        y = mean.float() * self.y_std + self.y_mean
        col = {k: y[:, i] for k, i in self.index.items()}
        frac = torch.stack([col["sic_fraction"], col["clt_fraction"]])
        quarter = s_w_m2 / 4.0
        return {"cloud_bounds": (F.relu(-frac) + F.relu(frac - 1.0)).square().mean(),
                "nonneg_q": (F.relu(-col["prw_kg_m2"]) / self.y_std[self.index["prw_kg_m2"]]).square().mean(),
                "sw_closure": ((col["rsut_w_m2"] + col["rst_w_m2"] - quarter) / quarter).square().mean()}

    def _nll(self, batch: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, torch.Tensor]:
        x, t, _ = batch
        mean, log_var = self(x)
        return F.gaussian_nll_loss(mean.float(), t, log_var.float().exp(), full=False), mean

    def training_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> torch.Tensor:
        loss, mean = self._nll(batch)
        self.log("train_nll", loss, on_epoch=True, on_step=False, batch_size=len(batch[0]))
        if self.physics_weight > 0 and any(self.physics.values()):
            for name, value in self.penalties(mean, batch[2][:, 1]).items():
                loss = loss + self.physics_weight * self.physics[name] * value
        return loss

    def validation_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> None:
        x, t, _ = batch
        mean, _ = self(x)
        # Early stopping on the mean's MSE: the NLL of 1-2 val runs is dominated by the variance head.
        self.log("val_loss", F.mse_loss(mean.float(), t), batch_size=len(x), prog_bar=True)

    def configure_optimizers(self) -> Any:
        return _optimizers(self, self.lr, self.weight_decay, self.epochs)
