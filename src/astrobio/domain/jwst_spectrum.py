"""Observed transmission spectra (transit depth per wavelength bin) and the model grid.

A JWST x1d product gives wavelength, flux and flux error per bin; for a transit spectrum the
"flux" column carries the transit depth (ppm here). The trained models work on one fixed
wavelength grid (:class:`SpectralGrid`); an observation is rebinned onto it when it covers the
grid at an equal or finer resolution, and rejected otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from astrobio.domain.errors import InvalidQuantity

#: Largest spectrum accepted, bins (a full-resolution NIRSpec x1d has about 4,000).
MAX_BINS = 200_000

FloatArray = NDArray[np.float64]


def _array(values: object, name: str) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidQuantity(f"{name} must be a list of numbers", field=name) from None
    if arr.ndim != 1:
        raise InvalidQuantity(f"{name} must be one-dimensional, got shape {arr.shape}", field=name)
    return arr


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedSpectrum:
    """A spectrum with 1-sigma errors.

    Parameters
    ----------
    wavelength_um: bin centres, micron, strictly increasing, shape (n,).
    depth_ppm: transit depth, ppm, shape (n,).
    sigma_ppm: 1-sigma error of the depth, ppm, > 0, shape (n,).
    """

    wavelength_um: FloatArray
    depth_ppm: FloatArray
    sigma_ppm: FloatArray
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        w = _array(self.wavelength_um, "wavelength_um")
        d = _array(self.depth_ppm, "depth_ppm")
        s = _array(self.sigma_ppm, "sigma_ppm")
        object.__setattr__(self, "wavelength_um", w)
        object.__setattr__(self, "depth_ppm", d)
        object.__setattr__(self, "sigma_ppm", s)
        if w.size < 2:
            raise InvalidQuantity("a spectrum needs at least 2 bins", field="wavelength_um")
        if w.size > MAX_BINS:
            raise InvalidQuantity(
                f"{w.size} bins is more than the {MAX_BINS} accepted", field="wavelength_um"
            )
        if d.size != w.size or s.size != w.size:
            raise InvalidQuantity(
                f"wavelength_um, depth_ppm and sigma_ppm differ in length ({w.size}, {d.size}, {s.size})",
                field="depth_ppm" if d.size != w.size else "sigma_ppm",
            )
        for arr, name in ((w, "wavelength_um"), (d, "depth_ppm"), (s, "sigma_ppm")):
            bad = ~np.isfinite(arr)
            if bad.any():
                raise InvalidQuantity(
                    f"{name} has {int(bad.sum())} NaN/inf values (first at bin {int(np.argmax(bad))})",
                    field=name,
                )
        if (w <= 0).any():
            raise InvalidQuantity("wavelength_um must be > 0", field="wavelength_um")
        if (np.diff(w) <= 0).any():
            raise InvalidQuantity("wavelength_um must be strictly increasing", field="wavelength_um")
        if (s <= 0).any():
            raise InvalidQuantity(
                f"sigma_ppm must be > 0 ({int((s <= 0).sum())} bins are not)", field="sigma_ppm"
            )

    @property
    def resolving_power(self) -> float:
        """Median lambda / delta-lambda of the bins."""
        w = self.wavelength_um
        return float(np.median(w[1:] / np.diff(w)))


@dataclass(frozen=True, slots=True, kw_only=True)
class SpectralGrid:
    """Log-uniform wavelength grid: ``n_bins`` bins from ``min_um`` to ``max_um`` (edges)."""

    min_um: float
    max_um: float
    n_bins: int

    def __post_init__(self) -> None:
        if not (0 < self.min_um < self.max_um) or self.n_bins < 2:
            raise InvalidQuantity("grid needs 0 < min_um < max_um and n_bins >= 2", field="grid")

    @property
    def edges_um(self) -> FloatArray:
        return np.geomspace(self.min_um, self.max_um, self.n_bins + 1)

    @property
    def centres_um(self) -> FloatArray:
        e = self.edges_um
        return np.sqrt(e[:-1] * e[1:])

    @property
    def resolving_power(self) -> float:
        return float(1.0 / np.log(self.max_um / self.min_um) * self.n_bins)


def rebin(spectrum: ObservedSpectrum, grid: SpectralGrid) -> ObservedSpectrum:
    """Inverse-variance weighted average of the input bins falling in each grid bin.

    Raises :class:`InvalidQuantity` (``field="wavelength_um"``) when the spectrum does not
    cover the grid (from the first to the last grid-bin centre) or is coarser than it (some grid
    bin would receive no input bin): such a spectrum cannot be put on the model's grid without inventing data.
    """
    w = spectrum.wavelength_um
    edges = grid.edges_um
    centres = grid.centres_um
    if w[0] > centres[0] or w[-1] < centres[-1]:
        raise InvalidQuantity(
            f"spectrum covers {w[0]:.3f}-{w[-1]:.3f} um; the model needs {edges[0]:.3f}-{edges[-1]:.3f} um",
            field="wavelength_um",
        )
    idx = np.searchsorted(edges, w, side="right") - 1
    inside = (idx >= 0) & (idx < grid.n_bins)
    ivar = 1.0 / spectrum.sigma_ppm[inside] ** 2
    counts = np.bincount(idx[inside], minlength=grid.n_bins)
    if (counts == 0).any():
        raise InvalidQuantity(
            f"spectrum (R~{spectrum.resolving_power:.0f}) is coarser than the model grid "
            f"(R~{grid.resolving_power:.0f}): {int((counts == 0).sum())} grid bins get no data",
            field="wavelength_um",
        )
    wsum = np.bincount(idx[inside], weights=ivar, minlength=grid.n_bins)
    dsum = np.bincount(idx[inside], weights=ivar * spectrum.depth_ppm[inside], minlength=grid.n_bins)
    return ObservedSpectrum(
        wavelength_um=grid.centres_um,
        depth_ppm=dsum / wsum,
        sigma_ppm=1.0 / np.sqrt(wsum),
        meta=dict(spectrum.meta),
    )


def on_grid(spectrum: ObservedSpectrum, grid: SpectralGrid) -> bool:
    """True when the spectrum's bins are already the grid's centres."""
    c = grid.centres_um
    return spectrum.wavelength_um.size == c.size and bool(np.allclose(spectrum.wavelength_um, c, rtol=1e-6))


def snr_gain_db(clean: FloatArray, noisy: FloatArray, estimate: FloatArray) -> float:
    """SNR improvement of ``estimate`` over ``noisy``, dB.

    With the signal (``clean``) fixed, SNR_out / SNR_in = MSE(noisy) / MSE(estimate), so the gain
    is 10 log10(sum (noisy - clean)^2 / sum (estimate - clean)^2); it stays defined for a flat
    (fully clouded) spectrum, whose signal variance is zero.
    """
    return 10.0 * float(np.log10(np.sum((noisy - clean) ** 2) / np.sum((estimate - clean) ** 2)))
