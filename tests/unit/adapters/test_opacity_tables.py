"""The k-distribution opacity tables (data/opacity/opacity_r100.npz, scripts/build_opacity.py):
coverage, the bands a biosignature search looks for, hot-Jupiter water, and flags instead of silent zeros."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.spectra.opacity_npz import NpzOpacitySource
from astrobio.domain.atmosphere import Atmosphere, AtmosphereSpec, build_atmosphere
from astrobio.domain.spectrum import (
    OpacityTables,
    coverage_warnings,
    emission_flux_w_m2_um,
    transit_depth,
)

DATA = Path(__file__).resolve().parents[3] / "data"
R_SUN_M, R_EARTH_M, R_JUP_M = 6.957e8, 6.371e6, 7.1492e7
K_B, AMU = 1.380649e-23, 1.66053906660e-27
#: TRAPPIST-1 e (Agol et al. 2021): 0.920 R_E, 0.692 M_E; TRAPPIST-1 0.1192 R_sun.
T1E_RADIUS_M, T1E_G, T1_RADIUS_M = 0.920 * R_EARTH_M, 9.81 * 0.692 / 0.920**2, 0.1192 * R_SUN_M
#: Modern Earth's well-mixed air (documented abundances: O3 0.5 ppm ~ a 400 DU column, N2O 330 ppb).
EARTH_AIR = {"O2": 0.2095, "Ar": 0.0093, "CO2": 4e-4, "CH4": 1.8e-6, "N2O": 3.3e-7, "O3": 5e-7}


@pytest.fixture(scope="module")
def tables() -> OpacityTables:
    return NpzOpacitySource(DATA / "opacity" / "opacity_r100.npz").tables().window(0.3, 30.0)


@pytest.fixture(scope="module")
def t1e_air() -> Atmosphere:
    spec = AtmosphereSpec(surface_temperature_k=280.0, stratosphere_temperature_k=215.0, vmr=EARTH_AIR)
    return build_atmosphere(spec, gravity_m_s2=T1E_G, radius_m=T1E_RADIUS_M, n_layers=60)


def _peak(wl: np.ndarray, v: np.ndarray, lo: float, hi: float) -> float:
    return float(v[(wl >= lo) & (wl <= hi)].max())


def test_tables_cover_0p3_30_um_at_r100_100_2000_k_and_1e_6_100_bar(tables: OpacityTables) -> None:
    wl = np.sort(tables.wavelength_um)
    assert wl[0] < 0.305 and wl[-1] > 29.7
    assert np.max(wl[1:] / wl[:-1]) < 1.0 + 1.0 / 99.0  # R >= ~100 everywhere
    assert tables.temperature_k[0] <= 100.0 and tables.temperature_k[-1] >= 2000.0
    assert tables.pressure_bar[0] <= 1e-6 and tables.pressure_bar[-1] >= 100.0
    for gas in ("H2O", "CO2", "CH4", "O2", "CO", "O3", "N2O", "NH3", "PH3"):
        assert gas in tables.species and tables.methods[gas], gas
    for pair in ("N2-N2", "O2-O2", "O2-N2", "CO2-CO2", "H2-H2", "H2-He", "H2O-H2O", "H2O-air"):
        assert pair in tables.cia_pairs and tables.methods[f"cia.{pair}"], pair
    assert "Voigt" in tables.methods["PH3"] and "MT_CKD" in tables.methods["cia.H2O-H2O"]


@pytest.mark.parametrize(
    ("gas", "band_um", "window_um"),
    [
        ("O3", (9.3, 10.0), (10.6, 12.0)),  # nu3 9.6 um
        ("O3", (4.6, 4.9), (3.7, 4.0)),  # nu1+nu3 4.7 um
        ("O3", (0.5, 0.7), (0.9, 1.0)),  # Chappuis
        ("O3", (0.30, 0.33), (0.9, 1.0)),  # Huggins
        ("N2O", (7.6, 8.0), (10.6, 12.0)),  # nu1 7.8 um
        ("N2O", (4.4, 4.6), (10.6, 12.0)),  # nu3 4.5 um
        ("NH3", (10.0, 11.0), (3.7, 4.0)),  # nu2 10.5 um
        ("PH3", (4.2, 4.4), (3.7, 3.9)),  # nu1/nu3 4.3 um
        ("PH3", (8.7, 10.5), (3.7, 3.9)),  # nu2/nu4 9-10 um
    ],
)
def test_cross_sections_show_the_band(
    tables: OpacityTables, gas: str, band_um: tuple[float, float], window_um: tuple[float, float]
) -> None:
    k = tables.species.index(gas)
    x = np.asarray(tables.xsec_cm2)[k, 6, 3]  # 1 bar, 250 K, g-weighted mean
    wl = tables.wavelength_um
    assert _peak(wl, x, *band_um) > 30.0 * _peak(wl, x, *window_um)


def test_earth_air_around_trappist1_shows_o3_n2o_and_n2n2_features(
    tables: OpacityTables, t1e_air: Atmosphere
) -> None:
    """Transit-depth change of each gas at its documented abundance on TRAPPIST-1 e.

    Published comparisons: Schwieterman et al. (2015, ApJ 810, 57, abstract): the (N2)2 transit signal is
    "up to 10 ppm for an Earth-size planet with an N2-dominated atmosphere" in the HZ of an M5V star
    (R* ~ 0.2 R_sun; TRAPPIST-1 is smaller, which raises the signal by (0.2/0.119)^2 = 2.8): we require
    0.3-28 ppm at 4.0-4.2 um for 1 bar. O3 9.6 um and N2O 7.8 um: modern-Earth TRAPPIST-1 e spectra
    (Lustig-Yaeger et al. 2019, AJ 158, 27; Lin et al. 2021, ApJL 913, L15) show both as features of a
    few to a few tens of ppm above the neighbouring windows, below the CO2 15 um band: required here.
    """
    wl = tables.wavelength_um
    full = transit_depth(t1e_air, tables, T1_RADIUS_M) * 1e6

    def change(gas: str) -> np.ndarray:
        return full - transit_depth(t1e_air, tables, T1_RADIUS_M, exclude=(gas,)) * 1e6

    o3, n2o = change("O3"), change("N2O")
    no_n2n2 = dataclasses.replace(tables, cia_cm5=np.where(
        (np.array(tables.cia_pairs) == "N2-N2")[:, None, None], 0.0, tables.cia_cm5))
    n2n2 = full - transit_depth(t1e_air, no_n2n2, T1_RADIUS_M) * 1e6
    o3_band, o3_win = _peak(wl, o3, 9.3, 10.0), _peak(wl, o3, 10.8, 12.0)
    n2o_band, n2o_win = _peak(wl, n2o, 7.6, 8.0), _peak(wl, n2o, 10.8, 12.0)
    n2_band = _peak(wl, n2n2, 4.0, 4.2)
    print(f"TRAPPIST-1 e transit-depth changes: O3 9.6 um {o3_band:.1f} ppm, N2O 7.8 um {n2o_band:.1f} ppm, "
          f"N2-N2 4.1 um {n2_band:.2f} ppm")
    assert 5.0 < o3_band < 80.0 and o3_band > 10.0 * max(o3_win, 0.1)
    assert 1.0 < n2o_band < 40.0 and n2o_band > 10.0 * max(n2o_win, 0.1)
    assert 0.3 < n2_band < 28.0
    assert _peak(wl, n2n2, 5.5, 30.0) < 0.2 * n2_band  # the feature is the 4.1-4.3 um fundamental
    co2_15 = _peak(wl, full, 14.0, 16.0)
    assert _peak(wl, full, 9.3, 10.0) < co2_15 and _peak(wl, full, 7.6, 8.0) < co2_15


def test_n2n2_cia_darkens_earths_thermal_emission_at_4p15_um(tables: OpacityTables) -> None:
    """Schwieterman et al. (2015): (N2)2 absorption makes Earth's disk-integrated 4.15 um flux ~35 % lower
    (EPOXI against the VPL 3-D model). Ours is one clear-sky column at R~100: required 10-50 %."""
    spec = AtmosphereSpec(surface_temperature_k=288.0, stratosphere_temperature_k=215.0, vmr=EARTH_AIR)
    atm = build_atmosphere(spec, gravity_m_s2=9.81, radius_m=R_EARTH_M, n_layers=60)
    no_n2n2 = dataclasses.replace(tables, cia_cm5=np.where(
        (np.array(tables.cia_pairs) == "N2-N2")[:, None, None], 0.0, tables.cia_cm5))
    wl = tables.wavelength_um
    drop = 1.0 - emission_flux_w_m2_um(atm, tables) / emission_flux_w_m2_um(atm, no_n2n2)
    at = float(drop[np.argmin(np.abs(wl - 4.15))])
    print(f"N2-N2 emission decrease at 4.15 um: {at:.1%}")
    assert 0.10 < at < 0.50


def test_hot_jupiter_water_band_is_a_few_scale_heights(tables: OpacityTables) -> None:
    """Clear solar-composition HD 209458 b at 1450 K (Rp 1.38 R_J, 0.69 M_J, R* 1.16 R_sun; Torres et al.
    2008): the 1.4 um water band rises 2-6 scale heights above 1.25 um. Comparison: clear solar models of
    HD 209458 b (Fortney et al. 2010 grid, as compared with WFC3 by Deming et al. 2013, ApJ 774, 95) give
    about 2-3 H; the observed ~200 ppm (~1.2 H) band is muted by clouds."""
    g = 6.674e-11 * 0.69 * 1.898e27 / (1.38 * R_JUP_M) ** 2
    p = np.geomspace(10.0, 1e-7, 80)
    vmr = {"H2O": np.full(80, 4.5e-4), "CO": np.full(80, 4.6e-4), "CH4": np.full(80, 1e-6)}
    rest = 1.0 - 4.5e-4 - 4.6e-4 - 1e-6
    vmr["H2"], vmr["He"] = np.full(80, rest * 0.85), np.full(80, rest * 0.15)
    atm = Atmosphere(pressure_bar=p, temperature_k=np.full(80, 1450.0), vmr=vmr, gravity_m_s2=g,
                     radius_m=1.38 * R_JUP_M)
    assert not any("outside" in w for w in coverage_warnings(atm, tables))
    r = np.sqrt(transit_depth(atm, tables, 1.16 * R_SUN_M)) * 1.16 * R_SUN_M
    mu = float(atm.mean_molecular_weight()[0])
    h = K_B * 1450.0 / (mu * AMU * g)
    wl = tables.wavelength_um
    band = (_peak(wl, r, 1.35, 1.45) - float(np.median(r[(wl > 1.22) & (wl < 1.30)]))) / h
    print(f"HD 209458 b 1.4 um band: {band:.2f} H (H = {h / 1e3:.0f} km)")
    assert 2.0 < band < 6.0


def test_gas_without_opacity_and_temperatures_outside_the_tables_are_flagged(tables: OpacityTables) -> None:
    p = np.geomspace(1.0, 1e-6, 30)
    t = np.linspace(2400.0, 60.0, 30)
    atm = Atmosphere(pressure_bar=p, temperature_k=t, vmr={"N2": np.full(30, 0.99), "O3": np.full(30, 1e-6)},
                     gravity_m_s2=9.8, radius_m=R_EARTH_M)
    w = " | ".join(coverage_warnings(atm, tables))
    assert "outside the opacity tables" in w and "O3 opacity tabulated only for" in w
    no_o3 = dataclasses.replace(tables, species=tuple("X" if s == "O3" else s for s in tables.species))
    w2 = " | ".join(coverage_warnings(atm, no_o3))
    assert "gas O3 has no opacity data" in w2


@pytest.mark.parametrize(
    ("gas", "nu_range_cm1", "published_cm_per_molecule", "rel_tol"),
    [
        ("CO", (2000.0, 2300.0), 9.8e-18, 0.10),  # 1-0 fundamental (hot band + isotopologues add ~3 %)
        ("CO2", (2150.0, 2450.0), 9.6e-17, 0.15),  # nu3 4.3 um band
        ("CH4", (2800.0, 3200.0), 1.1e-17, 0.20),  # nu3 3.3 um region
        ("O2", (12900.0, 13200.0), 2.2e-22, 0.10),  # A band 0.76 um
    ],
)
def test_tables_keep_the_band_intensities(
    tables: OpacityTables,
    gas: str,
    nu_range_cm1: tuple[float, float],
    published_cm_per_molecule: float,
    rel_tol: float,
) -> None:
    """Integrated band intensity int sigma dnu (300 K, 1e-2 bar) against the HITRAN band sums at 296 K:
    checks the line-by-line step (CO, O2 line lists) and the k-table normalisation (CO2, CH4)."""
    full = NpzOpacitySource(DATA / "opacity" / "opacity_r100.npz").tables()
    nu = full.wavenumber_cm1
    dnu = nu * 2.0 * np.sinh(0.5 / 100.0)  # R = 100 bins
    m = (nu > nu_range_cm1[0]) & (nu < nu_range_cm1[1])
    x = np.asarray(full.xsec_cm2)[full.species.index(gas), 4, 4]  # 1e-2 bar, 300 K
    assert float(np.sum(x[m] * dnu[m])) == pytest.approx(published_cm_per_molecule, rel=rel_tol)
