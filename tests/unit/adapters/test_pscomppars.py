"""PSCompPars parsing, the CSV file catalog and the catalog provider."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from astrobio.adapters.catalog.csv_file import CsvExoplanetCatalog
from astrobio.adapters.catalog.provider import DefaultCatalogProvider
from astrobio.adapters.catalog.pscomppars import (
    REQUIRED_COLUMNS,
    parse_pscomppars,
    parse_pscomppars_bytes,
    planet_from_row,
)
from astrobio.domain.catalog import CatalogSnapshot
from astrobio.domain.errors import CatalogUnreadable, DomainError

ROOT = Path(__file__).resolve().parents[3]
BUNDLED = ROOT / "data" / "exoplanet_archive" / "PSCompPars_2025-08.csv"

COLUMNS = (
    *REQUIRED_COLUMNS,
    "pl_bmasse",
    "pl_bmassprov",
    "pl_bmasselim",
    "pl_orbeccen",
    "st_met",
    "sy_dist",
    "discoverymethod",
    "disc_year",
)
# TRAPPIST-1 e as the bundled snapshot has it
GOOD = {
    "pl_name": "TRAPPIST-1 e",
    "hostname": "TRAPPIST-1",
    "pl_rade": "0.92",
    "pl_orbper": "6.101013",
    "pl_orbsmax": "0.02925",
    "st_teff": "2566",
    "st_rad": "0.1192",
    "st_mass": "0.0898",
    "sy_kmag": "10.296",
    "pl_bmasse": "0.692",
    "pl_bmassprov": "Mass",
    "pl_bmasselim": "0",
    "pl_orbeccen": "0.0051",
    "st_met": "0.04",
    "sy_dist": "12.42988881",
    "discoverymethod": "Transit",
    "disc_year": "2017",
}


def csv_text(*rows: dict[str, str], columns: tuple[str, ...] = COLUMNS, comments: int = 0) -> str:
    lines = [f"# archive comment {i}" for i in range(comments)]
    lines.append(",".join(columns))
    lines += [",".join(row.get(c, "") for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


def parse(*rows: dict[str, str], **kwargs: object) -> CatalogSnapshot:
    return parse_pscomppars(csv_text(*rows, **kwargs), source="test")  # type: ignore[arg-type]


def row(**changes: str) -> dict[str, str]:
    return {**GOOD, **changes}


@pytest.fixture(scope="module")
def bundled() -> CatalogSnapshot:
    return CsvExoplanetCatalog(BUNDLED).fetch()


# -- the real snapshot ----------------------------------------------------------------------------


def test_bundled_snapshot_reads_every_row_and_rejects_only_koi_351_h(bundled: CatalogSnapshot) -> None:
    assert bundled.rows_read == 5967
    assert len(bundled.planets) + len(bundled.rejected) == bundled.rows_read
    # the only row the domain refuses: the archive lists KOI-351 h (Kepler-90 h) with e = -0.011
    assert [(r.line, r.name) for r in bundled.rejected] == [(2040, "KOI-351 h")]
    assert bundled.rejected[0].reason.startswith("eccentricity: ")
    assert "pl_orbeccen='-0.011'" in bundled.rejected[0].reason


def test_bundled_snapshot_maps_archive_columns_onto_the_planet(bundled: CatalogSnapshot) -> None:
    planets = {p.name: p for p in bundled.planets}
    e = planets["TRAPPIST-1 e"]
    assert (e.radius_earth, e.mass_earth, e.mass_is_minimum) == (0.92, 0.692, False)
    assert (e.orbital_period_days, e.semi_major_axis_au, e.eccentricity) == (6.101013, 0.02925, 0.0051)
    assert (e.discovery_method, e.discovery_year, e.source) == ("Transit", 2017, "csv:PSCompPars_2025-08.csv")
    s = e.star
    assert (s.name, s.teff_k, s.radius_sun, s.mass_sun) == ("TRAPPIST-1", 2566.0, 0.1192, 0.0898)
    assert (s.k_mag, s.distance_pc, s.metallicity_dex) == (10.296, 12.42988881, 0.04)
    # the 2025-08 snapshot has neither sy_jmag nor st_lum
    assert s.j_mag is None and s.luminosity_sun is None
    assert planets["Proxima Cen b"].mass_is_minimum
    assert e.transits is True and planets["Proxima Cen b"].transits is None
    for name in ("K2-18 b", "LHS 1140 b"):
        assert planets[name].mass_earth is not None and not planets[name].mass_is_minimum


def test_bundled_snapshot_leaves_mass_radius_relationship_masses_unmeasured(bundled: CatalogSnapshot) -> None:
    planets = {p.name: p for p in bundled.planets}
    # archive pl_bmassprov = "M-R relationship" for these
    assert planets["Kepler-186 f"].mass_earth is None
    assert planets["TOI-700 d"].mass_earth is None


# -- row rules ------------------------------------------------------------------------------------


def test_rejects_negative_radius_naming_the_field() -> None:
    snap = parse(row(pl_name="A b", pl_rade="-1.5"), row(pl_name="B b"))
    assert [p.name for p in snap.planets] == ["B b"]
    (rejected,) = snap.rejected
    assert (rejected.line, rejected.name) == (2, "A b")
    assert rejected.reason.startswith("radius_earth: ")
    assert "pl_rade" in rejected.reason


def test_rejects_non_numeric_value_naming_the_field() -> None:
    snap = parse(row(st_teff="hot"))
    (rejected,) = snap.rejected
    assert rejected.reason.startswith("star.teff_k: ")
    assert "st_teff" in rejected.reason and "'hot'" in rejected.reason
    assert snap.planets == ()


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("pl_orbper", "nan", "orbital_period_days"),
        ("sy_kmag", "inf", "star.k_mag"),
        ("st_mass", "0", "star.mass_sun"),
        ("pl_orbeccen", "1.2", "eccentricity"),
        ("disc_year", "2017.5", "discovery_year"),
        ("pl_bmasselim", "2", "mass_earth"),
    ],
)
def test_rejects_non_finite_or_unphysical_values(column: str, value: str, field: str) -> None:
    (rejected,) = parse(row(**{column: value})).rejected
    assert rejected.reason.startswith(f"{field}: ")


def test_rejects_a_row_without_a_planet_name() -> None:
    snap = parse(row(pl_name=""), row(pl_name="B b"))
    assert [p.name for p in snap.planets] == ["B b"]
    assert (snap.rejected[0].name, snap.rejected[0].reason) == (None, "name: pl_name is empty")


def test_rejects_a_row_without_a_host_name() -> None:
    (rejected,) = parse(row(hostname="")).rejected
    assert rejected.reason.startswith("star.name: ")


def test_keeps_the_first_of_duplicate_names_and_rejects_the_later() -> None:
    snap = parse(row(pl_rade="1.0"), row(pl_name="B b"), row(pl_rade="2.0"))
    assert [(p.name, p.radius_earth) for p in snap.planets] == [("TRAPPIST-1 e", 1.0), ("B b", 0.92)]
    assert [(r.line, r.reason) for r in snap.rejected] == [(4, "duplicate planet name")]
    assert snap.rows_read == 3


def test_line_numbers_count_the_archive_comment_lines() -> None:
    snap = parse(row(pl_name="A b"), row(pl_name="B b", pl_rade="x"), comments=3)
    assert snap.rows_read == 2
    assert snap.rejected[0].line == 6  # 3 comments, header on line 4


def test_empty_values_are_none() -> None:
    (planet,) = parse(
        row(pl_bmasse="", pl_orbeccen="", st_met="", sy_dist="", discoverymethod="", disc_year="")
    ).planets
    assert planet.mass_earth is None and planet.eccentricity is None and planet.discovery_year is None
    assert planet.star.metallicity_dex is None and planet.star.distance_pc is None
    assert planet.discovery_method is None


# -- mass provenance --------------------------------------------------------------------------------


def test_msini_mass_is_a_minimum() -> None:
    (planet,) = parse(row(pl_bmasse="1.055", pl_bmassprov="Msini")).planets
    assert (planet.mass_earth, planet.mass_is_minimum) == (1.055, True)


def test_mass_from_the_archive_mass_radius_relationship_is_not_a_measurement() -> None:
    (planet,) = parse(row(pl_bmasse="1.7", pl_bmassprov="M-R relationship")).planets
    assert (planet.mass_earth, planet.mass_is_minimum) == (None, False)


def test_msini_with_known_inclination_is_a_measured_mass() -> None:
    (planet,) = parse(row(pl_bmasse="587.9855", pl_bmassprov="Msin(i)/sin(i)")).planets
    assert (planet.mass_earth, planet.mass_is_minimum) == (587.9855, False)


def test_mass_upper_limit_is_not_a_measurement_and_lower_limit_is_a_minimum() -> None:
    upper, lower = parse(row(pl_name="U b", pl_bmasselim="1"), row(pl_name="L b", pl_bmasselim="-1")).planets
    assert (upper.mass_earth, upper.mass_is_minimum) == (None, False)
    assert (lower.mass_earth, lower.mass_is_minimum) == (0.692, True)


def test_uses_sy_jmag_and_st_lum_when_the_source_has_them() -> None:
    planet = planet_from_row(row(sy_jmag="11.354", st_lum="-3.26"))
    assert planet.star.j_mag == 11.354
    assert planet.star.luminosity_sun == pytest.approx(10**-3.26)


@pytest.mark.parametrize(
    ("changes", "transits"),
    [
        ({"discoverymethod": "Transit"}, True),
        ({"discoverymethod": "Radial Velocity"}, None),
        ({"discoverymethod": "Radial Velocity", "tran_flag": "1"}, True),
        ({"discoverymethod": "Transit", "tran_flag": "0"}, None),
    ],
)
def test_transits_comes_from_tran_flag_else_from_a_transit_discovery(
    changes: dict[str, str], transits: bool | None
) -> None:
    assert planet_from_row(row(**changes)).transits is transits


def test_rejects_an_invalid_tran_flag() -> None:
    with pytest.raises(DomainError) as info:
        planet_from_row(row(tran_flag="2"))
    assert info.value.field == "transits"


def test_planet_from_row_raises_a_domain_error_with_the_field() -> None:
    with pytest.raises(DomainError) as info:
        planet_from_row(row(pl_orbsmax="-0.1"))
    assert info.value.field == "semi_major_axis_au"


# -- the snapshot as a whole --------------------------------------------------------------------------


def test_missing_required_columns_make_the_catalog_unreadable_naming_them() -> None:
    columns = tuple(c for c in COLUMNS if c not in ("pl_rade", "sy_kmag"))
    with pytest.raises(CatalogUnreadable, match="pl_rade, sy_kmag"):
        parse(row(), columns=columns)


def test_truncated_last_row_makes_the_catalog_unreadable(tmp_path: Path) -> None:
    data = BUNDLED.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: len(data) - 200])  # the last row loses its trailing columns
    with pytest.raises(CatalogUnreadable, match="line 5968"):
        CsvExoplanetCatalog(cut).fetch()


def test_a_row_with_extra_fields_makes_the_catalog_unreadable() -> None:
    text = csv_text(row()).replace("\n", ",surplus\n").replace(",surplus\n", "\n", 1)
    with pytest.raises(CatalogUnreadable, match="line 2"):
        parse_pscomppars(text, source="test")


def test_unterminated_quote_makes_the_catalog_unreadable() -> None:
    text = csv_text(row()) + '"Cut b,Cut,1.0\n'
    with pytest.raises(CatalogUnreadable, match="line 3"):
        parse_pscomppars(text, source="test")


def test_undecodable_bytes_make_the_catalog_unreadable() -> None:
    data = csv_text(row(pl_name="Caf\xe9 b")).encode("latin-1")
    with pytest.raises(CatalogUnreadable, match="UTF-8"):
        parse_pscomppars_bytes(data, source="test")


def test_nul_bytes_make_the_catalog_unreadable() -> None:
    with pytest.raises(CatalogUnreadable, match="NUL"):
        parse_pscomppars(csv_text(row()) + "\x00" * 64, source="test")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_source_is_unreadable(text: str) -> None:
    with pytest.raises(CatalogUnreadable, match="empty"):
        parse_pscomppars(text, source="test")


def test_header_without_rows_is_unreadable() -> None:
    with pytest.raises(CatalogUnreadable, match="no data rows"):
        parse_pscomppars(csv_text(), source="test")


def test_utf8_bom_and_crlf_line_ends_are_accepted() -> None:
    data = ("\ufeff" + csv_text(row())).replace("\n", "\r\n").encode("utf-8")
    assert [p.name for p in parse_pscomppars_bytes(data, source="test").planets] == ["TRAPPIST-1 e"]


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(CatalogUnreadable, match=r"absent\.csv"):
        CsvExoplanetCatalog(tmp_path / "absent.csv").fetch()


# -- provider -----------------------------------------------------------------------------------------


def _no_archive() -> CsvExoplanetCatalog:
    raise AssertionError("the archive must not be built unless asked for")


def test_provider_opens_the_bundled_snapshot() -> None:
    catalog = DefaultCatalogProvider(BUNDLED, _no_archive).open("bundled")
    assert isinstance(catalog, CsvExoplanetCatalog)
    assert catalog.path == BUNDLED
    assert catalog.source == "bundled:PSCompPars_2025-08.csv"


def test_provider_builds_the_archive_catalog_only_when_asked() -> None:
    archive = CsvExoplanetCatalog(BUNDLED, source="fake archive")
    assert DefaultCatalogProvider(BUNDLED, lambda: archive).open("archive") is archive


def test_provider_opens_any_other_source_as_a_file(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(csv_text(row()), encoding="utf-8")
    snap = DefaultCatalogProvider(BUNDLED, _no_archive).open(str(path)).fetch()
    assert (snap.source, [p.name for p in snap.planets]) == ("csv:export.csv", ["TRAPPIST-1 e"])


def test_provider_names_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(CatalogUnreadable, match=re.escape(str(missing))):
        DefaultCatalogProvider(BUNDLED, _no_archive).open(str(missing))
