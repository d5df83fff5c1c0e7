"""The bundled opacity tables and stellar spectrum sources (files under data/ and small FITS in tmp)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.spectra.opacity_npz import NpzOpacitySource
from astrobio.adapters.spectra.phoenix import PhoenixStellarSpectra
from astrobio.adapters.spectra.stellar import (
    BlackbodyStellarSpectra,
    ChainedStellarSpectra,
    TemplateStellarSpectra,
)
from astrobio.domain.atmosphere import Atmosphere, AtmosphereSpec, build_atmosphere, saturation_vmr
from astrobio.domain.forward_model import ForwardParameters, transmission_ppm
from astrobio.domain.spectrum import transit_depth
from astrobio.domain.star import Star

DATA = Path(__file__).resolve().parents[3] / "data"
SIGMA_SB = 5.670374419e-8
R_SUN_M = 6.957e8


@pytest.fixture(scope="module")
def tables():  # type: ignore[no-untyped-def]
    return NpzOpacitySource(DATA / "opacity" / "opacity_r100.npz").tables().window(0.6, 20.0)


def _radius_excess_in_h(tables, gas: str):  # type: ignore[no-untyped-def]
    h = 1.380649e-23 * 280.0 / (28.0 * 1.66054e-27 * 9.81)
    base = np.sqrt(transmission_ppm(ForwardParameters(temperature_k=280.0), tables) * 1e-6)
    with_gas = np.sqrt(
        transmission_ppm(ForwardParameters(temperature_k=280.0, log10_vmr={gas: -3.0}), tables) * 1e-6
    )
    return (with_gas - base) * R_SUN_M / h


@pytest.mark.parametrize(
    ("gas", "bands_um", "windows_um"),
    [
        ("CO2", (2.7, 4.3, 15.0), (1.0, 3.9, 6.0, 10.0)),
        ("H2O", (1.4, 1.9, 2.7, 6.3), (4.0, 10.5)),
        ("CH4", (2.3, 3.3, 7.7), (1.0, 5.0, 10.5)),
    ],
)
def test_band_centres_appear_where_expected(
    tables,
    gas: str,
    bands_um: tuple[float, ...],  # type: ignore[no-untyped-def]
    windows_um: tuple[float, ...],
) -> None:
    excess = _radius_excess_in_h(tables, gas)
    wl = tables.wavelength_um

    def peak(lam: float) -> float:
        return float(excess[(wl > lam * 0.97) & (wl < lam * 1.03)].max())

    window = max(peak(w) for w in windows_um)
    for band in bands_um:
        assert peak(band) > 5.0, f"{gas} band at {band} um missing"
        assert peak(band) > 2.0 * window, f"{gas} band at {band} um not above its windows"


#: Effective heights (km) of an Earth-like planet's transmission spectrum: the annotation heights in the
#: plotting script of Meadows et al. (2018, Astrobiology 18, 133), Fig. 26 (SMART line-by-line model of an
#: Earth-like Proxima Cen b, where refraction is negligible as in this model); each label sits at or just
#: above its feature's peak. Source: github.com/jlustigy/Meadows_PCb_figs @8b79c87,
#: figure_scripts/fig26_transpec_earth/fig26.py (``moleloc``).
MEADOWS_2018_FIG26_KM = {("CO2", 4.3): 61.0, ("CO2", 15.5): 65.0, ("CO2", 2.8): 51.0, ("O2", 0.76): 27.0}


#: U.S. Standard Atmosphere 1976 temperature nodes (altitude km, K): the Earth profile of such models.
US1976_T = ((0.0, 288.15), (11.0, 216.65), (20.0, 216.65), (32.0, 228.65), (47.0, 270.65), (51.0, 270.65),
            (71.0, 214.65), (84.85, 186.87), (100.0, 186.87))


def _us1976_earth(vmr: dict[str, float]) -> Atmosphere:
    """Earth with the U.S. Standard Atmosphere 1976 profile (hydrostatic, 0-100 km, 120 levels) and
    Manabe-Wetherald humidity from the builder."""
    z = np.linspace(0.0, 100.0, 120)
    zn, tn = np.array(US1976_T).T
    t = np.interp(z, zn, tn)
    g, m = 9.81, 28.97e-3 / 6.02214076e23
    dlnp = np.diff(z) * 1e3 * m * g / (1.380649e-23 * 0.5 * (t[1:] + t[:-1]))
    lnp = np.concatenate([[0.0], -np.cumsum(dlnp)])
    p = np.exp(lnp) * 1.01325
    base = build_atmosphere(AtmosphereSpec(surface_temperature_k=288.15, vmr=vmr), gravity_m_s2=g,
                            radius_m=6.371e6, n_layers=120, top_pressure_bar=float(p[-1]))
    h2o = np.interp(-np.log(p), -np.log(base.pressure_bar), np.asarray(base.vmr["H2O"]))
    gases = {k: np.full(p.size, v) for k, v in vmr.items()}
    gases["H2O"] = np.minimum(h2o, 0.77 * saturation_vmr(t, p))
    gases["N2"] = 1.0 - sum(gases.values())
    return Atmosphere(pressure_bar=p, temperature_k=t, vmr=gases, gravity_m_s2=g, radius_m=6.371e6)


def test_earth_transmission_spectrum_matches_published_effective_heights(tables) -> None:  # type: ignore[no-untyped-def]
    # Tolerance +-15 km (about two scale heights): constant O3 and R~100 k-distributions against a
    # line-by-line model, both on an Earth (U.S. Standard 1976) profile. Beyond the table: the near-IR
    # windows are opaque only below a few km (Meadows et al. label the 0.86 um water feature at 7 km), the
    # CO2 bands are the highest features of 1-20 um, and O3 0.6 um, H2O 1.4/1.9/6.3 um and CH4 7.7 um
    # stand above the windows (Kaltenegger & Traub 2009, ApJ 698, 519).
    atm = _us1976_earth({"O2": 0.2095, "Ar": 0.0093, "CO2": 4e-4, "CH4": 1.8e-6, "O3": 5e-7})
    h_km = (np.sqrt(transit_depth(atm, tables, R_SUN_M)) * R_SUN_M - 6.371e6) / 1e3
    wl = tables.wavelength_um

    def at(lam: float, half_width: float = 0.02) -> float:
        return float(h_km[(wl > lam * (1 - half_width)) & (wl < lam * (1 + half_width))].max())

    print({k: round(at(k[1], 0.04), 1) for k in MEADOWS_2018_FIG26_KM})
    for (gas, lam), published in MEADOWS_2018_FIG26_KM.items():
        assert at(lam, 0.04) == pytest.approx(published, abs=15.0), (gas, lam)
    window = at(1.05)
    assert 2.0 < window < 15.0
    assert max(at(4.3), at(15.0)) >= h_km[(wl > 1.0) & (wl < 20.0)].max() - 1e-6
    for lam in (0.6, 0.76, 1.4, 1.9, 6.3, 7.7):
        assert at(lam) > window + 5.0, lam


def test_templates_are_renormalised_to_the_stars_bolometric_flux() -> None:
    source = TemplateStellarSpectra(DATA / "stellar_spectra" / "templates_r300.npz")
    for teff, label in ((5772.0, "solar"), (3129.0, "GJ 876"), (2980.0, "GJ 551")):
        s = source.spectrum_for(Star(name="x", teff_k=teff))
        assert s is not None and label in s.provenance
        total = float(np.sum(0.5 * (s.flux_w_m2_um[1:] + s.flux_w_m2_um[:-1]) * np.diff(s.wavelength_um)))
        assert total == pytest.approx(SIGMA_SB * teff**4, rel=1e-6)
    # The solar template peaks near 0.45-0.5 um in F_lambda, like the Sun.
    sun = source.spectrum_for(Star(name="Sun", teff_k=5772.0))
    assert sun is not None
    assert 0.4 < sun.wavelength_um[np.argmax(sun.flux_w_m2_um)] < 0.55
    assert source.spectrum_for(Star(name="F star", teff_k=6500.0)) is None


def test_chain_falls_back_to_a_blackbody_and_says_so() -> None:
    chain = ChainedStellarSpectra(
        [TemplateStellarSpectra(DATA / "stellar_spectra" / "templates_r300.npz"), BlackbodyStellarSpectra()]
    )
    s = chain.spectrum_for(Star(name="F star", teff_k=6500.0))
    assert s is not None and s.provenance.startswith("blackbody")


def _write_phoenix(root: Path, teff: int, logg: float, wl_a: np.ndarray) -> None:
    from astropy.io import fits

    from astrobio.domain.spectrum import planck_w_m2_um_sr

    folder = root / "PHOENIX-ACES-AGSS-COND-2011" / "Z-0.0"
    folder.mkdir(parents=True, exist_ok=True)
    # Surface flux in erg s^-1 cm^-2 cm^-1 = 1e7 x W m^-2 um^-1.
    flux = np.pi * planck_w_m2_um_sr(wl_a / 1e4, float(teff)) * 1e7
    fits.PrimaryHDU(flux.astype(np.float32)).writeto(
        folder / f"lte{teff:05d}-{logg:.2f}-0.0.PHOENIX-ACES-AGSS-COND-2011-HiRes.fits"
    )


def test_phoenix_grid_is_read_and_interpolated(tmp_path: Path) -> None:
    from astropy.io import fits

    wl_a = np.geomspace(500.0, 55000.0, 20000)
    fits.PrimaryHDU(wl_a).writeto(tmp_path / "WAVE_PHOENIX-ACES-AGSS-COND-2011.fits")
    for teff in (3000, 3100):
        for logg in (4.5, 5.0):
            _write_phoenix(tmp_path, teff, logg, wl_a)
    source = PhoenixStellarSpectra(tmp_path)
    star = Star(name="M dwarf", teff_k=3050.0, radius_sun=0.2, mass_sun=0.2)  # log g = 5.14 -> outside
    assert source.spectrum_for(star) is None
    star = Star(name="M dwarf", teff_k=3050.0, radius_sun=0.3, mass_sun=0.3)  # log g = 4.96
    s = source.spectrum_for(star)
    assert s is not None and "PHOENIX" in s.provenance and "3000/4.50/+0.0" in s.provenance
    # Interpolating 3000 K and 3100 K Planck curves: the result's peak sits between theirs (Wien).
    peak = s.wavelength_um[np.argmax(s.flux_w_m2_um)]
    assert 2897.77 / 3100 < peak < 2897.77 / 3000 * 1.02
    assert source.spectrum_for(Star(name="hot", teff_k=5000.0, radius_sun=1.0, mass_sun=1.0)) is None
