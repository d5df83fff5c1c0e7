"""A reduced photochemistry: star-dependent lifetimes and steady-state mixing ratios of biogenic gases.

No reaction network is solved. Each gas with a surface flux ``F`` (molecules cm^-2 s^-1) is lost at
a first-order rate ``1/tau``; its steady-state mixing ratio is ``x = F tau / N_col`` with ``N_col``
the column number density (one-box model). The lifetimes depend on the star through photolysis
rate coefficients integrated over its spectrum (VULCAN UV cross sections x the stellar SED, per W
m^-2 of bolometric flux, see ``scripts/build_photochem_data.py``) and on the atmosphere's state:

* **oxic** (an O2/O3 atmosphere, i.e. an oxygenic biosphere): CH4 is destroyed by tropospheric OH,
  whose production scales with O3 + hv -> O(1D) below an Earth-like ozone column (O3 shielding
  applied to the photons). ``tau_OH = tau_Earth * J_O1D(Sun) / J_O1D(star)`` at the same bolometric
  instellation (Earth: 9.1 yr, IPCC AR6). N2O is photolysed in the stratosphere at 180-240 nm:
  ``tau = 109 yr * J_N2O(Sun) / J_N2O(star)``. This is why the same CH4 flux gives far more CH4
  around a UV-quiet M dwarf (Segura et al. 2005, Astrobiology 5, 706).
* **anoxic**: no ozone, OH is scarce; CH4 is lost mainly by photolysis (Lyman alpha) high in the
  atmosphere and by the OH that photolysis of H2O makes. The reduced model scales a Sun-like anoxic
  lifetime, ``tau_anoxic(Sun)`` = 6,300 yr, chosen so that a CH4 flux of 1.1e11 cm^-2 s^-1 gives
  ~1,000 ppm as in the anoxic Archean models of Pavlov et al. (2001) and Kharecha et al. (2005), by
  ``J_CH4(Sun) / J_CH4(star)``. The same photolysis also acts in an oxic atmosphere (harmonic sum),
  which caps the oxic lifetime around stars with little near-UV but strong Lyman alpha.

All ``J`` are per W m^-2 of bolometric flux, so they scale with the instellation; the lifetimes
scale inversely with the planet's instellation in Earth units.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.quantities import require_finite, require_positive

YEAR_S = 3.15576e7
ATOMIC_MASS_KG = 1.66053906660e-27
#: Modern Earth lifetimes (yr): CH4 9.1 (total, IPCC AR6 WG1 Ch. 6), N2O 109 (AR6 Table 7.SM.7).
EARTH_LIFETIME_YR: Mapping[str, float] = {"CH4": 9.1, "N2O": 109.0}
#: Anoxic Sun-like CH4 lifetime (yr): 1.1e11 cm^-2 s^-1 -> ~1e-3 (Pavlov et al. 2001; Kharecha et al. 2005).
ANOXIC_CH4_LIFETIME_SUN_YR = 6300.0
#: Gases the reduced model knows.
PHOTOCHEMICAL_GASES = ("CH4", "N2O")


@dataclass(frozen=True, slots=True, kw_only=True)
class StellarUv:
    """Photolysis and photon figures of a star per W m^-2 of bolometric flux received.

    ``j_o1d_trop_s_per_w``: O3 -> O(1D) below a 300 DU ozone column; ``j_n2o_s_per_w``: N2O photolysis;
    ``j_ch4_s_per_w``: CH4 photolysis (Lyman alpha); ``label``: which template or interpolation.
    """

    teff_k: float
    j_o1d_trop_s_per_w: float
    j_n2o_s_per_w: float
    j_ch4_s_per_w: float
    label: str

    def __post_init__(self) -> None:
        require_positive(self.teff_k, "teff_k")
        for name in ("j_o1d_trop_s_per_w", "j_n2o_s_per_w", "j_ch4_s_per_w"):
            require_positive(getattr(self, name), name)


#: The templates' figures, from ``data/photochemistry/stellar_uv_bands.json`` (written by
#: ``scripts/build_photochem_data.py``; a test keeps the two equal): Gueymard solar spectrum and the
#: MUSCLES GJ 436, GJ 876, GJ 1214, GJ 551 (Proxima Cen) SEDs.
STELLAR_UV_TEMPLATES: Mapping[str, StellarUv] = {
    "gj1214": StellarUv(teff_k=3250.0, j_o1d_trop_s_per_w=7.5253e-11, j_n2o_s_per_w=9.6024e-12,
                     j_ch4_s_per_w=3.3352e-08, label="gj1214"),
    "gj436": StellarUv(teff_k=3416.0, j_o1d_trop_s_per_w=9.9294e-11, j_n2o_s_per_w=1.1452e-11,
                     j_ch4_s_per_w=3.1877e-08, label="gj436"),
    "gj551": StellarUv(teff_k=2980.0, j_o1d_trop_s_per_w=6.5669e-12, j_n2o_s_per_w=2.1146e-11,
                     j_ch4_s_per_w=1.7895e-07, label="gj551"),
    "gj876": StellarUv(teff_k=3129.0, j_o1d_trop_s_per_w=3.9119e-11, j_n2o_s_per_w=8.2539e-12,
                     j_ch4_s_per_w=2.8965e-08, label="gj876"),
    "sun": StellarUv(teff_k=5772.0, j_o1d_trop_s_per_w=1.7678e-08, j_n2o_s_per_w=6.4849e-10,
                     j_ch4_s_per_w=7.8135e-09, label="sun"),
}


def stellar_uv_for(teff_k: float, templates: Mapping[str, StellarUv] = STELLAR_UV_TEMPLATES) -> StellarUv:
    """The UV figures of a star of ``teff_k``: log-linear interpolation in Teff between templates.

    Outside the templates' Teff range the nearest template is used (a cooler M dwarf is given the
    coolest template's UV per bolometric W, a hotter star the Sun's).
    """
    require_positive(teff_k, "teff_k")
    if not templates:
        raise InvalidQuantity("no stellar UV templates", field="stellar_uv")
    ordered = sorted(templates.values(), key=lambda s: s.teff_k)
    if teff_k <= ordered[0].teff_k:
        return ordered[0]
    if teff_k >= ordered[-1].teff_k:
        return ordered[-1]
    for lo, hi in itertools.pairwise(ordered):
        if lo.teff_k <= teff_k <= hi.teff_k:
            w = (teff_k - lo.teff_k) / (hi.teff_k - lo.teff_k)

            def mix(a: float, b: float, w: float = w) -> float:
                return math.exp((1.0 - w) * math.log(a) + w * math.log(b))

            return StellarUv(
                teff_k=teff_k,
                j_o1d_trop_s_per_w=mix(lo.j_o1d_trop_s_per_w, hi.j_o1d_trop_s_per_w),
                j_n2o_s_per_w=mix(lo.j_n2o_s_per_w, hi.j_n2o_s_per_w),
                j_ch4_s_per_w=mix(lo.j_ch4_s_per_w, hi.j_ch4_s_per_w),
                label=f"interpolated between {lo.label} and {hi.label}",
            )
    return ordered[-1]  # pragma: no cover - unreachable for a sorted list


def photochemical_lifetimes_yr(
    star: StellarUv, sun: StellarUv, *, oxic: bool, insolation_earth: float
) -> dict[str, float]:
    """Lifetimes (yr) of CH4 and N2O for a planet of ``star`` at ``insolation_earth`` (S/S_Earth)."""
    s = require_positive(insolation_earth, "insolation_earth")
    phot = ANOXIC_CH4_LIFETIME_SUN_YR * sun.j_ch4_s_per_w / (star.j_ch4_s_per_w * s)
    if oxic:
        # Sun-like oxic total must stay Earth's 9.1 yr: the OH part is what photolysis leaves.
        tau_oh_sun = 1.0 / (1.0 / EARTH_LIFETIME_YR["CH4"] - 1.0 / ANOXIC_CH4_LIFETIME_SUN_YR)
        tau_oh = tau_oh_sun * sun.j_o1d_trop_s_per_w / (star.j_o1d_trop_s_per_w * s)
        ch4 = 1.0 / (1.0 / tau_oh + 1.0 / phot)
    else:
        ch4 = phot
    n2o = EARTH_LIFETIME_YR["N2O"] * sun.j_n2o_s_per_w / (star.j_n2o_s_per_w * s)
    return {"CH4": ch4, "N2O": n2o}


def column_number_density_cm2(
    surface_pressure_bar: float, gravity_m_s2: float, mean_molar_mass_g_mol: float
) -> float:
    """Molecules per cm^2 of a hydrostatic column: p_s / (mu m_u g)."""
    require_positive(surface_pressure_bar, "surface_pressure_bar")
    require_positive(gravity_m_s2, "gravity_m_s2")
    require_positive(mean_molar_mass_g_mol, "mean_molar_mass_g_mol")
    return surface_pressure_bar * 1e5 / (mean_molar_mass_g_mol * ATOMIC_MASS_KG * gravity_m_s2) * 1e-4


def steady_state_mixing_ratios(
    flux_molecules_cm2_s: Mapping[str, float],
    lifetimes_yr: Mapping[str, float],
    *,
    surface_pressure_bar: float = 1.0,
    gravity_m_s2: float = 9.81,
    mean_molar_mass_g_mol: float = 28.97,
    max_vmr: float = 0.1,
) -> dict[str, float]:
    """``x = F tau / N_col`` per gas, capped at ``max_vmr`` (a trace-gas model; beyond it no steady state).

    Gases without a lifetime are ignored; negative (net uptake) fluxes give 0.
    """
    n_col = column_number_density_cm2(surface_pressure_bar, gravity_m_s2, mean_molar_mass_g_mol)
    out: dict[str, float] = {}
    for gas, flux in flux_molecules_cm2_s.items():
        if gas not in lifetimes_yr:
            continue
        f = require_finite(flux, f"surface_flux.{gas}")
        out[gas] = min(max(f, 0.0) * lifetimes_yr[gas] * YEAR_S / n_col, max_vmr)
    return out
