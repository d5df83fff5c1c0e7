"""Benchmark: environment -> biosphere fluxes -> steady-state atmosphere for every modelled catalog planet.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_biosphere.py [--json]``.

The bundled catalog (PSCompPars) is parsed and every planet assessed and screened as the pipeline does;
the planets it models (those it would give a spectrum) get the grey-estimate surface temperature, the
pipeline's surface (1 bar N2 + 1 % CO2, H2 outgassing 1e10 cm^-2 s^-1), PAR from their star's Teff,
the supply-limited biosphere of the bundled models that pass the sanity checks (iAF692, iJN678 and the
rest; parsed once, not counted), and the photochemical steady state of CH4 / N2O. Saturating FBA
solves are cached by (model, substrates present): exact, since the rate comes from the planet's limits.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--models", nargs="*", default=None, help="model ids (default: all passing bundled)")
    ap.add_argument("--all-assessable", action="store_true",
                    help="every assessable planet, not only those the pipeline models (scale test)")
    args = ap.parse_args()

    from astrobio.adapters.catalog.colours import load_colour_sequence
    from astrobio.adapters.catalog.pscomppars import parse_pscomppars_bytes
    from astrobio.adapters.memory.metabolism import InMemoryMetabolicModelRepository
    from astrobio.adapters.metabolism.bundled import bundled_sbml_commands
    from astrobio.adapters.metabolism.cobra_engine import CobraFbaEngine
    from astrobio.adapters.metabolism.sbml_store import LocalSbmlStore
    from astrobio.application.ports.pipeline import BiogenicFluxes
    from astrobio.application.use_cases.metabolism import (
        IngestSbml,
        SimulateMetabolism,
        SimulateMetabolismCommand,
    )
    from astrobio.application.use_cases.pipeline_stages import SUN_TEFF_K, one_atmosphere
    from astrobio.application.use_cases.planet_biosphere import PLANET_PARTIAL_PRESSURES_BAR
    from astrobio.bootstrap.settings import Settings
    from astrobio.domain.assessment import assess_planet
    from astrobio.domain.atmosphere import grey_surface_temperature_k
    from astrobio.domain.biosignature_ranking import Verdict, screen
    from astrobio.domain.biosphere_flux import par_umol_m2_s
    from astrobio.domain.errors import DomainError
    from astrobio.domain.metabolism_environment import PlanetEnvironment

    t0 = time.perf_counter()
    engine, repo = CobraFbaEngine(), InMemoryMetabolicModelRepository()
    ingest = IngestSbml(repo, LocalSbmlStore(Path(tempfile.mkdtemp())), engine, _Clock())
    held = []
    for command in bundled_sbml_commands(ROOT / "data" / "metabolic_models"):
        if args.models is not None and command.model_id not in args.models:
            continue
        model, parsed = ingest.prepare(command)
        if all(c.passed for c in parsed.sanity):
            ingest.store(command, model)
        else:
            held.append(model.id)
    t_models = time.perf_counter() - t0

    catalog = ROOT / "data" / "exoplanet_archive" / "PSCompPars_2025-08.csv"
    snap = parse_pscomppars_bytes(catalog.read_bytes(), source="bench")
    colours = load_colour_sequence(Settings().colours_path)
    targets = []
    for planet in snap.planets:
        try:
            a = assess_planet(planet, colours)
        except DomainError:
            continue
        if args.all_assessable or screen(a) is Verdict.MODELLED:
            targets.append((planet, a))

    sim = SimulateMetabolism(repo, engine)
    names = {"ch4": "CH4", "n2o": "N2O"}
    t1 = time.perf_counter()
    states: Counter[str] = Counter()
    limits: Counter[str] = Counter()
    ch4 = []
    for planet, a in targets:
        teff = planet.star.teff_k or SUN_TEFF_K
        par = par_umol_m2_s(teff_k=teff, insolation_earth=a.insolation_earth)
        env = PlanetEnvironment(temperature_k=grey_surface_temperature_k(a.teq_k), pressure_bar=1.0,
                                partial_pressures_bar=dict(PLANET_PARTIAL_PRESSURES_BAR),
                                photon_flux_umol_m2_s=par)
        bio = sim.simulate(SimulateMetabolismCommand(environment=env), with_growth=False).biosphere
        fluxes = BiogenicFluxes(flux_molecules_cm2_s={n: max(0.0, bio.flux_molecules_cm2_s.get(k, 0.0))
                                                      for k, n in names.items()},
                                oxygenic=bio.oxygenic, source="bench", limits=dict(bio.limits))
        _, air = one_atmosphere(fluxes, teff_k=teff, insolation_earth=a.insolation_earth)
        states[air["state"]] += 1
        limits[bio.limits.get("ch4", "").split(":")[0].split(" (")[0]] += 1
        ch4.append((air["vmr"].get("CH4", 0.0), planet.name))
    t_run = time.perf_counter() - t1
    out = {
        "planets_modelled": len(targets),
        "models": [m.id for m in repo.list()],
        "held": held,
        "model_parse_and_checks_s": round(t_models, 1),
        "environment_to_atmosphere_s": round(t_run, 2),
        "per_planet_ms": round(1e3 * t_run / max(len(targets), 1), 2),
        "fba_solves": len(sim._yields),
        "atmosphere_states": dict(states),
        "ch4_limits": dict(limits),
        "top_ch4": [(n, float(f"{x:.3g}")) for x, n in sorted(ch4, reverse=True)[:5]],
    }
    print(json.dumps(out, indent=None if args.json else 1))


if __name__ == "__main__":
    main()
