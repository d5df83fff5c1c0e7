"""Wall time of a 20-trial tiny hyperparameter search with 1 vs 2 worker processes.

Each run creates a fresh study (graph VAE, 3 epochs per trial on the bundled KEGG maps) and starts
N ``astrobio search worker STUDY`` processes (what a SLURM array element runs) against it; the
figure is the wall time until every worker has returned. Storage: PostgreSQL when
``ASTROBIO_BENCH_POSTGRES_URL`` is set (a fresh database per run), else SQLite in a temp dir.

    OMP_NUM_THREADS=1 python benchmarks/bench_search.py [--trials 20] [--workers 1 2] [--epochs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(trials: int, workers: int, epochs: int) -> tuple[float, dict[str, int]]:
    from astrobio.adapters.sql import migrate
    from astrobio.bootstrap.search import create_search, study_summary
    from astrobio.bootstrap.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
        env |= {"ASTROBIO_DATA_DIR": f"{tmp}/var", "ASTROBIO_MODELS_DIR": f"{tmp}/models",
                "ASTROBIO_LOG_LEVEL": "error", "OMP_NUM_THREADS": "1"}
        if url := os.environ.get("ASTROBIO_BENCH_POSTGRES_URL"):
            env["ASTROBIO_DATABASE_URL"] = url
        Path(f"{tmp}/var").mkdir()
        settings = Settings(data_dir=Path(f"{tmp}/var"), database_url=env.get("ASTROBIO_DATABASE_URL", ""))
        migrate.upgrade(settings.sqlalchemy_url, "head")
        name = create_search(settings, "gvae", trials, seed=0, config={"epochs": epochs})
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-m", "astrobio.entrypoints.cli.main", "search", "worker",
                                   name, "--json"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(workers)]
        for p in procs:
            p.wait()
        wall = time.perf_counter() - start
        return wall, study_summary(settings, name)["counts"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args()
    base = None
    print(f"{args.trials}-trial graph-VAE search ({args.epochs} epochs/trial), cpus={os.cpu_count()}")
    for n in args.workers:
        wall, counts = run(args.trials, n, args.epochs)
        base = base or wall
        print(f"workers={n}: wall {wall:.1f} s, speed-up {base / wall:.2f}x, trials {counts}")


if __name__ == "__main__":
    main()
