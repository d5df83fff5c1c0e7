"""PHOENIX-ACES (Husser et al. 2013) stellar spectra from a user-configured grid directory.

Layout (as distributed at phoenix.astro.physik.uni-goettingen.de): one wavelength file
``WAVE_PHOENIX-ACES-AGSS-COND-2011.fits`` (primary HDU, vacuum wavelength in Angstrom) and flux files
``lte{Teff:05d}-{logg:.2f}{[Fe/H]:+.1f}.PHOENIX-ACES-AGSS-COND-2011-HiRes.fits`` (primary HDU, surface
flux in erg s^-1 cm^-2 cm^-1) anywhere below the directory (usually in ``Z-0.0/`` style folders).
Spectra are binned to R = 3000 on reading, then interpolated trilinearly over (Teff, log g, [Fe/H])
between the eight surrounding grid nodes. A star outside the grid's Teff / log g range gets None (the
next source answers); [Fe/H] is clamped to the grid. log g comes from the star's mass and radius, else
4.5 (a main-sequence dwarf) is assumed and said so in the provenance.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from astrobio.adapters.spectra.stellar import renormalised
from astrobio.application.ports.spectra import StellarSpectrum, StellarSpectrumSource
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.star import Star

WAVE_FILE = "WAVE_PHOENIX-ACES-AGSS-COND-2011.fits"
_NAME = re.compile(r"lte(\d{5})-(\d\.\d\d)([+-]\d\.\d)\.PHOENIX-ACES-AGSS-COND-2011-HiRes\.fits$")
ERG_S_CM2_CM_TO_W_M2_UM = 1e-7
LOGG_SUN_CGS = 4.438
BIN_R = 3000.0


def _read_primary(path: Path) -> np.ndarray:
    from astropy.io import fits

    try:
        with fits.open(path, memmap=False) as hdul:
            return np.asarray(hdul[0].data, dtype=float)
    except (OSError, ValueError, TypeError) as exc:
        raise InvalidDataset(f"PHOENIX file {path.name} unreadable: {exc}", field="phoenix_grid") from exc


@lru_cache(maxsize=4)
def _wave(path: str) -> tuple[np.ndarray, np.ndarray]:
    wl_um = _read_primary(Path(path)) / 1e4
    n = int(math.log(wl_um[-1] / wl_um[0]) * BIN_R)
    edges = wl_um[0] * np.exp(np.arange(n + 1) / BIN_R)
    return wl_um, edges


@lru_cache(maxsize=64)
def _binned(flux_path: str, wave_path: str) -> np.ndarray:
    wl, edges = _wave(wave_path)
    f = _read_primary(Path(flux_path)) * ERG_S_CM2_CM_TO_W_M2_UM
    if f.shape != wl.shape:
        raise InvalidDataset(
            f"PHOENIX file {Path(flux_path).name} does not match the wavelength grid", field="phoenix_grid"
        )
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(wl))])
    mid = np.concatenate([[wl[0]], 0.5 * (wl[1:] + wl[:-1])])
    c = np.interp(edges, mid, cum)
    return np.asarray(np.diff(c) / np.diff(edges))


def _bracket(nodes: list[float], v: float, clamp: bool) -> list[tuple[float, float]] | None:
    if clamp:
        v = min(max(v, nodes[0]), nodes[-1])
    if not nodes[0] <= v <= nodes[-1]:
        return None
    if v in nodes or len(nodes) == 1:
        return [(v if v in nodes else nodes[0], 1.0)]
    hi = next(i for i, n in enumerate(nodes) if n > v)
    a, b = nodes[hi - 1], nodes[hi]
    w = (v - a) / (b - a)
    return [(a, 1.0 - w), (b, w)]


class PhoenixStellarSpectra(StellarSpectrumSource):
    """Trilinear interpolation in a local PHOENIX-ACES grid (see the module docstring for the layout)."""

    def __init__(self, grid_dir: Path) -> None:
        self._dir = grid_dir
        self._index: dict[tuple[float, float, float], Path] | None = None
        self._wave: Path | None = None

    def _scan(self) -> dict[tuple[float, float, float], Path]:
        if self._index is None:
            index: dict[tuple[float, float, float], Path] = {}
            for p in sorted(self._dir.rglob("lte*.fits")) if self._dir.is_dir() else []:
                m = _NAME.search(p.name)
                if m:
                    index[(float(m.group(1)), float(m.group(2)), float(m.group(3)))] = p
            waves = sorted(self._dir.rglob(WAVE_FILE)) if self._dir.is_dir() else []
            self._wave = waves[0] if waves else None
            self._index = index
        return self._index

    def spectrum_for(self, star: Star) -> StellarSpectrum | None:
        index = self._scan()
        if not index or self._wave is None or star.teff_k is None:
            return None
        if star.mass_sun is not None and star.radius_sun is not None:
            logg, note = LOGG_SUN_CGS + math.log10(star.mass_sun / star.radius_sun**2), ""
        else:
            logg, note = 4.5, ", log g 4.5 assumed"
        feh = star.metallicity_dex or 0.0
        axes = [sorted({k[i] for k in index}) for i in range(3)]
        bt, bg, bz = (
            _bracket(axes[0], star.teff_k, False),
            _bracket(axes[1], logg, False),
            _bracket(axes[2], feh, True),
        )
        if bt is None or bg is None or bz is None:
            return None
        total: np.ndarray | None = None
        for t, wt in bt:
            for g, wg in bg:
                for z, wz in bz:
                    path = index.get((t, g, z))
                    if path is None:
                        return None  # a hole in the grid: let the next source answer
                    f = _binned(str(path), str(self._wave)) * (wt * wg * wz)
                    total = f if total is None else total + f
        assert total is not None
        _, edges = _wave(str(self._wave))
        wl = np.sqrt(edges[1:] * edges[:-1])
        nodes = ", ".join(f"{t:.0f}/{g:.2f}/{z:+.1f}" for t, _ in bt for g, _ in bg for z, _ in bz)
        return renormalised(
            wl,
            total,
            star.teff_k,
            f"PHOENIX-ACES (Husser et al. 2013) interpolated at Teff={star.teff_k:.0f} K, "
            f"log g={logg:.2f}, [Fe/H]={feh:+.2f} from nodes {nodes}{note}",
        )
