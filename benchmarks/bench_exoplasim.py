"""ExoPlaSim cost on this machine: wall seconds per model year at T21, on 1 and 2 MPI ranks.

Runs a short model (default 30 days = 960 steps of 45 min) through the same command a job runner
uses, and scales the wall time to a 360-day year. Also prints PlaSim's own "seconds per sim year"
from its diagnostic log (model time only, without start-up and post-processing).
Needs scripts/install_exoplasim.sh. Run: ``.venv/bin/python benchmarks/bench_exoplasim.py [--days 30]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from astrobio.adapters.gcm.exoplasim import ExoPlaSimSimulator
from astrobio.domain.climate import ClimateParameters


def run(days: float, ranks: int) -> dict[str, float]:
    sim = ExoPlaSimSimulator()
    params = ClimateParameters(run_days=days, mixed_layer_depth_m=10.0)
    sim.validate(params)
    with tempfile.TemporaryDirectory() as tmp:
        pfile = Path(tmp) / "params.json"
        pfile.write_text(json.dumps(params.to_dict()))
        work = Path(tmp) / "run"
        work.mkdir()
        t0 = time.perf_counter()
        with open(work / "job.log", "wb") as log:
            subprocess.run(sim.command(str(pfile), str(work), ranks=ranks), cwd=work, stdout=log,
                           stderr=subprocess.STDOUT, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        wall = time.perf_counter() - t0
        model_s = float("nan")
        for diag in work.rglob("MOST_DIAG.*"):
            m = re.search(r"Seconds per sim year\s*:?\s*([0-9.]+)", diag.read_text(errors="replace"))
            if m:
                model_s = float(m.group(1))
    return {"wall_s": wall, "wall_s_per_model_year": wall * 360.0 / days, "plasim_s_per_sim_year": model_s}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--days", type=float, default=30.0)
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    for ranks in args.ranks:
        fig = run(args.days, ranks)
        print(f"ranks={ranks}  run {args.days:g} d: {fig['wall_s']:.1f} s wall  "
              f"-> {fig['wall_s_per_model_year'] / 60:.1f} min per model year "
              f"(PlaSim's own: {fig['plasim_s_per_sim_year'] / 60:.1f} min)")


if __name__ == "__main__":
    main()
