"""End-to-end pipeline benchmark: every bundled catalog planet (5,967 rows) through the full pipeline.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_pipeline.py [--fba] [--json]``.
A throwaway SQLite data dir gets the migrations and the bundled catalog; then, each in a fresh child
process (so peak memory is its own), ``RunPipeline`` over ``--all`` with the bundled climate surrogate:

- ``fixed``: the documented modern-Earth biogenic fluxes (no FBA);
- ``fba`` (with ``--fba``): FBA of the 8 bundled metabolic models, cached per 10 K / light bin (the
  models are ingested first; that ingestion, ~2 min, is not counted).

Figures: wall time of the run (screening, surrogate, spectra of the modelled planets, storage of
every result), the HTML report's write time, peak RSS of the child, and the verdict counts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def child(data_dir: str, metabolism: str) -> dict[str, object]:
    from astrobio.application.use_cases.pipeline import RunPipelineCommand
    from astrobio.bootstrap.container import build_container
    from astrobio.bootstrap.settings import Settings

    c = build_container(Settings(data_dir=Path(data_dir))).pipeline
    t0 = time.perf_counter()
    run = c.start_run().execute(RunPipelineCommand(metabolism=metabolism))
    run = c.run_pipeline().execute(run.id)
    t_run = time.perf_counter() - t0
    t1 = time.perf_counter()
    c.report_writer().write(
        run, c.runs().results(run.id), str(Path(data_dir) / f"report-{metabolism}.html"), top=10
    )
    t_report = time.perf_counter() - t1
    top = c.get_run().execute(run.id, limit=5).ranked
    return {
        "metabolism": metabolism,
        "planets": run.n_done,
        "failed": run.n_failed,
        "run_s": round(t_run, 2),
        "report_s": round(t_report, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "counts": c.runs().counts(run.id),
        "top5": [r.planet_name for r in top],
    }


def setup(data_dir: Path, fba: bool) -> None:
    from astrobio.application.use_cases.ingest_catalog import IngestCatalogCommand
    from astrobio.bootstrap.container import build_container
    from astrobio.bootstrap.database import upgrade_database
    from astrobio.bootstrap.metabolism_container import bundled_sbml
    from astrobio.bootstrap.settings import Settings

    settings = Settings(data_dir=data_dir)
    upgrade_database(settings)
    c = build_container(settings)
    c.ingest_catalog().execute(IngestCatalogCommand(source="bundled"))
    if fba:
        ingest = c.metabolism.ingest_sbml()
        for command in bundled_sbml(settings):
            ingest.execute(command)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--fba", action="store_true", help="also run with FBA metabolism (ingests the models first)"
    )
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", nargs=2, metavar=("DATA_DIR", "METABOLISM"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory() as tmp:
        setup(Path(tmp), args.fba)
        out = []
        for metabolism in ("fixed", "fba") if args.fba else ("fixed",):
            r = subprocess.run(
                [sys.executable, __file__, "--child", tmp, metabolism],
                capture_output=True,
                text=True,
                check=True,
            )
            out.append(json.loads(r.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"cpus: {os.cpu_count()}, load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for r in out:
        print(
            f"metabolism={r['metabolism']}: {r['planets']} planets in {r['run_s']} s "
            f"(+ report {r['report_s']} s), peak RSS {r['peak_rss_mib']} MiB, failed {r['failed']}"
        )
        print(f"  verdicts: {r['counts']}")
        print(f"  top 5: {', '.join(r['top5'])}")


if __name__ == "__main__":
    main()
