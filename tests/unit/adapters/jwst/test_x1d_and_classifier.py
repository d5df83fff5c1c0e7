"""x1d FITS / CSV / JSON round trips and refusals; the shipped planet-class classifier."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.jwst.classifier import LogisticPlanetClassifier, labelled_planets
from astrobio.adapters.jwst.x1d import MAX_BYTES, AstropyX1dCodec, sniff_format
from astrobio.domain.errors import DomainError, InvalidDataset, NotFound
from astrobio.domain.jwst_classifier import ClassifierInput
from astrobio.domain.jwst_spectrum import ObservedSpectrum
from astrobio.domain.planet_class import PlanetClass

MODELS = Path(__file__).resolve().parents[4] / "data" / "models" / "jwst"
SPEC = ObservedSpectrum(
    wavelength_um=np.linspace(1.0, 5.0, 60), depth_ppm=np.linspace(5000, 5100, 60), sigma_ppm=np.full(60, 3.0)
)
codec = AstropyX1dCodec()


@pytest.mark.parametrize("fmt", ["fits", "csv", "json"])
def test_round_trip_keeps_every_value(fmt: str) -> None:
    data = codec.write(SPEC, fmt)
    assert sniff_format(data) == fmt
    back = codec.read(data, fmt)
    for name in ("wavelength_um", "depth_ppm", "sigma_ppm"):
        assert np.array_equal(getattr(back, name), getattr(SPEC, name))


def _fits(columns: dict[str, np.ndarray], flux_unit: str = "ppm", extname: str = "EXTRACT1D") -> bytes:
    from astropy.io import fits

    cols = [
        fits.Column(name=k, format="D", array=v, unit="um" if k == "WAVELENGTH" else flux_unit)
        for k, v in columns.items()
    ]
    out = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(cols, name=extname)]).writeto(out)
    return out.getvalue()


def test_reads_a_pipeline_style_x1d_with_fractional_depths() -> None:
    w = np.linspace(1, 5, 10)
    spec = codec.read(
        _fits({"WAVELENGTH": w, "FLUX": np.full(10, 0.005), "FLUX_ERROR": np.full(10, 1e-5)}, ""), "fits"
    )
    assert spec.depth_ppm == pytest.approx(np.full(10, 5000.0)) and spec.sigma_ppm == pytest.approx(
        np.full(10, 10.0)
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"PNG\x89 not a fits file at all", "file"),
        (_fits({"WAVELENGTH": np.ones(3), "FLUX": np.ones(3)}), "FLUX_ERROR"),
        (
            _fits({"WAVELENGTH": np.ones(3), "FLUX": np.ones(3), "FLUX_ERROR": np.ones(3)}, extname="SCI"),
            "EXTRACT1D",
        ),
        (
            _fits({"WAVELENGTH": np.arange(1.0, 4.0), "FLUX": np.ones(3), "FLUX_ERROR": np.ones(3)}, "Jy"),
            "FLUX",
        ),
        (
            _fits(
                {
                    "WAVELENGTH": np.arange(1.0, 4.0),
                    "FLUX": np.ones(3),
                    "FLUX_ERROR": np.array([1, np.nan, 1.0]),
                }
            ),
            "sigma_ppm",
        ),
        (
            _fits(
                {"WAVELENGTH": np.arange(1.0, 4.0), "FLUX": np.ones(3), "FLUX_ERROR": np.array([1, -1, 1.0])}
            ),
            "sigma_ppm",
        ),
        (b"SIMPLE  =                    T / truncated", "file"),
    ],
)
def test_bad_fits_is_refused_naming_the_field(data: bytes, field: str) -> None:
    with pytest.raises(DomainError) as err:
        codec.read(data, "fits")
    assert err.value.field == field


def test_bad_csv_and_json_and_huge_files_are_refused() -> None:
    with pytest.raises(InvalidDataset, match="sigma_ppm"):
        codec.read(b"wavelength_um,depth_ppm\n1,2\n2,3\n", "csv")
    with pytest.raises(DomainError, match="not a number"):
        codec.read(b"wavelength_um,depth_ppm,sigma_ppm\n1,2,1\n2,x,1\n", "csv")
    with pytest.raises(DomainError) as err:
        codec.read(
            json.dumps({"wavelength_um": [1, 2], "depth_ppm": [1, None], "sigma_ppm": [1, 1]}).encode(),
            "json",
        )
    assert err.value.field == "depth_ppm"
    with pytest.raises(InvalidDataset, match="limit"):
        codec.read(b"0" * (MAX_BYTES + 1), "csv")


def test_shipped_classifier_is_calibrated_and_beats_the_radius_baseline() -> None:
    clf = LogisticPlanetClassifier(MODELS)
    held = clf.card()["held_out"]
    assert held["without_mass"]["accuracy"] > held["chen_kipping_radius_baseline"]["accuracy"]
    assert held["with_mass"]["cross_class_confusion"] < 0.05
    assert held["without_mass"]["expected_calibration_error"] < 0.08
    jupiter = ClassifierInput(
        radius_earth=11.2, insolation_earth=0.037, star_teff_k=5772, star_radius_sun=1, star_mass_sun=1
    )
    hot_jupiter = ClassifierInput(
        radius_earth=15.0,
        insolation_earth=1000,
        star_teff_k=6000,
        star_radius_sun=1.2,
        star_mass_sun=1.1,
        mass_earth=318.0,
    )
    p_j, p_hj = clf.predict([jupiter, hot_jupiter])
    assert p_j.most_likely is PlanetClass.GAS_GIANT
    assert p_hj.probabilities[PlanetClass.GAS_GIANT] > 0.9  # 1 M_J is a gas giant by definition


def test_only_measured_masses_become_labels() -> None:
    from astrobio.domain.planet import Planet
    from astrobio.domain.star import Star

    star = Star(name="S", teff_k=5000.0, radius_sun=0.8, mass_sun=0.8)
    planets = [
        Planet(name="a", star=star, radius_earth=1.0, mass_earth=1.0, semi_major_axis_au=0.1),
        Planet(
            name="b",
            star=star,
            radius_earth=10.0,
            mass_earth=300.0,
            mass_is_minimum=True,
            semi_major_axis_au=0.1,
        ),
        Planet(name="c", star=star, radius_earth=2.0, semi_major_axis_au=0.1),
    ]
    inputs, labels = labelled_planets(planets)
    assert len(inputs) == 1 and labels.tolist() == [0]


def test_missing_model_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        LogisticPlanetClassifier(tmp_path)
