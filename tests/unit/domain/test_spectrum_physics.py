"""Radiative transfer against analytic limits (synthetic opacity tables, no files)."""

from __future__ import annotations

import numpy as np
import pytest

from astrobio.domain.atmosphere import ATOMIC_MASS_KG, K_BOLTZMANN, MOLAR_MASS_G_MOL, Atmosphere
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.spectrum import OpacityTables, emission_flux_w_m2_um, planck_w_m2_um_sr, transit_depth

R_STAR_M = 6.957e8


def _tables(wl_min_um: float, wl_max_um: float, xsec_cm2: np.ndarray | None = None) -> OpacityTables:
    nu = np.sort(1e4 / np.geomspace(wl_min_um, wl_max_um, 200))
    x = (
        np.zeros((1, 2, 2, nu.size))
        if xsec_cm2 is None
        else np.broadcast_to(xsec_cm2, (1, 2, 2, nu.size)).copy()
    )
    return OpacityTables(
        wavenumber_cm1=nu,
        species=("CO2",),
        pressure_bar=np.array([1e-8, 10.0]),
        temperature_k=np.array([100.0, 1000.0]),
        xsec_cm2=x,
        cia_pairs=("N2-N2",),
        cia_temperature_k=np.array([100.0, 1000.0]),
        cia_cm5=np.zeros((1, 2, nu.size)),
    )


def _isothermal(
    gases: dict[str, float], t_k: float, g: float, radius_m: float, n: int = 150, p_top: float = 1e-9
) -> Atmosphere:
    p = np.geomspace(1.0, p_top, n)
    return Atmosphere(
        pressure_bar=p,
        temperature_k=np.full(n, t_k),
        vmr={k: np.full(n, v) for k, v in gases.items()},
        gravity_m_s2=g,
        radius_m=radius_m,
    )


def _scale_height_m(gases: dict[str, float], t_k: float, g: float) -> float:
    mu = sum(MOLAR_MASS_G_MOL[k] * v for k, v in gases.items()) / sum(gases.values())
    return K_BOLTZMANN * t_k / (mu * ATOMIC_MASS_KG * g)


def test_rayleigh_slope_is_minus_four_scale_heights() -> None:
    # Lecavelier des Etangs et al. (2008): dRp/dln(lambda) = -4 H for sigma ~ lambda^-4, isothermal.
    tables = _tables(0.5, 1.0)
    gases = {"N2": 1.0}
    atm = _isothermal(gases, 300.0, 10.0, 20 * 6.371e6)  # large radius: g nearly constant over the limb
    rp = np.sqrt(transit_depth(atm, tables, R_STAR_M)) * R_STAR_M
    slope = np.polyfit(np.log(tables.wavelength_um), rp, 1)[0]
    assert slope == pytest.approx(-4 * _scale_height_m(gases, 300.0, 10.0), rel=0.03)


@pytest.mark.parametrize(
    ("gases", "t_k", "g"),
    [
        ({"N2": 0.99, "CO2": 0.01}, 300.0, 10.0),
        ({"N2": 0.99, "CO2": 0.01}, 600.0, 10.0),  # T doubled -> H doubled
        ({"N2": 0.99, "CO2": 0.01}, 300.0, 20.0),  # g doubled -> H halved
        ({"He": 0.99, "CO2": 0.01}, 300.0, 10.0),  # mu ~ 4.4 instead of 28.2
    ],
)
def test_feature_amplitude_is_scale_height_times_log_opacity_ratio(
    gases: dict[str, float], t_k: float, g: float
) -> None:
    # For an isothermal atmosphere Rp(lambda) = H ln(sigma) + const: two wavelengths whose cross sections
    # differ by a factor 100 differ in radius by H ln(100), whatever T, g or mu.
    nu = np.sort(1e4 / np.geomspace(5.0, 10.0, 200))
    sigma = np.where(np.arange(nu.size) < 100, 1e-22, 1e-20)
    tables = _tables(5.0, 10.0, sigma)
    atm = _isothermal(gases, t_k, g, 20 * 6.371e6, n=200, p_top=1e-12)
    rp = np.sqrt(transit_depth(atm, tables, R_STAR_M)) * R_STAR_M
    amplitude = np.median(rp[100:]) - np.median(rp[:100])
    assert amplitude == pytest.approx(_scale_height_m(gases, t_k, g) * np.log(100.0), rel=0.05)


def test_opaque_cloud_deck_flattens_the_spectrum_to_its_radius() -> None:
    tables = _tables(0.5, 1.0)
    atm = _isothermal({"N2": 1.0}, 300.0, 10.0, 6.371e6)
    cloudy = Atmosphere(
        pressure_bar=atm.pressure_bar,
        temperature_k=atm.temperature_k,
        vmr=atm.vmr,
        gravity_m_s2=10.0,
        radius_m=6.371e6,
        cloud_top_pressure_bar=1e-3,
    )
    d_clear, d_cloudy = transit_depth(atm, tables, R_STAR_M), transit_depth(cloudy, tables, R_STAR_M)
    assert np.all(d_cloudy >= d_clear)
    assert np.ptp(d_cloudy) < 0.2 * np.ptp(d_clear)


def test_transparent_isothermal_atmosphere_emits_the_surface_blackbody() -> None:
    tables = _tables(5.0, 20.0)
    atm = _isothermal({"He": 1.0}, 280.0, 10.0, 6.371e6, n=40)
    flux = emission_flux_w_m2_um(atm, tables)
    assert flux == pytest.approx(np.pi * planck_w_m2_um_sr(tables.wavelength_um, 280.0), rel=1e-3)


def test_opaque_isothermal_atmosphere_emits_its_own_blackbody_whatever_the_surface() -> None:
    tables = _tables(5.0, 20.0, np.full(200, 1e-18))
    p = np.geomspace(1.0, 1e-9, 80)
    t = np.where(p > 0.5, 400.0, 250.0)  # hot surface layer hidden below an opaque 250 K atmosphere
    atm = Atmosphere(
        pressure_bar=p,
        temperature_k=t,
        vmr={"N2": np.full(80, 0.9), "CO2": np.full(80, 0.1)},
        gravity_m_s2=10.0,
        radius_m=6.371e6,
    )
    flux = emission_flux_w_m2_um(atm, tables)
    assert flux == pytest.approx(np.pi * planck_w_m2_um_sr(tables.wavelength_um, 250.0), rel=0.02)


def test_window_outside_the_tables_names_wavelength() -> None:
    with pytest.raises(InvalidQuantity) as exc:
        _tables(0.5, 1.0).window(0.3, 0.9)
    assert exc.value.field == "wavelength_um"
