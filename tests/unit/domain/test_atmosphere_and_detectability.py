"""Atmosphere builder and JWST noise model against hand calculations and published values."""

from __future__ import annotations

import numpy as np
import pytest

from astrobio.domain.atmosphere import Atmosphere, AtmosphereSpec, build_atmosphere, steady_state_vmr
from astrobio.domain.detectability import (
    JWST_MODES,
    feature_snr,
    mode,
    photon_counts,
    photon_noise_ppm,
    transit_duration_h,
    transits_for_snr,
)
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.forward_model import ForwardParameters, isothermal_atmosphere, noise_sigma_ppm


def test_earth_methane_flux_gives_the_observed_mixing_ratio() -> None:
    # Global CH4 emissions 576 Tg/yr (Saunois et al. 2020, top-down 2008-2017) over 5.1e18 cm^2:
    # 576e12 / 16.04 * 6.022e23 / (5.1e18 * 3.156e7) = 1.34e11 molecules cm^-2 s^-1; with the AR6 9.1 yr
    # lifetime the one-box steady state must give the observed ~1.87 ppm (NOAA 2019) within 15 %.
    x = steady_state_vmr(1.34e11, 9.1, 1.01325, 9.81, 28.96)
    assert x == pytest.approx(1.87e-6, rel=0.15)


def test_profile_is_adiabatic_below_and_isothermal_above_the_tropopause() -> None:
    atm = build_atmosphere(
        AtmosphereSpec(
            surface_temperature_k=288.0, stratosphere_temperature_k=215.0, vmr={"O2": 0.21, "CO2": 4e-4}
        ),
        gravity_m_s2=9.81,
        radius_m=6.371e6,
    )
    t, p = atm.temperature_k, atm.pressure_bar
    assert t[0] == 288.0 and t[-1] == 215.0
    assert np.all(np.diff(t) <= 1e-9)
    # Earth's 6.5 K/km lapse rate puts the 215 K tropopause near 0.2 bar (US Standard Atmosphere: 0.23 bar at
    # 11 km, 217 K).
    p_trop = p[np.argmax(t <= 215.0)]
    assert 0.12 < p_trop < 0.3
    assert np.all(atm.vmr["H2O"] <= atm.vmr["H2O"][0])
    assert atm.vmr["H2O"][0] == pytest.approx(0.77 * 0.0170, rel=0.1)  # RH 77 % x e_s(288 K) = 17.0 hPa
    assert np.allclose(sum(atm.vmr.values()), 1.0)


def test_biogenic_flux_adds_its_steady_state_gas() -> None:
    atm = build_atmosphere(
        AtmosphereSpec(surface_temperature_k=288.0, surface_flux_molecules_cm2_s={"CH4": 1.34e11}),
        gravity_m_s2=9.81,
        radius_m=6.371e6,
    )
    assert atm.vmr["CH4"][0] == pytest.approx(1.8e-6, rel=0.2)
    assert "lifetime" in atm.provenance["CH4"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"surface_temperature_k": -5.0}, "surface_temperature_k"),
        ({"surface_temperature_k": 288.0, "vmr": {"CO2": 0.7, "O2": 0.5}}, "vmr"),
        ({"surface_temperature_k": 288.0, "vmr": {"XO": 0.1}}, "vmr.XO"),
        ({"surface_temperature_k": 288.0, "background": "Ne"}, "background"),
        (
            {"surface_temperature_k": 288.0, "surface_flux_molecules_cm2_s": {"O2": 1e10}},
            "surface_flux_molecules_cm2_s.O2",
        ),
    ],
)
def test_rejects_unphysical_atmospheres_naming_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(InvalidQuantity) as exc:
        AtmosphereSpec(**kwargs)
    assert exc.value.field == field


def test_atmosphere_rejects_negative_temperature() -> None:
    p = np.geomspace(1.0, 1e-3, 10)
    with pytest.raises(InvalidQuantity) as exc:
        Atmosphere(
            pressure_bar=p,
            temperature_k=np.full(10, -1.0),
            vmr={"N2": np.ones(10)},
            gravity_m_s2=9.8,
            radius_m=6e6,
        )
    assert exc.value.field == "temperature_k"


def test_photon_noise_matches_a_hand_calculation() -> None:
    # Sun-like blackbody (5772 K, 1 R_sun) at 10 pc, 1.00 um bin of 0.01 um, 1 h, throughput 0.35:
    # x = hc/(lambda k T) = 2.4927, B = 1.19104e8 / (e^x - 1) = 1.0735e7 W m^-2 um^-1 sr^-1, F_surf = pi B
    # = 3.3725e7; (R/d)^2 = (6.957e8 / 3.0857e17)^2 = 5.0831e-18 -> F_earth = 1.7143e-10 W m^-2 um^-1;
    # E = F dlambda A t eta = 1.7143e-10 * 0.01 * 25.4 * 3600 * 0.35 = 5.4866e-8 J; photon 1.98645e-19 J
    # -> N = 2.762e11 electrons; sigma = sqrt(2 / N) = 2.691 ppm.
    from astrobio.domain.spectrum import planck_w_m2_um_sr

    wl = np.array([1.0])
    f_earth = np.pi * planck_w_m2_um_sr(wl, 5772.0) * (6.957e8 / (10 * 3.0857e16)) ** 2
    n = photon_counts(wl, np.array([0.01]), f_earth, 3600.0, 0.35)
    assert n[0] == pytest.approx(2.762e11, rel=0.01)
    assert photon_noise_ppm(n)[0] == pytest.approx(2.691, rel=0.01)


def test_noise_model_adds_the_floor_and_blanks_outside_the_mode() -> None:
    wl = np.geomspace(0.5, 13.0, 300)
    from astrobio.domain.spectrum import planck_w_m2_um_sr

    fs = np.pi * planck_w_m2_um_sr(wl, 3000.0)
    m = mode("miri_lrs")
    one = noise_sigma_ppm(wl, fs, star_radius_sun=0.2, distance_pc=10.0, transit_duration_h=1.0, mode=m)
    many = noise_sigma_ppm(
        wl, fs, star_radius_sun=0.2, distance_pc=10.0, transit_duration_h=1.0, mode=m, n_transits=10**6
    )
    inside = (wl >= 5.0) & (wl <= 12.0)
    assert np.all(np.isnan(one[~inside])) and np.all(np.isfinite(one[inside]))
    assert np.allclose(many[inside], m.noise_floor_ppm, rtol=1e-3)


def test_earth_sun_transit_lasts_thirteen_hours() -> None:
    # Earth's central transit seen from afar: 13.0 h (e.g. Kaltenegger & Traub 2009).
    assert transit_duration_h(365.25, 1.0, 1.0, 1.0) == pytest.approx(13.0, abs=0.1)


def test_transits_needed_follow_sqrt_n_without_floor_and_never_beat_the_floor() -> None:
    delta, sigma = np.array([10.0]), np.array([20.0])  # SNR 0.5 per transit -> 100 transits for 5 sigma
    assert transits_for_snr(delta, sigma, 0.0) == 100
    assert feature_snr(delta, sigma, 0.0, 100) == pytest.approx(5.0)
    assert transits_for_snr(delta, sigma, floor_ppm=5.0) is None  # 10 ppm against a 5 ppm floor: SNR <= 2


def test_unknown_mode_is_refused_naming_mode() -> None:
    with pytest.raises(InvalidQuantity) as exc:
        mode("nircam_grism_typo")
    assert exc.value.field == "mode"
    assert set(JWST_MODES) == {"nirspec_prism", "niriss_soss", "nirspec_g395h", "miri_lrs"}


def test_forward_parameters_refuse_mixing_ratios_above_one() -> None:
    with pytest.raises(InvalidQuantity) as exc:
        ForwardParameters(temperature_k=300.0, log10_vmr={"H2O": -0.1, "CO2": -0.1})
    assert exc.value.field == "log10_vmr"
    atm = isothermal_atmosphere(ForwardParameters(temperature_k=250.0, log10_vmr={"CO2": -2.0}), n_layers=50)
    assert atm.vmr["N2"][0] == pytest.approx(0.99)
