"""The whole bundled catalog through the pipeline with Monte Carlo uncertainty (64 draws per planet).

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_pipeline_mc.py [--fba] [--draws 64] [--keep DIR]``.

A throwaway SQLite data dir gets the migrations and the bundled catalog (with its error columns);
then, in a fresh child process (peak memory is its own), ``RunPipeline`` over every planet with the
bundled climate surrogate, ``fixed`` metabolism (or FBA with ``--fba``; the one-time model ingestion is
not counted), ``n_draws`` Monte Carlo draws per modelled planet. Printed: wall time of the run
(screening, climate, metabolism, spectra, the Monte Carlo, storage), the time of the Monte Carlo step
alone, peak RSS, verdict counts and the top 10 with their 16-84 % intervals and P(top 10).
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


def _settings(cls: type, data_dir: str | Path) -> object:
    bundled = os.environ.get("ASTROBIO_BENCH_BUNDLED_DIR")  # a copy of data/ (e.g. with other opacity tables)
    return cls(data_dir=Path(data_dir), **({"bundled_data_dir": Path(bundled)} if bundled else {}))


def child(data_dir: str, metabolism: str, n_draws: int) -> dict[str, object]:
    import astrobio.application.use_cases.pipeline_stages as stages
    from astrobio.application.use_cases.pipeline import RunPipelineCommand
    from astrobio.bootstrap.container import build_container
    from astrobio.bootstrap.settings import Settings

    mc_seconds = [0.0]
    timed = stages.with_uncertainty

    def with_uncertainty(*args: object, **kwargs: object) -> object:
        t = time.perf_counter()
        out = timed(*args, **kwargs)  # type: ignore[arg-type]
        mc_seconds[0] += time.perf_counter() - t
        return out

    stages.with_uncertainty = with_uncertainty  # type: ignore[assignment]
    c = build_container(_settings(Settings, data_dir)).pipeline
    t0 = time.perf_counter()
    run = c.start_run().execute(RunPipelineCommand(metabolism=metabolism, n_draws=n_draws))
    run = c.run_pipeline().execute(run.id)
    t_run = time.perf_counter() - t0
    t1 = time.perf_counter()
    c.report_writer().write(run, c.runs().results(run.id), str(Path(data_dir) / f"report-{metabolism}.html"),
                            top=10)
    t_report = time.perf_counter() - t1
    top = c.get_run().execute(run.id, limit=10).ranked
    return {
        "metabolism": metabolism,
        "n_draws": n_draws,
        "planets": run.n_done,
        "failed": run.n_failed,
        "run_s": round(t_run, 2),
        "monte_carlo_s": round(mc_seconds[0], 3),
        "report_s": round(t_report, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "counts": c.runs().counts(run.id),
        "top10": [
            {
                "name": r.planet_name,
                "potential": round(r.potential or 0.0, 3),
                "median": r.summary.get("potential_median"),
                "p16": r.summary.get("potential_p16"),
                "p84": r.summary.get("potential_p84"),
                "p_top10": r.summary.get("p_top10"),
                "class": r.summary.get("planet_class"),
                "radius": r.summary.get("radius_earth"),
                "S": r.summary.get("insolation_earth"),
                "ts_k": r.stages.get("climate", {}).get("ts_k"),
                "best": r.stages.get("detectability", {}).get("best"),
                "max_transits": r.stages.get("potential", {}).get("max_transits"),
                "distance_pc": r.summary.get("distance_pc"),
            }
            for r in top
        ],
    }


def setup(data_dir: Path, fba: bool) -> None:
    from astrobio.adapters.sql import migrate
    from astrobio.application.use_cases.ingest_catalog import IngestCatalogCommand
    from astrobio.bootstrap.container import build_container
    from astrobio.bootstrap.metabolism_container import bundled_sbml
    from astrobio.bootstrap.settings import Settings

    settings = _settings(Settings, data_dir)
    migrate.upgrade(settings.sqlalchemy_url, "head")
    c = build_container(settings)
    c.ingest_catalog().execute(IngestCatalogCommand(source="bundled"))
    if fba:
        ingest = c.metabolism.ingest_sbml()
        for command in bundled_sbml(settings):
            ingest.execute(command)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fba", action="store_true", help="FBA metabolism (ingests the bundled models first)")
    ap.add_argument("--draws", type=int, default=64)
    ap.add_argument("--keep", help="use (and keep) this data dir instead of a temporary one")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", nargs=3, metavar=("DATA_DIR", "METABOLISM", "DRAWS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], int(args.child[2]))))
        return
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    metabolism = "fba" if args.fba else "fixed"
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(args.keep) if args.keep else Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        if not (data_dir / "astrobio.sqlite3").exists():
            setup(data_dir, args.fba)
        r = subprocess.run([sys.executable, __file__, "--child", str(data_dir), metabolism, str(args.draws)],
                           capture_output=True, text=True, check=False)
        if r.returncode != 0:
            sys.exit(r.stderr[-4000:])
        out = json.loads(r.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"cpus: {os.cpu_count()}, load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"metabolism={out['metabolism']}, {out['n_draws']} draws/planet: {out['planets']} planets in "
          f"{out['run_s']} s (Monte Carlo {out['monte_carlo_s']} s; report {out['report_s']} s), "
          f"peak RSS {out['peak_rss_mib']} MiB, failed {out['failed']}")
    print(f"  verdicts: {out['counts']}")
    for i, t in enumerate(out["top10"], 1):
        print(f"  {i:2d}. {t['name']:<16} E={t['potential']:.3f} "
              f"median {t['median']} [{t['p16']}, {t['p84']}] "
              f"P(top10)={t['p_top10']} {t['class']} R={t['radius']} S={t['S']} Ts={t['ts_k']} "
              f"best={t['best']} reach={t['max_transits']} d={t['distance_pc']}")


if __name__ == "__main__":
    main()
