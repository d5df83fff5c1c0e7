"""The pipeline's stage ports, implemented with the spectra and metabolism features' use cases."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from astrobio.application.ports.metabolism import BiosignatureFluxes
from astrobio.application.ports.pipeline import (
    BiogenicFluxes,
    MetabolismStage,
    SpectrumOutcome,
    SpectrumStage,
)
from astrobio.application.use_cases.spectra import AtmosphereOptions, ComputeSpectrum, ComputeSpectrumCommand
from astrobio.domain.errors import InsufficientData
from astrobio.domain.metabolism_environment import PlanetEnvironment
from astrobio.domain.planet import Planet

#: FBA results are cached by surface temperature rounded to this step (K) and light rounded to a
#: power of two times :data:`PAR_REFERENCE_UMOL_M2_S`: the environment depends on nothing else, so a
#: whole catalog needs a few dozen solves.
TEMPERATURE_STEP_K = 10.0
PAR_REFERENCE_UMOL_M2_S = 100.0
#: The environment the biosphere is grown in: 1 bar, N2 with 1 % CO2 (an early-Earth-like surface;
#: Kharecha et al. 2005). H2 comes from geological outgassing at the default rate (1e10 cm^-2 s^-1),
#: its atmospheric level follows from the supply (domain/biosphere_flux.py), and O2 only from an
#: oxygenic producer that grows.
PARTIAL_PRESSURES_BAR = {"n2": 0.99, "co2": 0.01}
#: Metabolism gas keys -> atmosphere gas names with a known lifetime.
FLUX_GASES = {"ch4": "CH4", "n2o": "N2O"}
N_LAYERS = 40


class FbaMetabolismStage(MetabolismStage):
    """Biogenic fluxes from flux balance analysis of the stored metabolic models, cached per environment."""

    def __init__(self, fluxes: Callable[[], BiosignatureFluxes], models: Callable[[], Sequence[str]]) -> None:
        self._fluxes, self._models = fluxes, models
        self._cache: dict[tuple[float, float, float], BiogenicFluxes | Exception] = {}

    def fluxes(
        self, *, temperature_k: float, pressure_bar: float, photon_flux_umol_m2_s: float
    ) -> BiogenicFluxes:
        par = photon_flux_umol_m2_s
        par_key = (
            0.0
            if par <= 0
            else PAR_REFERENCE_UMOL_M2_S * 2.0 ** round(math.log2(par / PAR_REFERENCE_UMOL_M2_S))
        )
        key = (round(temperature_k / TEMPERATURE_STEP_K) * TEMPERATURE_STEP_K, par_key, pressure_bar)
        if key not in self._cache:
            try:
                self._cache[key] = self._solve(key[0], key[1], pressure_bar)
            except Exception as exc:
                self._cache[key] = exc
        hit = self._cache[key]
        if isinstance(hit, Exception):
            raise hit
        return hit

    def _solve(self, temperature_k: float, par: float, pressure_bar: float) -> BiogenicFluxes:
        models = list(self._models())
        if not models:
            raise InsufficientData(
                "no metabolic models are stored (astrobio ingest sbml --bundled)", field="metabolism"
            )
        env = PlanetEnvironment(
            temperature_k=temperature_k,
            pressure_bar=pressure_bar,
            partial_pressures_bar=dict(PARTIAL_PRESSURES_BAR),
            photon_flux_umol_m2_s=par,
        )
        out = self._fluxes().surface_fluxes(env)
        flux = {
            name: max(0.0, float(out.flux_molecules_cm2_s.get(key, 0.0))) for key, name in FLUX_GASES.items()
        }
        return BiogenicFluxes(
            flux_molecules_cm2_s=flux,
            oxygenic=out.oxygenic,
            source=f"FBA yields ({', '.join(models)}) x supply/energy/light limits at {temperature_k:.0f} K, "
            f"PAR {par:.0f} umol m-2 s-1",
            details={k: float(v) for k, v in out.flux_molecules_cm2_s.items()},
            limits=dict(out.limits),
        )


def _r(x: float) -> float:
    return float(f"{x:.5g}")


class ComputeSpectrumStage(SpectrumStage):
    """The spectra feature's :class:`ComputeSpectrum` at modest resolution (R~100, 40 layers, no emission)."""

    def __init__(self, compute: Callable[[], ComputeSpectrum]) -> None:
        self._compute = compute

    def compute(
        self,
        planet: Planet,
        *,
        surface_temperature_k: float,
        vmr: Mapping[str, float],
        surface_flux_molecules_cm2_s: Mapping[str, float],
        modes: Sequence[str],
        n_transits: int,
        background: str = "N2",
    ) -> SpectrumOutcome:
        # A gas the pipeline already gives a mixing ratio for (its star- and O2-dependent photochemical
        # steady state) is not re-derived from its flux with Earth's lifetime.
        opts = AtmosphereOptions(
            surface_temperature_k=surface_temperature_k,
            vmr=dict(vmr),
            surface_flux_molecules_cm2_s={
                g: f for g, f in surface_flux_molecules_cm2_s.items() if g not in vmr
            },
            background=background,
        )
        res = self._compute().execute(
            ComputeSpectrumCommand(
                planet=planet,
                atmosphere=opts,
                modes=tuple(modes),
                n_transits=n_transits,
                n_layers=N_LAYERS,
                emission=False,
                use_climate_model=False,
            )
        )
        atm = res.atmosphere
        atmosphere: dict[str, Any] = {
            "surface_temperature_k": _r(float(atm.temperature_k[0])),
            "surface_pressure_bar": _r(float(atm.pressure_bar[0])),
            "surface_vmr": {
                g: _r(float(x[0]) if getattr(x, "ndim", 0) else float(x)) for g, x in atm.vmr.items()
            },
            "provenance": dict(atm.provenance),
        }
        return SpectrumOutcome(
            wavelength_um=[float(x) for x in res.spectrum.wavelength_um],
            transit_depth_ppm=[float(x) for x in res.spectrum.transit_depth_ppm],
            n_transits=n_transits,
            noise={
                d.mode: ([float(x) for x in d.wavelength_um], [float(x) for x in d.sigma_ppm])
                for d in res.detectability
            },
            snr={d.mode: {g: float(v) for g, v in d.snr.items()} for d in res.detectability},
            transits_for_5sigma={d.mode: dict(d.transits_for_5sigma) for d in res.detectability},
            atmosphere=atmosphere,
            provenance={k: str(v) for k, v in res.spectrum.provenance.items()},
            warnings=tuple(res.warnings),
        )
