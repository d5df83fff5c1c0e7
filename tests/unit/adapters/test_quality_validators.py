"""Per-kind validators: exoplanet tables (units, Kepler, duplicates), climate cubes, sequences."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
import xarray as xr

from astrobio.adapters.quality.cubes import ClimateCubeValidator, cube_entries
from astrobio.adapters.quality.exoplanets import ExoplanetTableValidator
from astrobio.adapters.quality.sequences import GenomeSequenceValidator, gc_fraction
from astrobio.domain.catalog import CatalogSnapshot
from astrobio.domain.planet import Planet
from astrobio.domain.quality import Severity
from astrobio.domain.star import Star

NOW = datetime(2026, 11, 26, tzinfo=UTC)
SUN = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, luminosity_sun=1.0, distance_pc=10.0)


def solar_system_like(n: int = 40) -> list[Planet]:
    """Planets obeying Kepler's third law around a Sun twin, with Chen & Kipping radii."""
    out = []
    for i in range(n):
        a = 0.05 * 1.08**i
        m = 0.5 * 1.05**i
        r = 10 ** (0.00346 + 0.279 * np.log10(m)) if m < 2.04 else 10 ** (-0.0925 + 0.589 * np.log10(m))
        out.append(
            Planet(
                name=f"S{i} b",
                star=SUN,
                radius_earth=float(r),
                mass_earth=m,
                semi_major_axis_au=a,
                orbital_period_days=365.25 * a**1.5,
            )
        )
    return out


def validate(planets: list[Planet], source: str = "PSCompPars_2026-09.csv"):
    snap = CatalogSnapshot(source=source, planets=tuple(planets), rows_read=len(planets))
    return ExoplanetTableValidator(now=lambda: NOW).validate(source, snap)


def test_a_clean_table_is_production_ready() -> None:
    r = validate(solar_system_like())
    assert r.production_ready and r.grade in {"A+", "A"}
    assert r.metrics.consistency == 1.0 and r.metrics.validity == 1.0 and r.metrics.timeliness == 1.0


def test_radii_in_km_are_caught_as_a_unit_mix_up() -> None:
    planets = solar_system_like()
    planets[:5] = [replace(p, radius_earth=p.radius_earth * 6371.0) for p in planets[:5]]
    r = validate(planets)
    issue = next(i for i in r.issues if i.code == "out_of_range" and i.field == "radius_earth")
    assert issue.severity is Severity.ERROR and issue.count == 5 and "unit" in issue.message
    assert not r.production_ready


def test_periods_in_years_break_keplers_law() -> None:
    planets = solar_system_like()
    planets[:10] = [replace(p, orbital_period_days=p.orbital_period_days / 365.25) for p in planets[:10]]
    r = validate(planets)
    kepler = next(i for i in r.issues if i.code == "kepler")
    assert kepler.count == 10 and kepler.severity is Severity.ERROR and not r.production_ready


def test_duplicates_and_stale_snapshots_lower_the_grade() -> None:
    planets = solar_system_like()
    r = validate([*planets, planets[0]], source="PSCompPars_2019-01.csv")
    assert any(i.code == "duplicate_key" and i.severity is Severity.ERROR for i in r.issues)
    assert r.metrics.timeliness == 0.0  # almost 8 years old


def test_luminosity_far_from_stefan_boltzmann_is_inconsistent() -> None:
    planets = [replace(p, star=replace(SUN, luminosity_sun=10.0)) for p in solar_system_like(10)]
    r = validate(planets)
    assert any(i.code == "luminosity" and i.count == 10 for i in r.issues)


def cube(ts_k: float = 288.0, asr: float = 240.0, olr: float = 240.0) -> xr.Dataset:
    lat = np.linspace(-80, 80, 9)
    lon = np.linspace(0, 350, 8)
    time = np.arange(4)
    shape = (4, 9, 8)
    noise = np.random.default_rng(0).normal(0, 0.5, shape)
    return xr.Dataset(
        {
            "ts": (("time", "lat", "lon"), ts_k + noise, {"units": "K"}),
            "rst": (("time", "lat", "lon"), np.full(shape, asr), {"units": "W m-2"}),
            "rlut": (("time", "lat", "lon"), np.full(shape, olr), {"units": "W m-2"}),
        },
        coords={"lat": lat, "lon": lon, "time": time},
    )


def test_a_balanced_cube_passes_and_reports_snr() -> None:
    r = ClimateCubeValidator().validate("c", cube())
    assert r.production_ready and r.metrics.consistency == 1.0
    assert r.details["toa_imbalance_fraction"] == pytest.approx(0.0, abs=1e-12)
    assert r.metrics.snr is not None and r.metrics.snr > 100


def test_cube_in_celsius_and_out_of_energy_balance_is_flagged() -> None:
    r = ClimateCubeValidator().validate("c", cube(ts_k=15.0, olr=100.0))
    codes = {(i.code, i.severity) for i in r.issues}
    assert ("out_of_range", Severity.ERROR) in codes and ("energy_balance", Severity.WARNING) in codes
    assert not r.production_ready


def test_nan_fraction_lowers_completeness() -> None:
    c = cube()
    c["ts"][0] = np.nan
    r = ClimateCubeValidator().validate("c", c)
    assert r.metrics.completeness == pytest.approx(1 - 72 / (3 * 288))


def test_cube_manifest_changes_with_values_and_attributes() -> None:
    a = {e.name: e for e in cube_entries(cube())}
    b = {e.name: e for e in cube_entries(cube(asr=241.0))}
    assert a["ts"] == b["ts"] and a["rst"].sha256 != b["rst"].sha256
    assert a["rst"].stats["mean"] == 240.0 and a["rst"].attrs["units"] == "W m-2"


def test_sequence_validator_checks_alphabet_n_fraction_and_gc() -> None:
    assert gc_fraction("GGCCAATT") == 0.5
    good = GenomeSequenceValidator().validate("g", ">a\nACGTACGTGC\n>b\nGCGTACGTAC\n")
    assert good.production_ready and good.details["gc_fraction"] == pytest.approx(0.6)
    bad = GenomeSequenceValidator().validate("g", ">a\nACGTXXXXJJ\n>a\nNNNNACGT\n")
    codes = {i.code for i in bad.issues}
    assert {"alphabet", "duplicate_id", "n_bases"} <= codes and not bad.production_ready


def test_reaction_network_balance_resolvability_and_dead_ends() -> None:
    from astrobio.adapters.quality.reactions import ReactionNetworkValidator, imbalance, parse_formula

    assert parse_formula("C6H12O6") == {"C": 6, "H": 12, "O": 6} and parse_formula("C5H7O4R") is None
    formulas = {
        "glc": "C6H12O6",
        "o2": "O2",
        "co2": "CO2",
        "h2o": "H2O",
        "pyr": "C3H3O3",
        "h": "H",
        "nad": "C21H26N7O14P2",
    }
    charges = {"glc": 0, "o2": 0, "co2": 0, "h2o": 0, "pyr": -1, "h": 1}
    respiration = {"glc": -1, "o2": -6, "co2": 6, "h2o": 6}  # C6H12O6 + 6 O2 -> 6 CO2 + 6 H2O
    parsed = {k: parse_formula(v) for k, v in formulas.items()}
    assert imbalance(respiration, parsed) == {}  # type: ignore[arg-type]
    # Glycolysis written without the 2 NADH: glc -> 2 pyr + 2 H+ leaves 4 H missing on the right.
    glycolysis = {"glc": -1, "pyr": 2, "h": 2}
    assert imbalance(glycolysis, parsed) == {"H": -4.0}  # type: ignore[arg-type]
    data = {
        "formulas": formulas,
        "charges": charges,
        "reactions": [
            {"id": "RESP", "stoichiometry": respiration, "lower_bound": 0, "upper_bound": 1000},
            {"id": "GLYC", "stoichiometry": glycolysis, "lower_bound": 0, "upper_bound": 1000},
            {"id": "EX_glc", "stoichiometry": {"glc": -1}, "lower_bound": -10, "upper_bound": 0},
            {"id": "MYST", "stoichiometry": {"xyz": -1, "co2": 1}, "lower_bound": 0, "upper_bound": 0},
        ],
    }
    r = ReactionNetworkValidator().validate("toy", data)
    codes = {(i.code, i.field) for i in r.issues}
    assert ("mass_imbalance", "GLYC") in codes and ("mass_imbalance", "RESP") not in codes
    assert ("charge_imbalance", "GLYC") not in codes  # -2 + 2 = 0: charge is balanced
    assert any(i.code == "unresolved" and i.count == 1 for i in r.issues)
    assert r.metrics.consistency == pytest.approx(0.75)  # 2 reactions checked, 1 mass imbalance in 4 checks


def test_the_container_offers_a_validator_per_kind(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from astrobio.bootstrap.container import build_container
    from astrobio.bootstrap.settings import Settings

    kinds = set(build_container(Settings(data_dir=tmp_path)).governance.validators())
    assert kinds == {"exoplanet_table", "climate_cube", "genome_sequence", "reaction_network"}
