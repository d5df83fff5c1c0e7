"""The climate surrogates' physics prior: a diffusive energy-balance model (EBM) with ice-albedo feedback.

One latitude-band EBM (Budyko 1969; Sellers 1969; North, Cahalan & Coakley 1981, Rev. Geophys.
19, 91) per parameter set, integrated for the GCM runs' 240 days (the mean of days 120-240, the
records kept) from a warm start over a 3 m mixed layer (the ExoPlaSim configuration,
``data/gcm/README.md``), so that it follows the same branch (warm or snowball-bound) as the GCM:

    C dT/dt = S s(x) (1 - alpha(T)) - OLR(T) + D (1/cos x) d/dx (cos x dT/dx)

- rotating planets: x is latitude and s(x) the annual-mean insolation distribution for the
  obliquity (circular orbit); the GCM's days 120-240 hold a season whose phase varies from run to
  run (hemispheric contrasts of +-45 K), which an annual-mean EBM cannot know: that part stays
  for the residual (and, where unpredictable, for sigma); synchronous planets: x is the
  angular distance from the terminator
  towards the substellar point (the substellar point is the "pole", s = 4 max(sin x, 0): the
  dayside's cos of the zenith angle), mapped back onto latitude/longitude with the substellar
  point at longitude 180 deg (ExoPlaSim's convention);
- OLR = A - F_co2 ln(pCO2 / 284 ubar) - a_m ln(m / m_earth) + B (T - 273.15 K), with the CO2
  forcing 5.35 W m-2 per e-fold (Myhre et al. 1998, GRL 25, 2715) and m = p / g the column mass;
- alpha(T) = alpha_w + (alpha_i - alpha_w) (1 - tanh((T - T_ice) / 5 K)) / 2, both albedos
  lowered for cooler stars (ice and Rayleigh reflect less of a red spectrum: Joshi & Haberle 2012,
  Astrobiology 12, 3; Shields et al. 2013, Astrobiology 13, 715) by ``albedo_teff_slope`` per
  1000 K below 5772 K;
- D = D0 (m / m_earth) (P_rot / 1 d)^gamma for rotating planets (transport grows with the
  atmosphere's heat capacity and as rotation slows; Williams & Kasting 1997, Icarus 129, 254) and
  D_sync (m / m_earth) for synchronous ones.

The column above the surface (for ``ta`` and ``hus``): a moist lapse rate, ta = ts sigma^0.19
(R_d Gamma / g with Gamma = 6.5 K km-1 and Gamma_dry = g / c_p, independent of g), floored at the
skin temperature T_eq 2^(-1/4); relative humidity 0.77 (sigma - 0.02) / 0.98 (Manabe & Wetherald
1967, J. Atmos. Sci. 24, 241) of saturation (Bolton 1980).

Coefficient defaults are North et al.'s Earth values; :class:`EbmCoefficients` are refit to the
training runs of a surrogate (the networks then learn the residual GCM - EBM).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

SIGMA_SB = 5.670374419e-8
#: 3 m mixed layer: rho c_p h (J m-2 K-1), the GCM runs' ocean
MIXED_LAYER_HEAT_CAPACITY = 1000.0 * 4186.0 * 3.0
RUN_DAYS = 240.0
PREINDUSTRIAL_CO2_BAR = 284e-6
EARTH_COLUMN = 1.0 / 9.80665  # m = p / g with p in bar
LAPSE_EXPONENT = 0.19
N_BANDS = 36


@dataclass(frozen=True, slots=True, kw_only=True)
class EbmCoefficients:
    """Tunable EBM coefficients (W m-2, W m-2 K-1, K), see the module docstring."""

    olr_a_w_m2: float = 203.3
    olr_b_w_m2_k: float = 2.09
    co2_forcing_w_m2: float = 5.35
    column_forcing_w_m2: float = 10.0
    albedo_warm: float = 0.30
    albedo_ice: float = 0.62
    albedo_teff_slope: float = 0.03
    ice_temp_k: float = 263.0
    diffusion_w_m2_k: float = 0.649
    rotation_exponent: float = 0.3
    diffusion_sync_w_m2_k: float = 1.0

    def to_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EbmCoefficients:
        known = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in data.items() if k in known})


def annual_insolation(lat_rad: np.ndarray, obliquity_deg: float) -> np.ndarray:
    """Annual-mean daily insolation / (S/4) at ``lat_rad`` for a circular orbit (mean 1 over the sphere)."""
    eps = np.deg2rad(obliquity_deg)
    lam = np.linspace(0.0, 2.0 * np.pi, 96, endpoint=False)
    dec = np.arcsin(np.sin(eps) * np.sin(lam))[:, None]
    phi = lat_rad[None, :]
    cos_h0 = np.clip(-np.tan(phi) * np.tan(dec), -1.0, 1.0)
    h0 = np.arccos(cos_h0)
    q = (h0 * np.sin(phi) * np.sin(dec) + np.cos(phi) * np.cos(dec) * np.sin(h0)) / np.pi
    out: np.ndarray = 4.0 * q.mean(0)
    return out


def _grid() -> tuple[np.ndarray, np.ndarray]:
    edges = np.linspace(-np.pi / 2, np.pi / 2, N_BANDS + 1)
    return 0.5 * (edges[1:] + edges[:-1]), edges


def _laplacian() -> np.ndarray:
    """Finite-volume (1/cos x) d/dx (cos x d/dx) on the bands (no flux through the poles)."""
    _, e = _grid()
    dx = e[1] - e[0]
    area = np.sin(e[1:]) - np.sin(e[:-1])
    lap = np.zeros((N_BANDS, N_BANDS))
    for j in range(N_BANDS - 1):
        c = np.cos(e[j + 1]) / dx
        lap[j, j] -= c / area[j]
        lap[j, j + 1] += c / area[j]
        lap[j + 1, j + 1] -= c / area[j + 1]
        lap[j + 1, j] += c / area[j + 1]
    return lap


def ebm_bands(params: np.ndarray, coeffs: EbmCoefficients, obliquity_deg: float = 23.44) -> np.ndarray:
    """Band temperatures (N, 36) after 240 days; ``params`` (N, 8) in SURROGATE_INPUTS order.

    Band j of a rotating planet is latitude x_j; of a synchronous one, angle x_j from the terminator.
    """
    p = np.asarray(params, dtype=np.float64).reshape(-1, 8)
    teff, s0, _, g, prot, sync, ps, pco2 = p.T
    x, _ = _grid()
    c = coeffs
    sync_b = sync[:, None] > 0.5
    s_rot = annual_insolation(x, obliquity_deg)[None, :]
    s_sync = 4.0 * np.maximum(np.sin(x), 0.0)[None, :]
    insol = s0[:, None] / 4.0 * np.where(sync_b, s_sync, s_rot)
    column = np.log((ps / g) / EARTH_COLUMN)
    a_eff = (c.olr_a_w_m2 - c.co2_forcing_w_m2 * np.log(pco2 / PREINDUSTRIAL_CO2_BAR)
             - c.column_forcing_w_m2 * column)[:, None]
    shift = c.albedo_teff_slope * (5772.0 - teff) / 1000.0
    aw = np.clip(c.albedo_warm - shift, 0.02, 0.9)[:, None]
    ai = np.clip(c.albedo_ice - shift, 0.05, 0.95)[:, None]
    d = np.where(sync > 0.5, c.diffusion_sync_w_m2_k,
                 c.diffusion_w_m2_k * np.clip(prot, 0.05, 1e3) ** c.rotation_exponent) * np.exp(column)
    dt = 2.0 * 86400.0
    cap = MIXED_LAYER_HEAT_CAPACITY / dt
    lap = _laplacian()
    eye = np.eye(N_BANDS)
    op = (cap + c.olr_b_w_m2_k) * eye[None] - d[:, None, None] * lap[None]
    inv = np.linalg.inv(op)  # constant per planet: one inverse, then matrix-vector steps
    t = np.where(sync_b, 288.0, 300.0 - 45.0 * np.sin(x)[None, :] ** 2) * np.ones_like(insol)
    n_steps = int(RUN_DAYS / 2.0)
    mean = np.zeros_like(t)
    for step in range(n_steps):
        alpha = aw + (ai - aw) * 0.5 * (1.0 - np.tanh((t - c.ice_temp_k) / 5.0))
        rhs = cap * t + insol * (1.0 - alpha) - a_eff + c.olr_b_w_m2_k * 273.15
        t = np.einsum("nij,nj->ni", inv, rhs)
        if step >= n_steps // 2:  # the kept GCM records: days 120-240
            mean += t / (n_steps - n_steps // 2)
    return mean


def surface_temperature(params: np.ndarray, coeffs: EbmCoefficients, lat_deg: np.ndarray,
                        lon_deg: np.ndarray) -> np.ndarray:
    """The EBM's surface temperature on the GCM grid, (N, lat, lon) in K."""
    p = np.asarray(params, dtype=np.float64).reshape(-1, 8)
    bands = ebm_bands(p, coeffs)
    x, _ = _grid()
    lat = np.deg2rad(np.asarray(lat_deg, dtype=np.float64))
    lon = np.deg2rad(np.asarray(lon_deg, dtype=np.float64))
    # synchronous: angle from the terminator, substellar point at (0, 180 deg)
    psi = np.arcsin(np.clip(np.cos(lat)[:, None] * np.cos(lon - np.pi)[None, :], -1.0, 1.0))
    out = np.empty((len(p), len(lat), len(lon)))
    for n in range(len(p)):
        if p[n, 5] > 0.5:
            out[n] = np.interp(psi, x, bands[n])
        else:
            out[n] = np.interp(lat, x, bands[n])[:, None]
    return out


def q_saturation(t_k: np.ndarray, p_pa: np.ndarray) -> np.ndarray:
    """Saturation specific humidity over water (Bolton 1980 vapour pressure), kg kg-1, at most 0.1."""
    t_c = t_k - 273.15
    e_s = 611.2 * np.exp(17.67 * t_c / (t_c + 243.5))
    # capped at 0.1 kg/kg: where e_s nears p (hot, thin columns) the formula diverges
    out: np.ndarray = np.minimum(0.622 * e_s / np.maximum(p_pa - 0.378 * e_s, 1.0), 0.1)
    return out


def column_prior(ts_k: np.ndarray, params: np.ndarray, sigma: np.ndarray, coeffs: EbmCoefficients,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Air temperature and specific humidity (N, lev, lat, lon) above an EBM surface ``ts_k``
    (N, lat, lon)."""
    p = np.asarray(params, dtype=np.float64).reshape(-1, 8)
    sig = np.asarray(sigma, dtype=np.float64)[None, :, None, None]
    shift = coeffs.albedo_teff_slope * (5772.0 - p[:, 0]) / 1000.0
    bond = np.clip(coeffs.albedo_warm - shift, 0.02, 0.9)
    skin = (p[:, 1] * (1.0 - bond) / (4.0 * SIGMA_SB)) ** 0.25 * 2.0 ** -0.25
    ta = np.maximum(ts_k[:, None] * sig ** LAPSE_EXPONENT, skin[:, None, None, None])
    rh = np.clip(0.77 * (sig - 0.02) / 0.98, 0.0, 1.0)
    hus = rh * q_saturation(ta, sig * p[:, 6][:, None, None, None] * 1e5)
    return ta, hus
