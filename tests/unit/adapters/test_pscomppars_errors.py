"""Catalog error columns and coordinates reach the planet; wrong-sign errors reject the row."""

from __future__ import annotations

from pathlib import Path

import pytest

from astrobio.adapters.catalog.pscomppars import parse_pscomppars, parse_pscomppars_bytes

HEADER = ("pl_name,hostname,pl_rade,pl_radeerr1,pl_radeerr2,pl_bmasse,pl_bmasseerr1,pl_bmasseerr2,"
          "pl_bmassprov,pl_orbper,pl_orbsmax,st_teff,st_tefferr1,st_tefferr2,st_rad,st_mass,sy_kmag,ra,dec")
#: LHS 1140 b after its radius and radius errors (Cadieux et al. 2024 values).
REST = "5.6,0.19,-0.19,Mass,24.7,0.0946,3096,48,-48,0.2159,0.1844,8.8,0.95,-15.27"


def test_errors_and_coordinates_are_parsed_as_magnitudes() -> None:
    text = HEADER + f"\nX b,X,1.73,0.025,-0.025,{REST}\n"
    (p,) = parse_pscomppars(text, source="t").planets
    assert p.error("radius_earth") == (0.025, 0.025) and p.error("mass_earth") == (0.19, 0.19)
    assert p.error("star.teff_k") == (48.0, 48.0) and p.error("star.radius_sun") is None
    assert (p.ra_deg, p.dec_deg) == (0.95, -15.27)


@pytest.mark.parametrize("errs", ["-0.025,-0.025", "0.025,0.025"])
def test_a_wrong_sign_error_rejects_the_row_naming_the_field(errs: str) -> None:
    text = HEADER + f"\nX b,X,1.73,{errs},{REST}\n"
    snap = parse_pscomppars(text, source="t")
    assert not snap.planets and snap.rejected[0].reason.startswith("errors.radius_earth")


def test_bundled_snapshot_carries_errors_for_lhs_1140_b() -> None:
    path = Path(__file__).parents[3] / "data" / "exoplanet_archive" / "PSCompPars_2025-08.csv"
    planets = {p.name: p for p in parse_pscomppars_bytes(path.read_bytes(), source="t").planets}
    lhs = planets["LHS 1140 b"]
    assert lhs.error("radius_earth") is not None and lhs.error("mass_earth") is not None
    assert lhs.ra_deg is not None and lhs.dec_deg is not None
