"""ComputeSpectrum over the in-memory catalog, the bundled opacity tables and stellar sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.adapters.spectra.opacity_npz import NpzOpacitySource
from astrobio.adapters.spectra.stellar import (
    BlackbodyStellarSpectra,
    ChainedStellarSpectra,
    TemplateStellarSpectra,
)
from astrobio.application.use_cases.spectra import (
    AtmosphereOptions,
    ComputeSpectrum,
    ComputeSpectrumCommand,
    usable_biogenic_fluxes,
)
from astrobio.domain.assessment import Assessment
from astrobio.domain.errors import InsufficientData, InvalidQuantity, NotFound
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import ClimateEstimate
from astrobio.domain.star import Star

DATA = Path(__file__).resolve().parents[3] / "data"
TRAPPIST_1 = Star(
    name="TRAPPIST-1", teff_k=2566.0, radius_sun=0.1192, mass_sun=0.0898, k_mag=10.296, distance_pc=12.467
)
T1E = Planet(
    name="TRAPPIST-1 e",
    star=TRAPPIST_1,
    radius_earth=0.92,
    mass_earth=0.692,
    orbital_period_days=6.101013,
    semi_major_axis_au=0.02925,
)


class FixedClimate:
    def __init__(self, ts_k: float | None) -> None:
        self.ts_k = ts_k

    def estimate(self, targets: Sequence[tuple[Planet, Assessment]]) -> Mapping[str, ClimateEstimate]:
        if self.ts_k is None:
            raise InsufficientData("no active model", field="weights.climate")
        return {p.name: ClimateEstimate(ts_k=self.ts_k, ts_sigma_k=3.0, model_id="m1") for p, _ in targets}


def _use_case(ts_k: float | None = 271.0) -> ComputeSpectrum:
    db = InMemoryDatabase()
    db.planets = {T1E.name: T1E}
    stellar = ChainedStellarSpectra(
        [TemplateStellarSpectra(DATA / "stellar_spectra" / "templates_r300.npz"), BlackbodyStellarSpectra()]
    )
    return ComputeSpectrum(
        lambda: InMemoryUnitOfWork(db),
        NpzOpacitySource(DATA / "opacity" / "opacity_r100.npz"),
        stellar,
        lambda: FixedClimate(ts_k),
    )


def test_catalog_planet_gets_a_spectrum_and_noise_for_every_mode() -> None:
    r = _use_case().execute(ComputeSpectrumCommand(planet_name="TRAPPIST-1 e", n_transits=10))
    s = r.spectrum
    assert s.wavelength_um[0] < 0.61 and s.wavelength_um[-1] > 11.9 and np.all(np.diff(s.wavelength_um) > 0)
    # The planet alone blocks (Rp/Rs)^2 = (0.92 * 6.3781e6 / (0.1192 * 6.957e8))^2 = 5.01e3 ppm.
    assert s.transit_depth_ppm.min() == pytest.approx(5010.0, rel=0.02)
    assert s.emission_contrast_ppm is not None and np.all(s.emission_contrast_ppm >= 0)
    assert {d.mode for d in r.detectability} == {"nirspec_prism", "niriss_soss", "nirspec_g395h", "miri_lrs"}
    prism = next(d for d in r.detectability if d.mode == "nirspec_prism")
    assert prism.wavelength_um.min() >= 0.6 and prism.wavelength_um.max() <= 5.3
    assert prism.transit_duration_h == pytest.approx(
        0.95, abs=0.1
    )  # observed T14 ~ 0.93 h (Agol et al. 2021)
    assert prism.snr["CO2"] > prism.snr["O3"]
    assert "climate surrogate m1" in s.provenance["surface_temperature"]
    assert r.atmosphere.temperature_k[0] == 271.0
    assert "MUSCLES" in s.provenance["stellar_spectrum"] or "blackbody" in s.provenance["stellar_spectrum"]


def test_more_transits_lower_the_noise_down_to_the_floor() -> None:
    uc = _use_case()
    one = uc.execute(ComputeSpectrumCommand(planet=T1E, modes=("niriss_soss",), n_transits=1)).detectability[
        0
    ]
    many = uc.execute(
        ComputeSpectrumCommand(planet=T1E, modes=("niriss_soss",), n_transits=400)
    ).detectability[0]
    assert np.all(many.sigma_ppm < one.sigma_ppm)
    assert np.all(many.sigma_ppm >= 20.0)


def test_without_a_climate_model_the_grey_estimate_is_used_and_recorded() -> None:
    r = _use_case(ts_k=None).execute(ComputeSpectrumCommand(planet=T1E, modes=("miri_lrs",)))
    assert r.spectrum.provenance["surface_temperature"].startswith("grey radiative estimate")


def test_given_atmosphere_and_biogenic_flux_are_used() -> None:
    opts = AtmosphereOptions(
        surface_temperature_k=290.0, vmr={"CO2": 0.01}, surface_flux_molecules_cm2_s={"CH4": 1e11}
    )
    r = _use_case().execute(ComputeSpectrumCommand(planet=T1E, atmosphere=opts, modes=("nirspec_prism",)))
    assert r.atmosphere.vmr["CH4"][0] > 1e-6
    assert r.spectrum.provenance["surface_temperature"] == "given"


@pytest.mark.parametrize(
    ("command", "error", "field"),
    [
        (ComputeSpectrumCommand(planet_name="Nope b"), NotFound, "name"),
        (ComputeSpectrumCommand(planet=T1E, modes=("nircam_typo",)), InvalidQuantity, "mode"),
        (
            ComputeSpectrumCommand(
                planet=T1E,
                atmosphere=AtmosphereOptions(surface_temperature_k=288.0, vmr={"CO2": 0.8, "O2": 0.4}),
            ),
            InvalidQuantity,
            "atmosphere.vmr",
        ),
        (ComputeSpectrumCommand(planet=T1E, wavelength_min_um=0.1), InvalidQuantity, "wavelength_um"),
        (ComputeSpectrumCommand(planet=T1E, n_transits=0), InvalidQuantity, "n_transits"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    command: ComputeSpectrumCommand, error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as exc:
        _use_case().execute(command)
    assert getattr(exc.value, "field", None) == field


def test_metabolism_fluxes_are_split_into_usable_and_ignored() -> None:
    kept, ignored = usable_biogenic_fluxes({"CH4": 1e11, "N2O": 1e9, "CO2": -5e11, "H2": 2e10, "CO": -1e8})
    assert kept == {"CH4": 1e11, "N2O": 1e9}
    assert ignored == ("CO", "CO2", "H2")


def test_each_opacity_table_used_is_named_in_the_provenance() -> None:
    r = _use_case().execute(
        ComputeSpectrumCommand(planet=T1E, wavelength_min_um=0.3, wavelength_max_um=30.0, emission=False)
    )
    prov = r.spectrum.provenance
    for gas in ("H2O", "CO2", "CH4", "O2", "O3", "N2O"):
        assert prov[f"opacity.{gas}"], gas
    assert "HELIOS-K" in prov["opacity.O3"] and "Voigt" in prov["opacity.O2"]
    assert "Lafferty" in prov["opacity.cia.N2-N2"] and "MT_CKD" in prov["opacity.cia.H2O-H2O"]
    assert r.spectrum.wavelength_um[0] < 0.31 and r.spectrum.wavelength_um[-1] > 29.5


def test_layers_colder_than_the_tables_are_flagged_not_silently_clamped() -> None:
    r = _use_case().execute(
        ComputeSpectrumCommand(planet=T1E, atmosphere=AtmosphereOptions(surface_temperature_k=60.0))
    )
    assert any("outside the opacity tables (100-2000 K)" in w for w in r.warnings)


def test_modern_earth_o3_on_trappist1e_stays_below_2_sigma_in_80_prism_transits() -> None:
    """Lin et al. (2021, ApJL 913, L15): for a modern-Earth TRAPPIST-1 e, JWST "will struggle to detect O3
    ... to > 2 sigma within ~80 transits" with NIRSpec PRISM; the 9.6 um band lies outside PRISM, where
    MIRI LRS sees it better."""
    r = _use_case().execute(
        ComputeSpectrumCommand(
            planet=T1E,
            modes=("nirspec_prism", "miri_lrs"),
            n_transits=80,
            atmosphere=AtmosphereOptions(surface_temperature_k=280.0),
        )
    )
    snr = {d.mode: d.snr for d in r.detectability}
    assert 0.0 < snr["nirspec_prism"]["O3"] < 2.0
    assert snr["miri_lrs"]["O3"] > snr["nirspec_prism"]["O3"]
    assert snr["nirspec_prism"]["CO2"] > 2.0  # CO2 stays the most accessible gas (Lin et al. 2021)
