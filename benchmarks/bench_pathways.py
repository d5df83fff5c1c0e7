"""KEGG pathway benchmarks: KGML parse + graph build throughput, and graph VAE training.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_pathways.py [--rounds 5] [--epochs 60] [--json]``.

Figures:
- parse + graph build: pathways per minute over the 28 bundled maps (``data/kegg/kgml``, 3.9 MB,
  from the 22-node TCA map to the 1,688-compound global map ko01100), each round reading the bytes,
  parsing the KGML with Biopython, building the domain ``Pathway`` and both networkx graphs
  (compound-reaction bipartite, compound-compound projection); also without ko01100;
- graph VAE: seconds per training epoch (one pass over every map with 10+ edges, CPU, one torch
  thread) and the held-out (test) link-prediction AUROC and average precision, written to a
  throwaway model folder (the shipped model is not touched).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def parse_throughput(rounds: int, skip: set[str]) -> dict[str, float]:
    from astrobio.adapters.kegg.graphs import bipartite_graph, compound_graph
    from astrobio.adapters.kegg.kgml import parse_kgml

    files = [p for p in sorted((ROOT / "data" / "kegg" / "kgml").glob("*.xml")) if p.stem not in skip]
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for path in files:
            p = parse_kgml(path.read_bytes(), source=path.name)
            bipartite_graph(p)
            compound_graph(p)
        rates.append(len(files) / (time.perf_counter() - start) * 60.0)
    return {
        "maps": len(files),
        "pathways_per_min_median": statistics.median(rates),
        "pathways_per_min_min": min(rates),
    }


def gvae(epochs: int) -> dict[str, float]:
    from astrobio.adapters.kegg.file_catalog import FileKeggCatalog
    from astrobio.adapters.ml.gvae import TorchGraphVaeTrainer

    catalog = FileKeggCatalog(ROOT / "data" / "kegg")
    pathways = [catalog.fetch(i) for i in catalog.list_ids()]
    with tempfile.TemporaryDirectory() as tmp:
        m = TorchGraphVaeTrainer(Path(tmp)).train(pathways, epochs=epochs, seed=0)
    return {
        "epochs": m.epochs,
        "best_epoch": m.best_epoch,
        "seconds_per_epoch": m.seconds_per_epoch,
        "test_auroc": m.auroc,
        "test_average_precision": m.average_precision,
        "val_auroc": m.val_auroc,
        "graphs": m.n_graphs,
        "nodes": m.n_nodes,
        "test_positive_edges": m.n_test_edges,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    out: dict[str, object] = {
        "load_average_1min": os.getloadavg()[0],
        "cpus": os.cpu_count(),
        "parse_all": parse_throughput(args.rounds, set()),
        "parse_without_ko01100": parse_throughput(args.rounds, {"ko01100"}),
        "gvae": gvae(args.epochs),
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"machine: {out['cpus']} CPUs, 1-min load average {out['load_average_1min']:.1f} at start")
    for key in ("parse_all", "parse_without_ko01100"):
        r: Any = out[key]
        print(
            f"KGML parse + graph build ({r['maps']} maps): {r['pathways_per_min_median']:,.0f} pathways/min "
            f"(median of {args.rounds}; slowest round {r['pathways_per_min_min']:,.0f})"
        )
    g: Any = out["gvae"]
    print(
        f"graph VAE: {g['seconds_per_epoch']:.3f} s/epoch over {g['graphs']} maps ({g['nodes']} nodes); "
        f"held-out AUROC {g['test_auroc']:.3f}, AP {g['test_average_precision']:.3f} "
        f"({g['test_positive_edges']} test edges, best epoch {g['best_epoch']}/{g['epochs']})"
    )


if __name__ == "__main__":
    main()
