"""Cross-validated skill of every climate model and baseline on the bundled ExoPlaSim runs.

    OMP_NUM_THREADS=1 nice .venv/bin/python benchmarks/eval_climate_surrogate.py            # print
    OMP_NUM_THREADS=1 nice .venv/bin/python benchmarks/eval_climate_surrogate.py --write    # + TRAINING.json
    ... --folds 7 --fields3d   # also the 3-D fields (ta hus ua va cl) for the baselines and prior_gp

k-fold cross-validation by simulation (``adapters/ml/cross_validation.py``: every run held out
once, every candidate refit per fold on the other runs only, sigma calibrated cross-conformally).
Printed per group (``all``, ``in_hull``, ``in_domain``, ``out_of_domain``): surface-temperature
field RMSE (K, area-weighted), global-mean RMSE, 1-/2-sigma coverage, spread-skill; and the scalar
models' global means. ``--write`` stores the tables under ``cross_validation`` in
``data/models/TRAINING.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

FIELD_CANDIDATES = ("train_mean", "knn3", "ridge_pca", "gp", "prior", "mlp", "prior_mlp", "prior_gp",
                    "gp_prior_features")
FIELDS3D_CANDIDATES = ("train_mean", "knn3", "prior", "prior_gp")


def _table(title: str, table: dict[str, dict[str, dict[str, float]]], keys: list[str]) -> None:
    print(f"\n== {title}")
    for group, rows in table.items():
        if not rows:
            print(f"-- {group}: no runs")
            continue
        n = int(next(iter(rows.values()))["n_runs"])
        print(f"-- {group} ({n} runs)")
        print(f"{'model':20s}" + "".join(f"{k:>22s}" for k in keys))
        for name, row in rows.items():
            cells = "".join(f"{row[k]:22.3f}" if k in row else f"{'—':>22s}" for k in keys)
            print(f"{name:20s}{cells}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fields3d", action="store_true", help="also cross-validate the 3-D fields")
    parser.add_argument("--write", action="store_true", help="store the tables in data/models/TRAINING.json")
    parser.add_argument("--models", default=str(ROOT / "data" / "models"))
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    import numpy as np
    from train_default_models import ingest_bundled  # type: ignore[import-not-found]

    from astrobio.adapters.ml import cross_validation as cv
    from astrobio.adapters.ml.emulator_training import targets_of
    from astrobio.domain.surrogate import SurrogateMode

    record: dict[str, Any] = {"folds": args.folds, "seed": args.seed}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="astrobio-cv-") as tmp:
        store, cubes = ingest_bundled(os.path.join(tmp, "zarr"))
        params, fields, ts, grid = targets_of(store, cubes, SurrogateMode.DATACUBE)  # type: ignore[arg-type]
        _, scalars, _, _ = targets_of(store, cubes, SurrogateMode.SCALAR)  # type: ignore[arg-type]
        store.close()
    record["runs"] = [c.id for c in cubes]  # type: ignore[attr-defined]
    print(f"{len(params)} runs read in {time.perf_counter() - t0:.0f} s")

    def progress(msg: str) -> None:
        print(f"  {msg} ({time.perf_counter() - t0:.0f} s)", flush=True)

    jobs: list[tuple[str, dict[str, np.ndarray], tuple[str, ...]]] = [
        ("ts_field", {"ts": fields["ts"]}, FIELD_CANDIDATES),
        ("scalar", scalars, FIELD_CANDIDATES)]
    if args.fields3d:
        three_d = {v: fields[v] for v in ("ta", "hus", "ua", "va", "cl")}
        jobs.append(("fields3d", three_d, FIELDS3D_CANDIDATES))
    for name, targets, cands in jobs:
        print(f"cross-validating {name} ({', '.join(cands)})")
        result = cv.run(params, targets, ts, grid, k=args.folds, seed=args.seed, candidates=cands,
                        progress=progress)
        factors = cv.calibrate(result, targets, grid["lat_deg"])
        table = cv.scores(result, targets, grid["lat_deg"])
        record[name] = {"scores": table, "sigma_factors": factors,
                        "in_hull": int(result["inside"].sum()),
                        "in_domain": int((result["distance"] <= 1.0).sum())}
        var = next(iter(targets))
        keys = [f"{var}_rmse", "ts_global_mean_rmse", f"{var}_coverage_1sigma", f"{var}_coverage_2sigma",
                f"{var}_spread_skill"]
        if name == "scalar":
            keys = ["ts_k_rmse", "ts_k_coverage_1sigma", "ts_k_coverage_2sigma", "rlut_w_m2_rmse",
                    "sic_fraction_rmse"]
        if name == "fields3d":
            keys = ["ta_rmse", "hus_rmse", "ua_rmse", "cl_rmse", "ta_coverage_1sigma"]
        _table(name, table, keys)
    record["seconds"] = round(time.perf_counter() - t0, 1)
    print(f"\ntotal {record['seconds']} s")
    if args.write:
        path = Path(args.models) / "TRAINING.json"
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        data["cross_validation"] = record
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
