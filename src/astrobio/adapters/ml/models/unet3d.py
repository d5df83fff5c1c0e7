"""A small 3-D U-Net: climate parameters -> time-mean fields on the GCM grid (lev, lat, lon).

The network is conditioned on the (normalized) parameter vector, broadcast onto the grid as input
channels and also applied by FiLM (feature-wise scale and shift) at the bottleneck. Its encoder also
sees fixed per-voxel channels (``static``: sigma, sin lat, cos/sin lon and the training climatology)
so it knows where on the planet each voxel sits (the substellar point of a synchronous planet is at
longitude 180 deg). The output is an anomaly added to ``base3d``/``base2d`` (the training mean in
normalized units) by zero-initialized heads: an untrained model predicts the training mean.

Geometry: longitude is periodic, so every convolution pads circularly in lon and replicates the
edges in lat and lev; pooling halves lat/lon (and lev once) and upsampling interpolates with a
periodic halo. Without ``static`` channels the network is exactly equivariant to longitude shifts by
multiples of 4 grid points (the two lon poolings).

Surface temperature ``ts`` is a 2-D head: the last decoder features of each column (channels x lev)
are folded into channels and read by a periodic 3x3 Conv2d. The surface temperature is set by the
column above it (near-surface air temperature, cloud, humidity), so sharing the 3-D decoder keeps
``ts`` consistent with ``ta`` and costs a few hundred parameters instead of a second decoder.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["PeriodicConv3d", "UNet3d", "periodic_pad3d", "set_conv_backend", "set_mc_dropout"]

_ONEDNN = bool(torch.backends.mkldnn.is_available())  # type: ignore[no-untyped-call]


def periodic_pad3d(x: torch.Tensor, lon: int = 1) -> torch.Tensor:
    """Pad ``x`` (B, C, lev, lat, lon) circularly in lon (lat and lev are zero-padded by the conv)."""
    return F.pad(x, (lon, lon, 0, 0, 0, 0), mode="circular")


def _periodic_pad2d(x: torch.Tensor, n: int = 1) -> torch.Tensor:
    """Pad ``x`` of shape (B, C, lat, lon): circular in lon, replicate in lat."""
    return F.pad(F.pad(x, (n, n, 0, 0), mode="circular"), (0, 0, n, n), mode="replicate")


class PeriodicConv3d(nn.Conv3d):
    """3x3x3 convolution on a periodic-longitude grid (same spatial size out as in).

    Longitude is padded circularly; lat and lev are zero-padded inside the convolution (free in
    oneDNN, where a separate replicate pad cost 15 % of the inference time). Inputs are normalized
    anomalies with mean ~0, so a zero halo at the poles and at the model top/bottom is benign.

    ``backend``: ``"auto"`` runs float32 CPU tensors through oneDNN (``torch.mkldnn_convolution``):
    PyTorch's default fp32 CPU Conv3d falls back to a slow im2col path for few channels (about 10x
    slower here) while oneDNN gives the same result to ~1e-6. ``"native"`` always uses
    ``F.conv3d`` (and is what autocast, CUDA and bf16 tensors get anyway).
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(in_channels, out_channels, kernel_size=3, padding=(1, 1, 0))
        self.backend = "auto"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = periodic_pad3d(x)
        fast = (self.backend == "auto" and x.device.type == "cpu" and x.dtype == torch.float32
                and self.weight.dtype == torch.float32 and not torch.is_autocast_enabled("cpu")
                and _ONEDNN)
        if fast:
            return torch.mkldnn_convolution(x.contiguous(), self.weight, self.bias, [1, 1, 0], [1, 1, 1],
                                            [1, 1, 1], 1)
        return F.conv3d(x, self.weight, self.bias, padding=(1, 1, 0))


class _Block(nn.Module):
    """Two periodic convolutions with GELU, dropout in between (used for MC dropout)."""

    def __init__(self, c_in: int, c_out: int, dropout: float) -> None:
        super().__init__()
        self.conv1 = PeriodicConv3d(c_in, c_out)
        self.conv2 = PeriodicConv3d(c_out, c_out)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.conv2(self.drop(F.gelu(self.conv1(x)))))


class _InputBlock(nn.Module):
    """First block: conv(static) + Linear(p), GELU, dropout, conv, GELU.

    Equal to a 3x3x3 convolution over ``static`` concatenated with ``p`` broadcast on the grid (the
    convolution of a constant field is a constant, the kernel sum times ``p``), at a fraction of the
    cost; in eval mode the convolution of the fixed ``static`` channels is computed once and cached.
    """

    def __init__(self, n_static: int, n_params: int, c_out: int, dropout: float) -> None:
        super().__init__()
        self.conv1 = PeriodicConv3d(n_static, c_out) if n_static else None
        self.cond = nn.Linear(n_params, c_out)
        self.conv2 = PeriodicConv3d(c_out, c_out)
        self.drop = nn.Dropout(dropout)
        self._cache: tuple[tuple[object, ...], torch.Tensor] | None = None

    def clear_cache(self) -> None:
        """Forget the cached convolution of ``static`` (after changing weights or buffers by hand)."""
        self._cache = None

    def _static_features(self, static: torch.Tensor) -> torch.Tensor | None:
        if self.conv1 is None:
            return None
        if self.training or torch.is_grad_enabled():
            out: torch.Tensor = self.conv1(static[None])
            return out
        conv = self.conv1
        key = (static._version, conv.weight._version, conv.bias._version if conv.bias is not None else 0,
               static.device, torch.is_autocast_enabled("cpu"), conv.backend, id(conv.weight))
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, conv(static[None]))
        return self._cache[1]

    def forward(self, static: torch.Tensor, p: torch.Tensor, grid: tuple[int, int, int]) -> torch.Tensor:
        bias = self.cond(p)[:, :, None, None, None]                  # (B, C, 1, 1, 1)
        fixed = self._static_features(static)                        # (1, C, L, H, W) or None
        h = bias.expand(p.shape[0], bias.shape[1], *grid) if fixed is None else fixed + bias
        return F.gelu(self.conv2(self.drop(F.gelu(h))))


def _upsample_periodic(x: torch.Tensor, lev: int) -> torch.Tensor:
    """Trilinear x2 in lat/lon (x ``lev`` in lev) with a one-cell circular halo in lon, cropped after."""
    x = F.pad(x, (1, 1, 0, 0, 0, 0), mode="circular")
    x = F.interpolate(x, scale_factor=(float(lev), 2.0, 2.0), mode="trilinear", align_corners=False)
    return x[..., 2:-2]


class UNet3d(nn.Module):
    """Parameters (B, n_params) -> 3-D fields (B, n_out3d, lev, lat, lon) and 2-D (B, n_out2d, lat, lon).

    Parameters
    ----------
    n_params:
        Length of the (normalized) input vector; 8 for :data:`~astrobio.domain.surrogate.SURROGATE_INPUTS`.
    n_out3d, n_out2d:
        Output channels of the 3-D fields (ta, hus, ua, va, cl) and of the 2-D head (ts).
    grid:
        (lev, lat, lon); lev must be even, lat and lon multiples of 4.
    width:
        Channels at full resolution (x2 and x4 at the two coarser levels).
    dropout:
        Dropout probability inside each block (MC dropout at inference, see :func:`set_mc_dropout`).
    static_channels:
        Number of fixed per-voxel input channels held in the buffer ``static`` (S, lev, lat, lon);
        0 for none.
    embed:
        Add two parameter-dependent paths that a 10-run training set needs to fit its largest
        signals: a linear map of ``p`` onto a coarse (lev/2, lat/4, lon/4) latent grid added at the
        bottleneck (spatial patterns whose amplitude depends on the parameters), and a linear offset
        per output variable and level (the level-mean shifts: warmer, moister planets).

    All values are in normalized units; ``base3d`` (n_out3d, lev, lat, lon) and ``base2d``
    (n_out2d, lat, lon) are buffers added to the output (the training mean).
    """

    static: torch.Tensor
    base3d: torch.Tensor
    base2d: torch.Tensor

    def __init__(self, n_params: int = 8, n_out3d: int = 5, n_out2d: int = 1,
                 grid: tuple[int, int, int] = (10, 32, 64), width: int = 8, dropout: float = 0.1,
                 static_channels: int = 0, embed: bool = True) -> None:
        super().__init__()
        lev, lat, lon = grid
        if lev % 2 or lat % 4 or lon % 4:
            raise ValueError(f"grid {grid}: lev must be even and lat, lon multiples of 4")
        self.grid = grid
        self.n_params = n_params
        w = width
        self.register_buffer("static", torch.zeros(static_channels, *grid))
        self.register_buffer("base3d", torch.zeros(n_out3d, *grid))
        self.register_buffer("base2d", torch.zeros(n_out2d, lat, lon))
        self.enc0 = _InputBlock(static_channels, n_params, w, dropout)
        self.enc1 = _Block(w, 2 * w, dropout)
        self.mid = _Block(2 * w, 4 * w, dropout)
        self.film = nn.Linear(n_params, 8 * w)
        self.coarse = (2 * w, lev // 2, lat // 4, lon // 4)
        self.embed = nn.Linear(n_params, 2 * w * (lev // 2) * (lat // 4) * (lon // 4)) if embed else None
        self.level_offset = nn.Linear(n_params, n_out3d * lev + n_out2d) if embed else None
        self.dec1 = _Block(4 * w + 2 * w, 2 * w, dropout)
        self.dec0 = _Block(2 * w + w, w, dropout)
        self.head3d = nn.Conv3d(w, n_out3d, kernel_size=1)
        self.head2d = nn.Conv2d(w * lev, n_out2d, kernel_size=3)
        for head in (self.head3d, self.head2d, self.film, self.embed, self.level_offset):
            if head is not None:
                nn.init.zeros_(head.weight)
                if head.bias is not None:
                    nn.init.zeros_(head.bias)

    def forward(self, p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``p`` (B, n_params) -> (3-D fields (B, n_out3d, lev, lat, lon), 2-D (B, n_out2d, lat, lon))."""
        b = p.shape[0]
        lev, lat, lon = self.grid
        e0 = self.enc0(self.static, p, self.grid)                   # (B, w, L, H, W)
        e1 = self.enc1(F.avg_pool3d(e0, (1, 2, 2)))                  # (B, 2w, L, H/2, W/2)
        h = F.avg_pool3d(e1, 2)                                      # (B, 2w, L/2, H/4, W/4)
        if self.embed is not None:
            h = h + self.embed(p).view(b, *self.coarse).to(h.dtype)
        m = self.mid(h)                                              # (B, 4w, L/2, H/4, W/4)
        gamma, beta = self.film(p.to(m.dtype)).chunk(2, dim=1)
        m = m * (1 + gamma[:, :, None, None, None]) + beta[:, :, None, None, None]
        d1 = self.dec1(torch.cat([_upsample_periodic(m, 2), e1], dim=1))
        d0 = self.dec0(torch.cat([_upsample_periodic(d1, 1), e0], dim=1))
        y3d = self.head3d(d0) + self.base3d
        column = d0.reshape(b, -1, lat, lon)                         # (B, w*L, H, W)
        y2d = self.head2d(_periodic_pad2d(column)) + self.base2d
        if self.level_offset is not None:
            off = self.level_offset(p).to(y3d.dtype)
            n3 = y3d.shape[1] * lev
            y3d = y3d + off[:, :n3].view(b, -1, lev, 1, 1)
            y2d = y2d + off[:, n3:].view(b, -1, 1, 1)
        return y3d, y2d


def set_mc_dropout(model: nn.Module, enabled: bool) -> None:
    """Keep dropout active at inference (MC dropout) or switch it off; other layers stay in eval."""
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.train(enabled)


def set_conv_backend(model: nn.Module, backend: str) -> None:
    """Choose ``"auto"`` (oneDNN for fp32 CPU) or ``"native"`` (``F.conv3d``) for every periodic conv."""
    if backend not in ("auto", "native"):
        raise ValueError(f"unknown conv backend {backend!r}")
    for m in model.modules():
        if isinstance(m, PeriodicConv3d):
            m.backend = backend
