"""An attention surrogate for climate fields: patch tokens over (level, latitude, longitude).

Same contract as :class:`~astrobio.adapters.ml.models.unet3d.UNet3d` (parameters in, normalized
3-D and 2-D fields out, ``base3d``/``base2d`` climatology buffers added to the output), so the
same Lightning system, physics loss terms, ensemble σ and checkpoint format serve both.

Tokens
    The (lev, lat, lon) grid is cut into patches of ``patch`` = (pl, ph, pw) cells; each patch is
    one token (10 × 32 × 64 with (2, 8, 8): 5 × 4 × 8 = 160 tokens). There is no input field:
    a token is its position plus the planet/star conditioning, and attention lets every region
    shape every other (the global energy balance couples them).

3-D positional encoding on the sphere
    For a patch centred at latitude φ, longitude λ and σ-level s (pressure over surface
    pressure): the unit vector u = (cos φ cos λ, cos φ sin λ, sin φ) and the Fourier features
    sin(2^k π u_i), cos(2^k π u_i) for k = 0..K−1 and each component u_i, plus sin(2^k π s),
    cos(2^k π s). On the unit vector, distances between encodings follow great-circle distances
    (no seam at the date line, no singularity at the poles, unlike raw (φ, λ)); a linear map takes
    the features to the model width.

Conditioning
    The normalized parameter vector (stellar Teff, instellation, radius, gravity, pressure,
    pCO₂, rotation, synchronous rotation) is embedded by an MLP and added to every token, and
    modulates each block's normalisation (adaptive LayerNorm: scale and shift from the
    parameters), as the U-Net's FiLM layer does.

Outputs
    A linear head per token unpatchifies the 3-D variables; the 2-D variables come from the mean
    of a column's tokens over levels. Heads start at zero, so an untrained model predicts the
    training-mean climate.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def sphere_encoding(grid: tuple[int, int, int], patch: tuple[int, int, int], lat_deg: list[float],
                    lon_deg: list[float], lev: list[float], n_freq: int = 4) -> torch.Tensor:
    """Fourier features of patch centres, (n_tokens, 6 * n_freq + 2 * n_freq); see the module doc."""
    nl, nh, nw = (g // p for g, p in zip(grid, patch, strict=True))
    lat = torch.tensor(lat_deg, dtype=torch.float64).view(nh, patch[1]).mean(1)
    lon = torch.tensor(lon_deg, dtype=torch.float64)
    # Circular mean of each patch's longitudes (patches never straddle the seam on this grid,
    # but the mean of angles is taken on the circle anyway).
    lon_r = torch.deg2rad(lon).view(nw, patch[2])
    lon_c = torch.atan2(torch.sin(lon_r).mean(1), torch.cos(lon_r).mean(1))
    s = torch.tensor(lev, dtype=torch.float64).view(nl, patch[0]).mean(1)
    phi = torch.deg2rad(lat)
    ll, hh, ww = torch.meshgrid(torch.arange(nl), torch.arange(nh), torch.arange(nw), indexing="ij")
    p, lam, sig = phi[hh.flatten()], lon_c[ww.flatten()], s[ll.flatten()]
    unit = torch.stack([torch.cos(p) * torch.cos(lam), torch.cos(p) * torch.sin(lam), torch.sin(p)], dim=1)
    feats = []
    for k in range(n_freq):
        w = (2.0**k) * math.pi
        feats += [torch.sin(w * unit), torch.cos(w * unit),
                  torch.sin(w * sig)[:, None], torch.cos(w * sig)[:, None]]
    return torch.cat(feats, dim=1).float()


class _AdaBlock(nn.Module):
    """Pre-norm transformer block whose LayerNorms are scaled and shifted by the conditioning."""

    def __init__(self, dim: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, elementwise_affine=False)
        self.attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.norm2 = nn.LayerNorm(dim, elementwise_affine=False)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Dropout(dropout),
                                 nn.Linear(2 * dim, dim))
        self.mod = nn.Linear(dim, 4 * dim)
        nn.init.zeros_(self.mod.weight)
        nn.init.zeros_(self.mod.bias)

    def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        s1, b1, s2, b2 = self.mod(c).unsqueeze(1).chunk(4, dim=-1)
        h = self.norm1(x) * (1 + s1) + b1
        x = x + self.attn(h, h, h, need_weights=False)[0]
        out: torch.Tensor = x + self.mlp(self.norm2(x) * (1 + s2) + b2)
        return out


class ClimateTransformer(nn.Module):
    """Parameters (B, n_params) -> 3-D fields (B, n_out3d, lev, lat, lon), 2-D (B, n_out2d, lat, lon).

    ``grid`` (lev, lat, lon) must be divisible by ``patch``; ``coords`` = {lat_deg, lon_deg, lev}
    places the patches on the sphere (the GCM grid of the training cubes).
    """

    base3d: torch.Tensor
    base2d: torch.Tensor
    pos: torch.Tensor

    def __init__(self, n_params: int = 8, n_out3d: int = 5, n_out2d: int = 1,
                 grid: tuple[int, int, int] = (10, 32, 64), patch: tuple[int, int, int] = (2, 8, 8),
                 dim: int = 64, depth: int = 2, heads: int = 4, dropout: float = 0.05,
                 coords: dict[str, list[float]] | None = None, n_freq: int = 4) -> None:
        super().__init__()
        grid, patch = tuple(grid), tuple(patch)  # type: ignore[assignment]
        if any(g % p for g, p in zip(grid, patch, strict=True)):
            raise ValueError(f"grid {grid} is not divisible by patch {patch}")
        self.grid, self.patch, self.n_out3d, self.n_out2d = grid, patch, n_out3d, n_out2d
        self.tokens = tuple(g // p for g, p in zip(grid, patch, strict=True))
        lev, lat, lon = grid
        coords = coords or {"lat_deg": [90 - 180 * (i + 0.5) / lat for i in range(lat)],
                            "lon_deg": [360 * i / lon for i in range(lon)],
                            "lev": [(i + 0.5) / lev for i in range(lev)]}
        self.register_buffer("pos", sphere_encoding(grid, patch, coords["lat_deg"], coords["lon_deg"],
                                                    coords["lev"], n_freq), persistent=False)
        self.register_buffer("base3d", torch.zeros(n_out3d, *grid))
        self.register_buffer("base2d", torch.zeros(n_out2d, lat, lon))
        self.pos_proj = nn.Linear(self.pos.shape[1], dim)
        self.cond = nn.Sequential(nn.Linear(n_params, dim), nn.GELU(), nn.Linear(dim, dim))
        self.blocks = nn.ModuleList(_AdaBlock(dim, heads, dropout) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        pl, ph, pw = patch
        self.head3d = nn.Linear(dim, n_out3d * pl * ph * pw)
        self.head2d = nn.Linear(dim, n_out2d * ph * pw)
        for head in (self.head3d, self.head2d):
            nn.init.zeros_(head.weight)
            nn.init.zeros_(head.bias)

    def forward(self, p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b = p.shape[0]
        c = self.cond(p)                                              # (B, D)
        x = self.pos_proj(self.pos).unsqueeze(0) + c.unsqueeze(1)     # (B, N, D)
        for block in self.blocks:
            x = block(x, c)
        x = self.norm(x)
        nl, nh, nw = self.tokens
        pl, ph, pw = self.patch
        y3 = self.head3d(x).view(b, nl, nh, nw, self.n_out3d, pl, ph, pw)
        y3 = y3.permute(0, 4, 1, 5, 2, 6, 3, 7).reshape(b, self.n_out3d, *self.grid)
        col = x.view(b, nl, nh, nw, -1).mean(1)                       # (B, nh, nw, D)
        y2 = self.head2d(col).view(b, nh, nw, self.n_out2d, ph, pw)
        y2 = y2.permute(0, 3, 1, 4, 2, 5).reshape(b, self.n_out2d, nh * ph, nw * pw)
        return y3 + self.base3d, y2 + self.base2d
