"""Metabolism benchmarks: FBA solves per second, and an environment sweep over the bundled models.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_metabolism.py [--envs 50] [--json]``.

Figures:
- parse: seconds to read each SBML with COBRApy (once per process; models are then cached);
- FBA solves/s on e_coli_core and iJO1366: ``slim_optimize`` after changing the glucose and O2
  uptake bounds each time (so the solver cannot reuse a finished basis), GLPK;
- simulate/s on the same models: the engine's FBA + parsimonious FBA with every exchange bound set
  from scratch (what one (environment, model) pair costs, model already parsed);
- sweep: ``SimulateMetabolism`` over ``--envs`` random environments (T 250-370 K, pH2 / pCO2 /
  pO2 log-uniform, light on or off) x every bundled model, wall time and per-(env, model) time,
  extrapolated linearly to 1,000 environments (the runs are independent, so the cost is linear).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from astrobio.adapters.memory.metabolism import InMemoryMetabolicModelRepository  # noqa: E402
from astrobio.adapters.metabolism.bundled import bundled_sbml_commands  # noqa: E402
from astrobio.adapters.metabolism.cobra_engine import CobraFbaEngine, read_sbml_text  # noqa: E402
from astrobio.adapters.metabolism.sbml_store import LocalSbmlStore  # noqa: E402
from astrobio.application.use_cases.metabolism import (  # noqa: E402
    IngestSbml,
    SimulateMetabolism,
    SimulateMetabolismCommand,
)
from astrobio.domain.metabolism import MetabolicModel  # noqa: E402
from astrobio.domain.metabolism_environment import PlanetEnvironment  # noqa: E402

MODELS = ROOT / "data" / "metabolic_models"


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def solves_per_second(path: Path, glucose: str, seconds: float) -> tuple[float, float]:
    from cobra.io import read_sbml_model

    t0 = time.perf_counter()
    model = read_sbml_model(read_sbml_text(str(path)))
    parse_s = time.perf_counter() - t0
    glc, o2 = model.reactions.get_by_id(glucose), model.reactions.get_by_id("EX_o2_e")
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        glc.lower_bound = -5.0 - (n % 10)
        o2.lower_bound = -10.0 - (n % 7)
        model.slim_optimize()
        n += 1
    return parse_s, n / (time.perf_counter() - t0)


def simulations_per_second(engine: CobraFbaEngine, model: MetabolicModel, seconds: float) -> float:
    """The engine's FBA + pFBA (bounds set from scratch each call), aerobic on glucose."""
    caps = dict(model.base_medium)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        caps[model.exchanges["glucose"]] = 5.0 + n % 10
        caps[model.exchanges["o2"]] = 10.0 + n % 7
        engine.simulate(model, caps)
        n += 1
    return n / (time.perf_counter() - t0)


def random_env(rng: random.Random) -> PlanetEnvironment:
    pp = {"h2": 10 ** rng.uniform(-6, -1), "co2": 10 ** rng.uniform(-4, -0.5),
          "o2": 10 ** rng.uniform(-6, -0.7), "n2": 0.5, "ch4": 10 ** rng.uniform(-6, -2)}
    return PlanetEnvironment(temperature_k=rng.uniform(250.0, 370.0), pressure_bar=1.5,
                             partial_pressures_bar=pp,
                             photon_flux_umol_m2_s=rng.choice([0.0, 300.0, 1500.0]),
                             organics_mmol_gdw_h={"glucose": rng.choice([0.0, 5.0])})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--envs", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out: dict[str, object] = {}
    for name, file, glc in (("e_coli_core", "e_coli_core.xml.gz", "EX_glc__D_e"),
                            ("iJO1366", "iJO1366.xml.gz", "EX_glc__D_e")):
        parse_s, fba = solves_per_second(MODELS / file, glc, args.seconds)
        out[name] = {"parse_s": round(parse_s, 2), "fba_solves_per_s": round(fba, 1)}

    repo, engine = InMemoryMetabolicModelRepository(), CobraFbaEngine()
    with tempfile.TemporaryDirectory() as tmp:
        ingest = IngestSbml(repo, LocalSbmlStore(Path(tmp)), engine, Clock())
        t0 = time.perf_counter()
        for command in bundled_sbml_commands(MODELS):
            ingest.execute(command)
        out["ingest_all_bundled_s"] = round(time.perf_counter() - t0, 1)
        for name in ("e_coli_core", "iJO1366"):
            model = repo.get(name)
            assert model is not None
            engine.simulate(model, model.base_medium)  # parse + build the pFBA copy once
            out[name]["simulate_fba_pfba_per_s"] = round(  # type: ignore[index]
                simulations_per_second(engine, model, args.seconds), 1)
        sim = SimulateMetabolism(repo, engine)
        sim.execute(SimulateMetabolismCommand(environment=random_env(random.Random(1))))  # warm the cache
        rng = random.Random(20261126)
        envs = [random_env(rng) for _ in range(args.envs)]
        t0 = time.perf_counter()
        grew = 0
        for env in envs:
            grew += sum(r.grows for r in sim.execute(SimulateMetabolismCommand(environment=env)))
        wall = time.perf_counter() - t0
    n_models = len(repo.list())
    out["sweep"] = {"environments": args.envs, "models": n_models, "wall_s": round(wall, 1),
                    "ms_per_env_model": round(1000 * wall / (args.envs * n_models), 1),
                    "growing_fraction": round(grew / (args.envs * n_models), 3),
                    "extrapolated_1000_envs_s": round(wall * 1000 / args.envs, 0)}
    if args.json:
        print(json.dumps(out))
        return
    for key, value in out.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
