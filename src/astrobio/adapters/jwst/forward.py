"""A compact isothermal transmission-spectrum model and a JWST-like noise model (numpy only).

Transit radius (de Wit & Seager 2013; Heng & Kitzmann 2017, isothermal, constant gravity):

    R(lambda) = R0 + H ln(n0 sigma_bar(lambda) sqrt(2 pi R0 H) / tau_eq),   tau_eq = 0.56,

with H = k T / (mu m_u g), n0 = P0 / (k T) at P0 = 1 bar at R0, sigma_bar = sum_i x_i sigma_i
(H2O, CO2, CH4 from HITRAN2012 cross sections at 100 mbar binned on the grid, linear in T between
200 and 300 K and held at the 300 K table above; O3 and N2O as Gaussian band envelopes with
approximate HITRAN integrated band strengths; N2 Rayleigh scattering). A grey cloud deck at
P_c hides everything below R0 + H ln(P0/P_c). By default (the amortized estimator's training system)
g follows from R0 through the Chen & Kipping mass-radius relation, the host is an M dwarf of
0.12 R_sun (TRAPPIST-1-like) and N2 fills the rest; :meth:`IsothermalTransmissionModel.for_system`
gives the same model for another host radius, a fixed gravity and an N2 or H2/He background.

Noise: the S/N of an observation is the transit-depth signal of one scale height,
2 R0 H / R*^2, over the median per-bin sigma; an instrument mode sets the sigma's shape
(``nirspec_prism``: rising as (lambda/2.5 um)^0.6 as the M dwarf's photon rate falls;
``flat``: constant).
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from astrobio.application.ports.jwst import ForwardModel
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.jwst_spectrum import SpectralGrid
from astrobio.domain.retrieval import PriorBox, RetrievalSystem

FloatArray = NDArray[np.float64]

#: The model grid: 1.0-5.0 um (the near-infrared JWST window of the HITRAN tables), R ~ 30.
MODEL_GRID = SpectralGrid(min_um=1.0, max_um=5.0, n_bins=48)
INSTRUMENT_MODES = ("nirspec_prism", "flat")

K_B = 1.380649e-23
M_U = 1.66053907e-27
R_EARTH_M = 6.371e6
R_SUN_M = 6.957e8
G_EARTH = 9.80665
STAR_RADIUS_SUN = 0.12
TAU_EQ = 0.56
MU = {"h2o": 18.015, "co2": 44.01, "ch4": 16.04, "o3": 47.998, "n2o": 44.013, "n2": 28.013}
#: Gaussian band envelopes: (centre cm^-1, FWHM cm^-1, integrated strength cm/molecule), approximate.
BANDS = {
    "o3": ((2110.0, 70.0, 1.4e-19), (3045.0, 60.0, 1.0e-20)),
    "n2o": (
        (2224.0, 70.0, 9.7e-17),
        (2563.0, 60.0, 1.2e-18),
        (3480.0, 60.0, 1.4e-18),
        (4420.0, 60.0, 1.0e-19),
    ),
}
#: N2 Rayleigh cross section at 0.532 um, cm^2 (Sneep & Ubachs 2005).
RAYLEIGH_N2_CM2 = 5.1e-27
#: H2 Rayleigh cross section at 0.532 um, cm^2 (8.49e-45 / lambda_cm^4; Dalgarno & Williams 1962).
RAYLEIGH_H2_CM2 = 1.06e-27
#: Mean molecular weight of an H2/He background (85/15 by number), g/mol.
MU_H2_HE = 0.85 * 2.016 + 0.15 * 4.003


def _band_xsec(edges_um: FloatArray, bands: tuple[tuple[float, float, float], ...]) -> FloatArray:
    from math import erf, sqrt

    nu_hi, nu_lo = 1e4 / edges_um[:-1], 1e4 / edges_um[1:]
    out = np.zeros(edges_um.size - 1)
    for centre, fwhm, strength in bands:
        s = fwhm / 2.3548
        frac = np.array(
            [
                0.5 * (erf((hi - centre) / (sqrt(2) * s)) - erf((lo - centre) / (sqrt(2) * s)))
                for lo, hi in zip(nu_lo, nu_hi, strict=True)
            ]
        )
        out += strength * frac / (nu_hi - nu_lo)
    return out


class IsothermalTransmissionModel(ForwardModel):
    """Transit depth (ppm) on :data:`MODEL_GRID` for theta rows in :data:`DEFAULT_PRIORS` order."""

    def __init__(self, opacity_path: Path, priors: PriorBox | None = None) -> None:
        raw = opacity_path.read_bytes()
        #: Checksum of the opacity table (named in every retrieval's provenance).
        self.opacity_sha256 = hashlib.sha256(raw).hexdigest()
        doc = json.loads(raw)
        grid = SpectralGrid(**doc["grid"])
        if grid != MODEL_GRID:
            raise InvalidQuantity(f"opacity table is for grid {grid}, not {MODEL_GRID}", field="grid")
        self.grid = MODEL_GRID
        self.priors = priors or PriorBox()
        self._t_k = np.asarray(doc["temperatures_k"], dtype=np.float64)
        self._xsec = {m: np.asarray(v, dtype=np.float64) for m, v in doc["xsec_cm2"].items()}
        edges = self.grid.edges_um
        self._band = {m: _band_xsec(edges, b) for m, b in BANDS.items()}
        self._rayleigh = RAYLEIGH_N2_CM2 * (0.532 / self.grid.centres_um) ** 4
        self.system = RetrievalSystem()
        self._mu_background = MU["n2"]

    def for_system(self, system: RetrievalSystem) -> IsothermalTransmissionModel:
        """The same model (tables shared) for another host radius, gravity and background."""
        other = copy.copy(self)
        other.system = system
        h2 = system.background == "H2"
        other._mu_background = MU_H2_HE if h2 else MU["n2"]
        other._rayleigh = (RAYLEIGH_H2_CM2 if h2 else RAYLEIGH_N2_CM2) * (0.532 / self.grid.centres_um) ** 4
        return other

    def _table(self, mol: str, t_k: FloatArray) -> FloatArray:
        t = np.clip(t_k, self._t_k[0], self._t_k[-1])
        j = np.clip(np.searchsorted(self._t_k, t) - 1, 0, self._t_k.size - 2)
        f = ((t - self._t_k[j]) / (self._t_k[j + 1] - self._t_k[j]))[:, None]
        tab = self._xsec[mol]
        return np.asarray((1 - f) * tab[j] + f * tab[j + 1])

    def scale_height_m(self, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Scale height (m) and reference radius (m) per theta row."""
        th = np.atleast_2d(np.asarray(theta, dtype=np.float64))
        t_k, x = th[:, 0], 10.0 ** th[:, 1:6]
        r_earth = th[:, 7]
        mu = (1 - x.sum(axis=1)) * self._mu_background + x @ np.array(
            [MU[m] for m in ("h2o", "co2", "ch4", "o3", "n2o")]
        )
        if self.system.gravity_m_s2 is not None:
            g = np.full_like(r_earth, self.system.gravity_m_s2)
        else:
            # Chen & Kipping (2017) as in Kempton et al. (2018): M = 0.9718 R^3.58 (R < 1.23), 1.436 R^1.70
            mass = np.where(r_earth < 1.23, 0.9718 * r_earth**3.58, 1.436 * r_earth**1.70)
            g = G_EARTH * mass / r_earth**2
        return K_B * t_k / (mu * M_U * g), r_earth * R_EARTH_M

    def depth_ppm(self, theta: FloatArray) -> FloatArray:
        th = np.atleast_2d(np.asarray(theta, dtype=np.float64))
        if th.shape[1] != len(self.priors.priors):
            raise InvalidQuantity(f"theta needs {len(self.priors.priors)} columns", field="theta")
        t_k, x = th[:, 0], 10.0 ** th[:, 1:6]
        sigma = (
            x[:, 0:1] * self._table("h2o", t_k)
            + x[:, 1:2] * self._table("co2", t_k)
            + x[:, 2:3] * self._table("ch4", t_k)
            + x[:, 3:4] * self._band["o3"]
            + x[:, 4:5] * self._band["n2o"]
            + self._rayleigh
        ) * 1e-4  # cm^2 -> m^2
        h, r0 = self.scale_height_m(th)
        n0 = 1e5 / (K_B * t_k)
        clear = r0[:, None] + h[:, None] * np.log(
            n0[:, None] * sigma * np.sqrt(2 * np.pi * r0[:, None] * h[:, None]) / TAU_EQ
        )
        cloud = r0 + h * np.log(1.0 / 10.0 ** th[:, 6])
        radius = np.maximum(clear, cloud[:, None])
        return np.asarray(1e6 * (radius / (self.system.star_radius_sun * R_SUN_M)) ** 2)

    def scale_height_signal_ppm(self, theta: FloatArray) -> FloatArray:
        """Transit-depth change of one scale height, 2 R0 H / R*^2, ppm."""
        h, r0 = self.scale_height_m(theta)
        return np.asarray(1e6 * 2 * r0 * h / (self.system.star_radius_sun * R_SUN_M) ** 2)

    def sigma_ppm(self, theta: FloatArray, snr: FloatArray, modes: NDArray[np.int64]) -> FloatArray:
        """Per-bin 1-sigma noise for S/N ``snr`` (per scale height) and instrument mode index."""
        shapes = np.stack([(self.grid.centres_um / 2.5) ** 0.6, np.ones(self.grid.n_bins)])
        shapes = shapes / np.median(shapes, axis=1, keepdims=True)
        amp = self.scale_height_signal_ppm(theta) / np.asarray(snr, dtype=np.float64)
        return np.asarray(amp[:, None] * shapes[np.asarray(modes)])
