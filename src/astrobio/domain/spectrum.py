"""Transmission and thermal-emission spectra of a layered atmosphere (pure numpy radiative transfer).

Opacity sources: tabulated k-distributions k(P, T, g, nu) (or, in the older table format, cross sections
with a fixed sub-bin distribution) interpolated linearly in log P and T, held at the table edges and
reported by :func:`coverage_warnings`; collision-induced absorption and the water continuum as pair
terms k(T, nu) x n_a n_b; Rayleigh scattering
sigma_R = sigma_0 (0.532 um / lambda)^4 (sigma_0 from Sneep & Ubachs 2005 and the H2 polarisability),
and an optional grey opaque cloud deck. Transmission integrates the slant optical depth along chords
through spherical shells (Brown 2001; Tinetti et al. 2012 formulation):
delta = [R_0^2 + sum_i 2 b_i db_i (1 - exp(-tau_i))] / R_s^2. Emission: non-scattering, 4-point
Gauss-Legendre angular quadrature over the vertical optical depth, surface emitting as a blackbody.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from astrobio.domain.atmosphere import ATOMIC_MASS_KG, K_BOLTZMANN, Atmosphere
from astrobio.domain.errors import InvalidQuantity

#: Rayleigh cross sections at 0.532 um, cm^2 (Sneep & Ubachs 2005; H2 from Dalgarno & Williams 1962).
RAYLEIGH_532_CM2: Mapping[str, float] = {
    "N2": 5.1e-27,
    "O2": 4.5e-27,
    "CO2": 12.4e-27,
    "CH4": 12.5e-27,
    "H2O": 2.9e-27,
    "H2": 1.06e-27,
    "He": 0.08e-27,
    "Ar": 4.8e-27,
    "CO": 6.2e-27,
    "N2O": 15.0e-27,
    "O3": 8.0e-27,
}
CIA_PAIRS: Sequence[tuple[str, str, str]] = (
    ("N2-N2", "N2", "N2"),
    ("O2-O2", "O2", "O2"),
    ("O2-N2", "O2", "N2"),
    ("CO2-CO2", "CO2", "CO2"),
    ("H2-H2", "H2", "H2"),
    ("H2-He", "H2", "He"),
    ("H2O-H2O", "H2O", "H2O"),
    ("H2O-air", "H2O", "air"),
)
#: Gases whose only opacity at 0.2-100 um is collision-induced absorption and Rayleigh scattering.
SCATTERING_ONLY_GASES = frozenset({"N2", "H2", "He", "Ar"})
#: Partners of the MT_CKD foreign continuum (an air-broadened continuum: not applied to H2/He).
AIR_GASES = ("N2", "O2", "Ar")
H_PLANCK, C_LIGHT = 6.62607015e-34, 2.99792458e8
#: A layered atmosphere reaching beyond this many planet radii is refused (escaping, not hydrostatic).
UNBOUND_RADIUS_FACTOR = 2.0
_GAUSS_MU, _GAUSS_W = np.polynomial.legendre.leggauss(4)
_GAUSS_MU, _GAUSS_W = 0.5 * (_GAUSS_MU + 1.0), 0.5 * _GAUSS_W


@dataclass(frozen=True, slots=True, kw_only=True)
class OpacityTables:
    """Cross sections on one wavenumber grid (ascending), loaded by an adapter.

    Attributes
    ----------
    wavenumber_cm1: (N,) bin centres. species: names of the first axis of ``xsec_cm2``.
    pressure_bar (P,), temperature_k (T,): table nodes (ascending).
    xsec_cm2: (S, P, T, N) cross sections per molecule (the g-weighted mean when ``kcoeff_cm2`` is given).
    cia_pairs: names like ``"N2-N2"``; cia_temperature_k (Tc,); cia_cm5: (C, Tc, N), cm^5 molecule^-2.
    kdist_weight (G,), kdist_ratio (S, G, N): sub-bin distribution of each cross section (mean of each
        quantile interval over the bin mean, from 1 cm^-1 data; the gases are combined as perfectly
        correlated). None: one point per bin, i.e. the bin-mean cross section.
    source: provenance text. sha256: checksum of the table file ("" when unknown).
    kcoeff_cm2: (P, T, S, G, N) k-coefficients at the g-points of ``kdist_weight`` (None: older format).
    species_valid_t_k (S, 2), cia_valid_t_k (C, N, 2): temperatures each table holds data for (NaN: none).
    methods: ``gas`` / ``cia.<pair>`` -> source and method text, copied into spectrum provenance.
    """

    wavenumber_cm1: np.ndarray
    species: tuple[str, ...]
    pressure_bar: np.ndarray
    temperature_k: np.ndarray
    xsec_cm2: np.ndarray
    cia_pairs: tuple[str, ...]
    cia_temperature_k: np.ndarray
    cia_cm5: np.ndarray
    kdist_weight: np.ndarray | None = None
    kdist_ratio: np.ndarray | None = None
    source: str = ""
    sha256: str = ""
    kcoeff_cm2: np.ndarray | None = None
    species_valid_t_k: np.ndarray | None = None
    cia_valid_t_k: np.ndarray | None = None
    methods: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.wavenumber_cm1.size
        if self.xsec_cm2.shape != (len(self.species), self.pressure_bar.size, self.temperature_k.size, n):
            raise InvalidQuantity("cross-section table shape mismatch", field="xsec_cm2")
        if self.cia_cm5.shape != (len(self.cia_pairs), self.cia_temperature_k.size, n):
            raise InvalidQuantity("CIA table shape mismatch", field="cia_cm5")
        if self.kcoeff_cm2 is not None:
            g = 0 if self.kdist_weight is None else self.kdist_weight.size
            shape = (self.pressure_bar.size, self.temperature_k.size, len(self.species), g, n)
            if self.kcoeff_cm2.shape != shape:
                raise InvalidQuantity("k-coefficient table shape mismatch", field="kcoeff_cm2")
            object.__setattr__(self, "kdist_ratio", np.ones((len(self.species), g, n)))
            return
        if self.kdist_ratio is None or self.kdist_weight is None:
            object.__setattr__(self, "kdist_weight", np.ones(1))
            object.__setattr__(self, "kdist_ratio", np.ones((len(self.species), 1, n)))
        elif self.kdist_ratio.shape != (len(self.species), self.kdist_weight.size, n):
            raise InvalidQuantity("sub-bin distribution shape mismatch", field="kdist_ratio")

    @property
    def wavelength_um(self) -> np.ndarray:
        return 1e4 / self.wavenumber_cm1

    def window(self, wavelength_min_um: float, wavelength_max_um: float) -> OpacityTables:
        """The tables restricted to [min, max] um; outside the tables raises naming ``wavelength_um``."""
        wl = self.wavelength_um
        lo, hi = float(wl.min()), float(wl.max())
        if not (lo * 0.995 <= wavelength_min_um < wavelength_max_um <= hi * 1.005):
            raise InvalidQuantity(
                f"wavelength range must lie within the opacity tables, {lo:.3g}-{hi:.4g} um",
                field="wavelength_um",
            )
        keep = (wl >= wavelength_min_um) & (wl <= wavelength_max_um)
        return OpacityTables(
            wavenumber_cm1=self.wavenumber_cm1[keep],
            species=self.species,
            pressure_bar=self.pressure_bar,
            temperature_k=self.temperature_k,
            xsec_cm2=self.xsec_cm2[..., keep],
            cia_pairs=self.cia_pairs,
            cia_temperature_k=self.cia_temperature_k,
            cia_cm5=self.cia_cm5[..., keep],
            kdist_weight=self.kdist_weight,
            kdist_ratio=None if self.kcoeff_cm2 is not None else np.asarray(self.kdist_ratio)[..., keep],
            source=self.source,
            sha256=self.sha256,
            kcoeff_cm2=None if self.kcoeff_cm2 is None else np.ascontiguousarray(self.kcoeff_cm2[..., keep]),
            species_valid_t_k=self.species_valid_t_k,
            cia_valid_t_k=None if self.cia_valid_t_k is None else self.cia_valid_t_k[:, keep],
            methods=self.methods,
        )

    def xsec(self, pressure_bar: np.ndarray, temperature_k: np.ndarray) -> np.ndarray:
        """(S, L, N) cross sections at each layer, bilinear in (log P, T), clamped to the table."""
        lp = np.log(self.pressure_bar)
        i0, fp = _bracket(lp, np.log(pressure_bar))
        j0, ft = _bracket(self.temperature_k, temperature_k)
        x = self.xsec_cm2
        a = x[:, i0, j0] * (1 - ft)[:, None] + x[:, i0, j0 + 1] * ft[:, None]
        b = x[:, i0 + 1, j0] * (1 - ft)[:, None] + x[:, i0 + 1, j0 + 1] * ft[:, None]
        return np.asarray(a * (1 - fp)[:, None] + b * fp[:, None])

    def cia(self, temperature_k: np.ndarray) -> np.ndarray:
        """(C, L, N) CIA coefficients at each layer temperature (linear in T, clamped)."""
        j0, ft = _bracket(self.cia_temperature_k, temperature_k)
        c = self.cia_cm5
        return np.asarray(c[:, j0] * (1 - ft)[:, None] + c[:, j0 + 1] * ft[:, None])


def _bracket(nodes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = np.clip(values, nodes[0], nodes[-1])
    i = np.clip(np.searchsorted(nodes, v) - 1, 0, nodes.size - 2)
    return i, (v - nodes[i]) / (nodes[i + 1] - nodes[i])


@dataclass(frozen=True, slots=True, kw_only=True)
class Spectrum:
    """A planet's spectrum on one wavelength grid.

    Attributes
    ----------
    wavelength_um: (N,) ascending. transit_depth_ppm: (N,) (R_p(lambda)/R_s)^2 in ppm.
    emission_contrast_ppm: (N,) F_p/F_s (R_p/R_s)^2 in ppm, or None without a stellar spectrum.
    provenance: what produced each part.
    """

    wavelength_um: np.ndarray
    transit_depth_ppm: np.ndarray
    emission_contrast_ppm: np.ndarray | None = None
    provenance: Mapping[str, str] = field(default_factory=dict)


def altitudes_m(atm: Atmosphere) -> np.ndarray:
    """Level radii (L,) from hydrostatic equilibrium with g(r) = g_0 (R_0 / r)^2."""
    p, t = np.asarray(atm.pressure_bar), np.asarray(atm.temperature_k)
    mu = atm.mean_molecular_weight() * ATOMIC_MASS_KG
    r = np.empty(p.size)
    r[0] = atm.radius_m
    for i in range(1, p.size):
        g = atm.gravity_m_s2 * (atm.radius_m / r[i - 1]) ** 2
        tm, mm = 0.5 * (t[i] + t[i - 1]), 0.5 * (mu[i] + mu[i - 1])
        r[i] = r[i - 1] + K_BOLTZMANN * tm / (mm * g) * np.log(p[i - 1] / p[i])
        if not r[i] < UNBOUND_RADIUS_FACTOR * atm.radius_m:
            raise InvalidQuantity(
                "atmosphere not gravitationally bound at this gravity and temperature (it would reach beyond "
                f"{UNBOUND_RADIUS_FACTOR:g} planet radii)",
                field="gravity_m_s2",
            )
    return r


def extinction_per_m(atm: Atmosphere, tables: OpacityTables, *, exclude: Sequence[str] = ()) -> np.ndarray:
    """(G, L, N) extinction coefficient [1/m] of each layer per sub-bin point: molecules + CIA + Rayleigh."""
    p, t = np.asarray(atm.pressure_bar), np.asarray(atm.temperature_k)
    n_cm3 = p * 1e5 / (K_BOLTZMANN * t) * 1e-6
    ratio = np.asarray(tables.kdist_ratio)
    alpha = np.zeros((p.size, tables.wavenumber_cm1.size))
    if tables.kcoeff_cm2 is not None:
        alpha_g = _k_extinction(atm, tables, n_cm3, exclude)
    else:
        alpha_g = np.zeros((ratio.shape[1], p.size, tables.wavenumber_cm1.size))
        xs = tables.xsec(p, t)
        for k, gas in enumerate(tables.species):
            if gas in atm.vmr and gas not in exclude:
                alpha_g += ((np.asarray(atm.vmr[gas]) * n_cm3)[:, None] * xs[k])[None, :, :] * ratio[k][
                    :, None, :
                ]
    for k, name in enumerate(tables.cia_pairs):
        pair = next((pp for pp in CIA_PAIRS if pp[0] == name), None)
        if pair is None or pair[1] in exclude or pair[2] in exclude:
            continue
        xa, xb = _partner_vmr(atm, pair[1], exclude), _partner_vmr(atm, pair[2], exclude)
        if xa is not None and xb is not None:
            alpha += (np.asarray(xa) * np.asarray(xb) * n_cm3**2)[:, None] * _cia_at(tables, k, t)
    ray = (tables.wavelength_um / 0.532) ** -4
    scatter = np.zeros(p.size)
    for gas, x in atm.vmr.items():
        if gas in RAYLEIGH_532_CM2 and gas not in exclude:
            scatter += np.asarray(x) * n_cm3 * RAYLEIGH_532_CM2[gas]
    alpha += scatter[:, None] * ray[None, :]
    alpha_g += alpha[None]
    alpha_g *= 100.0  # 1/cm -> 1/m
    return alpha_g


def _cia_at(tables: OpacityTables, k: int, temperature_k: np.ndarray) -> np.ndarray:
    """(L, N) coefficients of CIA pair ``k`` at each layer temperature (linear in T, held at the edges)."""
    j0, ft = _bracket(tables.cia_temperature_k, temperature_k)
    c = tables.cia_cm5[k]
    return np.asarray(c[j0] * (1 - ft)[:, None] + c[j0 + 1] * ft[:, None])


def _partner_vmr(atm: Atmosphere, gas: str, exclude: Sequence[str]) -> np.ndarray | None:
    if gas != "air":
        x = atm.vmr.get(gas)
        return None if x is None else np.asarray(x)
    parts = [np.asarray(atm.vmr[g]) for g in AIR_GASES if g in atm.vmr and g not in exclude]
    return np.sum(parts, axis=0) if parts else None


def _k_extinction(
    atm: Atmosphere, tables: OpacityTables, n_cm3: np.ndarray, exclude: Sequence[str]
) -> np.ndarray:
    """(G, L, N) molecular extinction [1/cm] from (P, T, S, G, N) k-coefficients.

    Bilinear in (log P, T); the gases of a bin are combined at equal g (perfectly correlated).
    Nodes outside the table are held at the edge here and reported by :func:`coverage_warnings`.
    """
    kc = np.asarray(tables.kcoeff_cm2)
    p, t = np.asarray(atm.pressure_bar), np.asarray(atm.temperature_k)
    present = [k for k, g in enumerate(tables.species) if g in atm.vmr and g not in exclude]
    n_g, n_nu = kc.shape[3], kc.shape[4]
    if not present:
        return np.zeros((n_g, p.size, n_nu))
    sel = np.array(present)
    # float32 like the table: 7 significant digits are ample for optical depths, and half the memory traffic
    dens = np.stack([np.asarray(atm.vmr[tables.species[k]]) * n_cm3 for k in present], axis=1)
    dens = dens.astype(kc.dtype)  # (L, S')
    i0, fp = _bracket(np.log(tables.pressure_bar), np.log(p))
    j0, ft = _bracket(tables.temperature_k, t)
    out = np.empty((p.size, n_g * n_nu), dtype=kc.dtype)
    # Layers sharing a table cell share its four corner blocks: one gather per cell, one matmul per corner.
    cell = i0 * kc.shape[1] + j0
    for c in np.unique(cell):
        rows = np.flatnonzero(cell == c)
        i, j = int(i0[rows[0]]), int(j0[rows[0]])
        acc = np.zeros((rows.size, n_g * n_nu), dtype=kc.dtype)
        for di, dj, wgt in (
            (0, 0, (1 - fp[rows]) * (1 - ft[rows])),
            (0, 1, (1 - fp[rows]) * ft[rows]),
            (1, 0, fp[rows] * (1 - ft[rows])),
            (1, 1, fp[rows] * ft[rows]),
        ):
            blk = kc[i + di, j + dj, sel].reshape(sel.size, n_g * n_nu)
            acc += (dens[rows] * wgt[:, None].astype(kc.dtype)) @ blk
        out[rows] = acc
    return np.ascontiguousarray(out.reshape(p.size, n_g, n_nu).transpose(1, 0, 2))


def coverage_warnings(atm: Atmosphere, tables: OpacityTables) -> tuple[str, ...]:
    """What the tables cannot represent for ``atm``: gases without any opacity, layers outside the
    tabulated temperatures / pressures of a gas or pair present (values held at the edge)."""
    out: list[str] = []
    p, t = np.asarray(atm.pressure_bar), np.asarray(atm.temperature_k)
    for gas, x in atm.vmr.items():
        if float(np.max(x)) <= 0 or gas in tables.species or gas in SCATTERING_ONLY_GASES:
            continue
        how = "only Rayleigh scattering" if gas in RAYLEIGH_532_CM2 else "nothing"
        out.append(f"gas {gas} has no opacity data in the tables: it contributes {how} to this spectrum")
    tlo, thi = float(tables.temperature_k[0]), float(tables.temperature_k[-1])
    if t.min() < tlo or t.max() > thi:
        out.append(
            f"layer temperatures {t.min():.0f}-{t.max():.0f} K reach outside the opacity tables "
            f"({tlo:.0f}-{thi:.0f} K): opacities held at the nearest table temperature there"
        )
    if p.max() > float(tables.pressure_bar[-1]) * 1.0001:
        out.append(
            f"pressures above {tables.pressure_bar[-1]:g} bar lie outside the opacity tables: "
            "held at the highest table pressure"
        )
    if tables.species_valid_t_k is not None:
        for k, gas in enumerate(tables.species):
            lo, hi = tables.species_valid_t_k[k]
            if gas in atm.vmr and float(np.max(atm.vmr[gas])) > 0 and (t.min() < lo or t.max() > hi):
                out.append(f"{gas} opacity tabulated only for {lo:.0f}-{hi:.0f} K: held at the edge outside")
    if tables.cia_valid_t_k is not None:
        cia_any = tables.cia_cm5.max(axis=1) > 0
        for c, name in enumerate(tables.cia_pairs):
            pair = next((pp for pp in CIA_PAIRS if pp[0] == name), None)
            if pair is None:
                continue
            xa, xb = _partner_vmr(atm, pair[1], ()), _partner_vmr(atm, pair[2], ())
            if xa is None or xb is None or float(np.max(np.asarray(xa) * np.asarray(xb))) <= 0:
                continue
            v = tables.cia_valid_t_k[c]
            ok = cia_any[c] & np.isfinite(v[:, 0])
            bad = ok & ((t.min() < v[:, 0]) | (t.max() > v[:, 1]))
            if bad.any():
                wl = tables.wavelength_um[bad]
                lo, hi = np.nanmin(v[bad, 0]), np.nanmax(v[bad, 1])
                out.append(
                    f"{name} CIA measured only for {lo:.0f}-{hi:.0f} K at "
                    f"{wl.min():.2f}-{wl.max():.2f} um: held at the nearest measured temperature"
                )
    return tuple(out)


def transit_depth(
    atm: Atmosphere,
    tables: OpacityTables,
    star_radius_m: float,
    *,
    exclude: Sequence[str] = (),
    alpha_per_m: np.ndarray | None = None,
) -> np.ndarray:
    """Transit depth (N,), fraction, by slant optical depth through spherical shells.

    Rays pass at the layer mid-radii above the surface (or the cloud top, whichever is higher); below
    that the planet is opaque. ``alpha_per_m`` may be given to reuse an extinction computed earlier.
    """
    r = altitudes_m(atm)
    alpha = extinction_per_m(atm, tables, exclude=exclude) if alpha_per_m is None else alpha_per_m
    a_mid = 0.5 * (alpha[:, 1:] + alpha[:, :-1])  # (G, L-1, N) in shell i between r[i] and r[i+1]
    r0 = r[0]
    if atm.cloud_top_pressure_bar is not None and atm.cloud_top_pressure_bar < atm.pressure_bar[0]:
        r0 = float(np.interp(np.log(atm.cloud_top_pressure_bar), np.log(atm.pressure_bar[::-1]), r[::-1]))
    b = 0.5 * (r[1:] + r[:-1])
    # path[i, j]: chord length through shell j of a ray at impact parameter b[i] (j >= i).
    rr_hi = np.sqrt(np.clip(r[None, 1:] ** 2 - b[:, None] ** 2, 0.0, None))
    rr_lo = np.sqrt(np.clip(r[None, :-1] ** 2 - b[:, None] ** 2, 0.0, None))
    tau = np.matmul((2.0 * (rr_hi - rr_lo)).astype(a_mid.dtype), a_mid)  # (G, L-1, N)
    # Annulus area (over pi) of each ray above the opaque disk of radius r0.
    ring = np.clip(r[1:] ** 2 - np.maximum(r[:-1], r0) ** 2, 0.0, None)
    absorbed = np.einsum("l,gln->gn", ring, -np.expm1(-tau))
    blocked = r0**2 + np.asarray(tables.kdist_weight) @ absorbed
    return np.asarray(blocked / star_radius_m**2)


def planck_w_m2_um_sr(wavelength_um: np.ndarray, temperature_k: np.ndarray | float) -> np.ndarray:
    """Planck spectral radiance B_lambda, W m^-2 um^-1 sr^-1."""
    lam = np.asarray(wavelength_um) * 1e-6
    x = np.clip(H_PLANCK * C_LIGHT / (lam * K_BOLTZMANN * np.asarray(temperature_k)), 1e-10, 700.0)
    return np.asarray(2 * H_PLANCK * C_LIGHT**2 / lam**5 / np.expm1(x) * 1e-6)


def emission_flux_w_m2_um(
    atm: Atmosphere,
    tables: OpacityTables,
    *,
    exclude: Sequence[str] = (),
    alpha_per_m: np.ndarray | None = None,
) -> np.ndarray:
    """Outgoing thermal flux at the top (N,), W m^-2 um^-1, non-scattering, surface = blackbody at T[0]."""
    r = altitudes_m(atm)
    alpha = extinction_per_m(atm, tables, exclude=exclude) if alpha_per_m is None else alpha_per_m
    dtau = 0.5 * (alpha[:, 1:] + alpha[:, :-1]) * np.diff(r)[None, :, None]  # (G, L-1, N)
    tau_above = np.concatenate(
        [np.cumsum(dtau[:, ::-1], axis=1)[:, ::-1], np.zeros((dtau.shape[0], 1, dtau.shape[2]))], axis=1
    )
    wl = tables.wavelength_um
    t = np.asarray(atm.temperature_k)
    b_lev = planck_w_m2_um_sr(wl[None, :], t[:, None])
    b_lay = 0.5 * (b_lev[1:] + b_lev[:-1])
    surface_index = 0
    if atm.cloud_top_pressure_bar is not None and atm.cloud_top_pressure_bar < atm.pressure_bar[0]:
        surface_index = int(np.searchsorted(-np.asarray(atm.pressure_bar), -atm.cloud_top_pressure_bar))
        surface_index = min(surface_index, t.size - 2)
    flux = np.zeros(wl.size)
    s = surface_index
    for mu, w in zip(_GAUSS_MU, _GAUSS_W, strict=True):
        trans = np.exp(-tau_above / mu)  # (G, L, N) from each level to space
        intensity = b_lev[s] * trans[:, s] + (b_lay[None, s:] * (trans[:, s + 1 :] - trans[:, s:-1])).sum(1)
        flux += 2.0 * np.pi * w * mu * (np.asarray(tables.kdist_weight) @ intensity)
    return flux


def bin_mean(wavelength_um: np.ndarray, values: np.ndarray, edges_um: np.ndarray) -> np.ndarray:
    """Mean of ``values`` (sampled at ``wavelength_um``, ascending) in each bin of ``edges_um``."""
    idx = np.searchsorted(edges_um, wavelength_um) - 1
    ok = (idx >= 0) & (idx < edges_um.size - 1)
    s = np.bincount(idx[ok], weights=values[ok], minlength=edges_um.size - 1)
    c = np.bincount(idx[ok], minlength=edges_um.size - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(c > 0, s / np.maximum(c, 1), np.nan))
