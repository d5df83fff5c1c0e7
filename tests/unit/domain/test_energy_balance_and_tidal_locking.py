"""The EBM physics prior and tidal locking, against published values."""

from __future__ import annotations

import numpy as np
import pytest

from astrobio.domain import energy_balance as ebm
from astrobio.domain.orbits import is_tidally_locked, love_number_k2, tidal_locking_time_yr

EARTH = np.array([[5772.0, 1367.0, 1.0, 9.80665, 1.0, 0.0, 1.0, 284e-6]])
LAT = np.linspace(-87.5, 87.5, 36)
LON = np.arange(0.0, 360.0, 10.0)


def test_annual_insolation_matches_earths_equator_and_pole() -> None:
    # Hartmann (2016, Global Physical Climatology, Fig. 2.8): annual-mean TOA insolation for
    # S0 = 1361 W m-2 and obliquity 23.44 deg is ~417 W m-2 at the equator and ~173 at the poles.
    s = ebm.annual_insolation(np.deg2rad(np.array([0.0, 90.0 - 1e-9])), 23.44) * 1361.0 / 4.0
    assert s[0] == pytest.approx(417.0, rel=0.02)
    assert s[1] == pytest.approx(173.0, rel=0.03)
    lat = np.deg2rad(np.linspace(-89.75, 89.75, 360))
    mean = (ebm.annual_insolation(lat, 23.44) * np.cos(lat)).sum() / np.cos(lat).sum()
    assert mean == pytest.approx(1.0, abs=2e-3)  # S/4 on average


def test_earth_with_north_coefficients_is_near_288_k() -> None:
    # North, Cahalan & Coakley (1981): A = 203.3 W m-2, B = 2.09 W m-2 K-1 tuned to Earth's ~15 C.
    ts = ebm.surface_temperature(EARTH, ebm.EbmCoefficients(), LAT, LON)[0]
    w = np.cos(np.deg2rad(LAT))[:, None]
    gm = float((ts * w).sum() / (w.sum() * ts.shape[1]))
    assert 281.0 < gm < 292.0
    assert ts[18, 0] > ts[0, 0] + 25.0  # equator much warmer than the pole


def test_diffusion_conserves_energy() -> None:
    lap = ebm._laplacian()
    _, e = ebm._grid()
    area = np.sin(e[1:]) - np.sin(e[:-1])
    t = np.random.default_rng(0).normal(280.0, 20.0, ebm.N_BANDS)
    assert float(area @ (lap @ t)) == pytest.approx(0.0, abs=1e-9)


def test_more_co2_warms_and_a_synchronous_planet_has_a_warm_substellar_point() -> None:
    c = ebm.EbmCoefficients()
    more = EARTH.copy()
    more[0, 7] = 284e-6 * np.e ** 2
    dt = (ebm.surface_temperature(more, c, LAT, LON).mean()
          - ebm.surface_temperature(EARTH, c, LAT, LON).mean())
    # two e-folds of CO2 = 10.7 W m-2 (Myhre et al. 1998) over B = 2.09: ~5 K without ice feedback
    assert 4.0 < dt < 12.0
    sync = EARTH.copy()
    sync[0, 4], sync[0, 5], sync[0, 0] = 10.0, 1.0, 3300.0
    ts = ebm.surface_temperature(sync, c, LAT, LON)[0]
    assert ts[18, 18] > ts[18, 0] + 20.0  # substellar (lon 180) vs antistellar (lon 0)


def test_toi_700_d_locks_and_earth_does_not() -> None:
    # Gilbert et al. (2020): TOI-700 d, a = 0.163 AU, M* = 0.416, R = 1.19, M ~ 1.72 (expected locked).
    assert is_tidally_locked(0.163, 0.416, 1.72, 1.19)
    assert not is_tidally_locked(1.0, 1.0, 1.0, 1.0)
    # Proxima b (Anglada-Escude et al. 2016: a = 0.0485 AU, M* = 0.12): locked (Ribas et al. 2016).
    assert is_tidally_locked(0.0485, 0.12, 1.27, 1.07)


def test_locking_time_scales_as_a_to_the_sixth_and_k2_has_the_fluid_limit() -> None:
    t1 = tidal_locking_time_yr(0.1, 0.5, 1.0, 1.0)
    assert tidal_locking_time_yr(0.2, 0.5, 1.0, 1.0) / t1 == pytest.approx(64.0, rel=1e-9)
    assert tidal_locking_time_yr(0.1, 1.0, 1.0, 1.0) / t1 == pytest.approx(0.25, rel=1e-9)  # M*^-2
    assert love_number_k2(1.0, 1.0, rigidity_pa=1e-6) == pytest.approx(1.5, rel=1e-6)  # fluid body
    assert love_number_k2(1.0, 1.0) < 1.5
