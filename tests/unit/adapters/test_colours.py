"""Mamajek's dwarf colour table (basis of Pecaut & Mamajek 2013, Table 5) as a J-Ks sequence."""

from __future__ import annotations

from pathlib import Path

import pytest

from astrobio.adapters.catalog.colours import load_colour_sequence
from astrobio.domain.errors import CatalogUnreadable
from astrobio.domain.photometry import ColourSequence

ROOT = Path(__file__).resolve().parents[3]
TABLE = ROOT / "data" / "stellar_colors" / "EEM_dwarf_UBVIJHK_colors_Teff.txt"
HEADER = "#SpT   Teff  logT   J-H    H-Ks   Msun  #SpT"


@pytest.fixture(scope="module")
def sequence() -> ColourSequence:
    return load_colour_sequence(TABLE)


def test_sun_like_g2v_colour_is_the_published_value(sequence: ColourSequence) -> None:
    # table row G2V: Teff 5770, J-H 0.293, H-Ks 0.073 -> J-Ks 0.366
    assert sequence.j_minus_ks_at(5770) == pytest.approx(0.293 + 0.073, abs=1e-9)


def test_m4_dwarf_colour_is_the_published_value(sequence: ColourSequence) -> None:
    # table row M4V: Teff 3210, J-H 0.557, H-Ks 0.280 -> J-Ks 0.837
    assert sequence.j_minus_ks_at(3210) == pytest.approx(0.557 + 0.280, abs=1e-9)


def test_interpolates_linearly_between_table_rows(sequence: ColourSequence) -> None:
    # G2V (5770 K, 0.366) and G1V (5860 K, J-H 0.279 + H-Ks 0.070 = 0.349)
    assert sequence.j_minus_ks_at(5815) == pytest.approx((0.366 + 0.349) / 2, abs=1e-9)


def test_derives_trappist_1_j_magnitude_from_ks(sequence: ColourSequence) -> None:
    # TRAPPIST-1: Teff 2566 K, Ks 10.296 (archive); table M8V 2570 K: J-Ks 0.677 + 0.450
    j = sequence.derive_j_mag(10.296, 2566)
    assert j == pytest.approx(10.296 + 1.127, abs=0.01)


@pytest.mark.parametrize("teff_k", [100.0, 50_000.0])
def test_outside_the_table_gives_none(sequence: ColourSequence, teff_k: float) -> None:
    assert sequence.j_minus_ks_at(teff_k) is None


def test_skips_rows_without_both_colours_and_sorts_by_teff(sequence: ColourSequence) -> None:
    assert list(sequence.teff_k) == sorted(set(sequence.teff_k))
    assert 45_900 not in sequence.teff_k  # O3V: J-H, H-Ks are '.....'
    assert 510 not in sequence.teff_k  # T9.5V: '...'
    assert (sequence.teff_k[0], sequence.teff_k[-1]) == (560, 33_300)  # T9V ... O9V
    assert len(sequence.teff_k) == 100


def test_source_cites_the_paper_and_the_table_version(sequence: ColourSequence) -> None:
    assert sequence.source == "Pecaut & Mamajek (2013), Mamajek EEM table version 2024.05.15"


def test_reads_only_the_first_table_and_keeps_the_first_of_equal_teffs(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "# Version 2099.01.01\n"
        f"{HEADER}\n"
        "K0V    5290  3.7  0.387  0.091  0.88  K0V\n"
        "G2V    5770  3.7  0.293  0.073  1.00  G2V\n"
        "G2.5V  5770  3.7  0.900  0.900  1.00  G2.5V\n"
        "X      6000  3.7  ...    0.05   1.1   X\n"
        f"{HEADER}\n"
        "notes that are not a table row\n",
        encoding="utf-8",
    )
    seq = load_colour_sequence(path)
    assert seq.teff_k == (5290.0, 5770.0)
    assert seq.j_minus_ks == pytest.approx((0.478, 0.366))
    assert seq.source.endswith("version 2099.01.01")


def test_a_file_without_the_table_header_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("# no table here\n", encoding="utf-8")
    with pytest.raises(CatalogUnreadable, match="#SpT"):
        load_colour_sequence(path)


def test_a_row_with_missing_cells_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(f"{HEADER}\nG2V 5770 3.7 0.293\n", encoding="utf-8")
    with pytest.raises(CatalogUnreadable, match="line 2"):
        load_colour_sequence(path)


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(CatalogUnreadable):
        load_colour_sequence(tmp_path / "absent.txt")
