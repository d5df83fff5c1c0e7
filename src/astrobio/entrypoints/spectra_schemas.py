"""msgspec DTOs of the spectrum API (HTTP and CLI)."""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar

import msgspec
import numpy as np

from astrobio.application.use_cases.spectra import AtmosphereOptions, ComputeSpectrumCommand, SpectrumResult
from astrobio.domain.errors import InvalidQuantity
from astrobio.entrypoints.schemas import AssessBody

Positive = Annotated[float, msgspec.Meta(gt=0)]


def _floats(a: np.ndarray | None, digits: int = 6) -> list[float | None]:
    if a is None:
        return []
    return [None if not math.isfinite(float(x)) else float(f"{float(x):.{digits}g}") for x in a]


class AtmosphereBody(msgspec.Struct, forbid_unknown_fields=True):
    """The atmosphere: every field optional (modern-Earth gases over 1 bar N2, estimated surface temperature).

    ``vmr``: well-mixed gases (N2, O2, CO2, H2O, CH4, O3, N2O, CO, H2, He, Ar) as volume mixing ratios;
    the background fills the rest. ``surface_flux_molecules_cm2_s``: biogenic CH4 / N2O / CO surface
    fluxes turned into steady-state mixing ratios. ``cloud_top_pressure_bar``: opaque grey deck.
    """

    surface_temperature_k: float | None = None
    surface_pressure_bar: float = 1.0
    background: str = "N2"
    vmr: dict[str, float] | None = None
    surface_flux_molecules_cm2_s: dict[str, float] = msgspec.field(default_factory=dict)
    relative_humidity_scale: float = 1.0
    cloud_top_pressure_bar: float | None = None

    def to_options(self) -> AtmosphereOptions:
        t = self.surface_temperature_k
        if t is not None and not (math.isfinite(t) and t > 0):
            raise InvalidQuantity(
                "surface temperature must be > 0 K", field="atmosphere.surface_temperature_k"
            )
        return AtmosphereOptions(
            surface_temperature_k=t,
            surface_pressure_bar=self.surface_pressure_bar,
            background=self.background,
            vmr=self.vmr,
            surface_flux_molecules_cm2_s=self.surface_flux_molecules_cm2_s,
            relative_humidity_scale=self.relative_humidity_scale,
            cloud_top_pressure_bar=self.cloud_top_pressure_bar,
        )


class SpectrumBody(msgspec.Struct, forbid_unknown_fields=True):
    """Input of ``POST /predict/spectrum`` and ``astrobio spectrum --params``: a catalog ``planet_name`` or a
    full ``planet``, an optional ``atmosphere``, the JWST ``modes`` (empty = all) and ``n_transits``."""
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("a stored planet, NIRSpec PRISM, 10 transits",
         {"planet_name": "TRAPPIST-1 e", "modes": ["nirspec_prism"], "n_transits": 10}),
        ("an Earth twin with a biogenic methane flux",
         {"planet": {"name": "Earth twin",
                     "radius_earth": 1.0,
                     "orbital_period_days": 365.25,
                     "star": {"teff_k": 5772.0,
                              "radius_sun": 1.0,
                              "mass_sun": 1.0,
                              "k_mag": 3.28,
                              "distance_pc": 10.0}},
          "atmosphere": {"surface_flux_molecules_cm2_s": {"CH4": 1.0e11}},
          "modes": ["miri_lrs"],
          "n_transits": 30}),
    ]

    planet_name: str | None = None
    planet: AssessBody | None = None
    atmosphere: AtmosphereBody = msgspec.field(default_factory=AtmosphereBody)
    modes: list[str] = msgspec.field(default_factory=list)
    n_transits: Annotated[int, msgspec.Meta(ge=1, le=10000)] = 1
    wavelength_min_um: Positive = 0.6
    wavelength_max_um: Positive = 12.0
    n_layers: Annotated[int, msgspec.Meta(ge=10, le=1000)] = 60
    emission: bool = True

    def to_command(self) -> ComputeSpectrumCommand:
        if (self.planet_name is None) == (self.planet is None):
            raise InvalidQuantity("give exactly one of planet_name and planet", field="planet")
        return ComputeSpectrumCommand(
            planet_name=self.planet_name,
            planet=None if self.planet is None else self.planet.to_domain(),
            atmosphere=self.atmosphere.to_options(),
            modes=tuple(self.modes),
            n_transits=self.n_transits,
            wavelength_min_um=self.wavelength_min_um,
            wavelength_max_um=self.wavelength_max_um,
            n_layers=self.n_layers,
            emission=self.emission,
        )


class ModeRead(msgspec.Struct):
    mode: str
    n_transits: int
    transit_duration_h: float
    wavelength_um: list[float | None]
    sigma_ppm: list[float | None]
    snr: dict[str, float]
    transits_for_5sigma: dict[str, int | None]


class AtmosphereRead(msgspec.Struct):
    pressure_bar: list[float | None]
    temperature_k: list[float | None]
    vmr: dict[str, list[float | None]]
    mean_molecular_weight_g_mol: float


class SpectrumRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("TRAPPIST-1 e, N2-CO2 atmosphere",
         {
             "planet_name": "TRAPPIST-1 e",
             "wavelength_um": [2.0, 4.3],
             "transit_depth_ppm": [4995.1, 5021.6],
             "emission_contrast_ppm": [0.0, 0.02],
             "modes": [
                 {
                     "mode": "NIRSpec PRISM",
                     "n_transits": 10,
                     "transit_duration_h": 0.92,
                     "wavelength_um": [2.0, 4.3],
                     "sigma_ppm": [28.4, 31.0],
                     "snr": {"CO2": 3.1},
                     "transits_for_5sigma": {"CO2": 26},
                 },
             ],
             "atmosphere": {
                 "pressure_bar": [1.0, 0.001],
                 "temperature_k": [252.0, 180.0],
                 "vmr": {"N2": [0.9, 0.9], "CO2": [0.1, 0.1]},
                 "mean_molecular_weight_g_mol": 29.6,
             },
             "provenance": {"opacities": "HITRAN 2020"},
             "warnings": [],
         }),
    ]

    planet_name: str
    wavelength_um: list[float | None]
    transit_depth_ppm: list[float | None]
    emission_contrast_ppm: list[float | None]
    modes: list[ModeRead]
    atmosphere: AtmosphereRead
    provenance: dict[str, str]
    warnings: list[str]

    @classmethod
    def from_result(cls, r: SpectrumResult) -> SpectrumRead:
        s, a = r.spectrum, r.atmosphere
        return cls(
            planet_name=r.planet_name,
            wavelength_um=_floats(s.wavelength_um),
            transit_depth_ppm=_floats(s.transit_depth_ppm, 8),
            emission_contrast_ppm=_floats(s.emission_contrast_ppm),
            modes=[
                ModeRead(
                    mode=d.mode,
                    n_transits=d.n_transits,
                    transit_duration_h=round(d.transit_duration_h, 4),
                    wavelength_um=_floats(d.wavelength_um),
                    sigma_ppm=_floats(d.sigma_ppm, 4),
                    snr={k: round(v, 3) for k, v in d.snr.items()},
                    transits_for_5sigma=dict(d.transits_for_5sigma),
                )
                for d in r.detectability
            ],
            atmosphere=AtmosphereRead(
                pressure_bar=_floats(a.pressure_bar, 4),
                temperature_k=_floats(a.temperature_k, 4),
                vmr={k: _floats(np.asarray(v), 4) for k, v in a.vmr.items()},
                mean_molecular_weight_g_mol=round(float(a.mean_molecular_weight()[0]), 4),
            ),
            provenance=dict(s.provenance),
            warnings=list(r.warnings),
        )
