"""``astrobio climate ...``: GCM sweeps and runs, cube ingestion and browsing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import EXIT_INPUT, cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table, track
from astrobio.entrypoints.cli.sweep_progress import follow_sweep
from astrobio.entrypoints.sweep_progress import SweepProgressTracker

climate_app = typer.Typer(help="Climate: GCM sweeps (local or SLURM), NetCDF -> Zarr cubes.",
                          no_args_is_help=True)
sweep_app = typer.Typer(help="Parameter sweeps.", no_args_is_help=True)
cubes_app = typer.Typer(help="Published climate cubes.", no_args_is_help=True)
climate_app.add_typer(sweep_app, name="sweep")
climate_app.add_typer(cubes_app, name="cubes")

SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="fix a parameter: NAME=VALUE (e.g. run_days=30, synchronous=true); repeatable")]
RangeOpt = Annotated[list[str], typer.Option(
    "--range", help="vary a parameter: NAME=LOW:HIGH[:log] (e.g. pco2_bar=1e-4:0.1:log); repeatable")]
BackendOpt = Annotated[str, typer.Option(help="local | slurm")]


def _base(sets: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in sets or []:
        key, sep, val = item.partition("=")
        if not sep:
            fail(f"--set {item!r}: expected NAME=VALUE", EXIT_INPUT)
        key, low = key.strip(), val.strip().lower()
        if key != "synchronous":
            out[key] = _num(val, key)
        elif low in {"1", "true", "yes", "0", "false", "no"}:
            out[key] = low in {"1", "true", "yes"}
        else:
            fail(f"--set synchronous={val!r}: expected true or false", EXIT_INPUT)
    return out


def _num(val: str, key: str) -> float:
    try:
        return float(val)
    except ValueError:
        flag = key if key.startswith("--") else f"--set {key}"
        fail(f"{flag}: {val!r} is not a number", EXIT_INPUT, flag.split(" ", 1)[0])


def _ranges(specs: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in specs:
        key, sep, rest = item.partition("=")
        parts = rest.split(":")
        if not sep or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "log"):
            fail(f"--range {item!r}: expected NAME=LOW:HIGH[:log]", EXIT_INPUT)
        flag = f"--range {key.strip()}"
        out[key.strip()] = {"low": _num(parts[0], flag), "high": _num(parts[1], flag), "log": len(parts) == 3}
    return out


def _show_sweep(status: Any, json: bool) -> None:
    from astrobio.entrypoints.climate_schemas import SweepRead

    out = SweepRead.from_domain(status)
    if json:
        emit_json(out)
        return
    rows = [[r.id, r.state, str(r.attempts), r.backend, r.backend_job_id or "—", r.cube_id or "—",
             fmt(r.parameters["star_teff_k"], 1), fmt(r.parameters["instellation_w_m2"], 1),
             (r.log_excerpt.strip().splitlines() or [""])[-1][:60]] for r in out.runs]
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(out.counts.items()))
    if not status.finished:  # an estimate from the benchmarked cost per model step
        counts += " — " + SweepProgressTracker(ranks=context.settings().gcm_ranks).observe(
            list(status.runs)).line()
    table(f"sweep {out.id} ({out.name}) — {counts}", ["run", "state", "tries", "backend", "batch id", "cube",
                                                      "Teff [K]", "S [W/m²]", "last log line"], rows)
    if out.acquisition:
        a = out.acquisition
        print(f"active: {a['rule']} (model {a['model_id'][:12]}); RMS sigma of global-mean Ts over the box "
              f"{a['sigma_before_k']:.2f} K -> {a['sigma_after_k']:.2f} K with these runs")


def _plan(name: str, ranges: dict[str, dict[str, Any]], base: dict[str, Any], method: str, samples: int,
          seed: int) -> Any:
    import msgspec

    from astrobio.entrypoints.climate_schemas import SweepPlanBody

    body = msgspec.convert({"name": name, "ranges": ranges, "base": base, "method": method,
                            "samples": samples, "seed": seed}, SweepPlanBody)
    return context.container().plan_sweep().execute(body.to_command())


@sweep_app.command("plan")
def sweep_plan(
    name: Annotated[str, typer.Option(help="sweep name")],
    range_: RangeOpt,
    sets: SetOpt = None,
    method: Annotated[str, typer.Option(help="lhs | grid | active (the runs that most reduce the "
                                              "active emulator's variance in the box)")] = "lhs",
    samples: Annotated[int, typer.Option(help="points (lhs) or points per axis (grid)")] = 4,
    seed: int = 0,
    json: JsonOpt = False,
) -> None:
    """Sample a sweep and record its runs (nothing runs yet)."""
    with cli_errors():
        _show_sweep(_plan(name, _ranges(range_), _base(sets), method, samples, seed), json)


@sweep_app.command("launch")
def sweep_launch(
    sweep_id: str,
    backend: BackendOpt = "local",
    ranks: Annotated[int | None, typer.Option(help="MPI ranks per run (default ASTROBIO_GCM_RANKS)")] = None,
    wait: Annotated[bool, typer.Option(help="poll until every run is final (always on for local)")] = False,
    poll_interval: float = 5.0,
    json: JsonOpt = False,
) -> None:
    """Submit a sweep's queued runs (SLURM array or local pool); with --wait, follow them to the end."""
    with cli_errors():
        from astrobio.application.use_cases.climate_sweeps import CompleteSweepCommand, LaunchSweepCommand

        c = context.container()
        r = ranks or context.settings().gcm_ranks
        if wait or backend == "local":  # local runs belong to this process: stay until they end
            with follow_sweep(f"sweep {sweep_id[:8]}", json=json, ranks=r,
                              parallel=context.settings().local_max_parallel) as on_status:
                status = c.complete_sweep().execute(CompleteSweepCommand(
                    sweep_id=sweep_id, backend=backend, ranks=r, poll_interval_s=poll_interval,
                    on_status=on_status))
        else:
            status = c.launch_sweep().execute(LaunchSweepCommand(sweep_id=sweep_id, backend=backend, ranks=r))
        _show_sweep(status, json)


@sweep_app.command("status")
def sweep_status(sweep_id: str, json: JsonOpt = False) -> None:
    """Poll the batch system, ingest finished runs, show every run's state."""
    with cli_errors():
        _show_sweep(context.container().poll_sweep().execute(sweep_id), json)


@climate_app.command("run")
def climate_run(
    sets: SetOpt = None,
    backend: BackendOpt = "local",
    ranks: Annotated[int | None, typer.Option(help="MPI ranks (default ASTROBIO_GCM_RANKS)")] = None,
    name: str = "single-run",
    poll_interval: float = 5.0,
    json: JsonOpt = False,
) -> None:
    """Run the GCM for ONE planet (parameters via --set) and ingest its output into a cube."""
    with cli_errors():
        from astrobio.application.use_cases.climate_sweeps import CompleteSweepCommand

        base = _base(sets)
        teff = float(base.get("star_teff_k", 5772.0))
        status = _plan(name, {"star_teff_k": {"low": teff, "high": teff, "log": False}}, base, "lhs", 1, 0)
        r = ranks or context.settings().gcm_ranks
        with follow_sweep("GCM run", json=json, ranks=r, parallel=1) as on_status:
            status = context.container().complete_sweep().execute(CompleteSweepCommand(
                sweep_id=status.sweep.id, backend=backend, ranks=r, poll_interval_s=min(poll_interval, 2.0),
                on_status=on_status))
        _show_sweep(status, json)


@climate_app.command("ingest")
def climate_ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="NetCDF files (concatenated along time)")] = None,
    name: Annotated[str | None, typer.Option(help="cube name (default: first file's stem)")] = None,
    bundled: Annotated[bool, typer.Option(help="ingest the bundled ExoPlaSim example set")] = False,
    json: JsonOpt = False,
) -> None:
    """Ingest NetCDF output (ExoPlaSim, or CF NetCDF) into published Zarr cubes."""
    with cli_errors():
        from astrobio.application.use_cases.climate_cubes import IngestClimateOutputCommand
        from astrobio.bootstrap.container import bundled_cube_set
        from astrobio.entrypoints.climate_schemas import CubeSummaryRead

        if bundled:
            commands = bundled_cube_set(context.settings())
        elif paths:
            commands = [IngestClimateOutputCommand(sources=[str(p) for p in paths],
                                                   name=name or paths[0].stem)]
        else:
            fail("give NetCDF paths or --bundled", EXIT_INPUT)
        use_case = context.container().ingest_climate_output()
        t0 = time.perf_counter()
        cubes = [CubeSummaryRead.from_domain(use_case.execute(cmd))
                 for cmd in track(commands, "ingesting NetCDF into cubes", json=json, unit="cubes")]
        if json:
            emit_json(cubes)
            return
        table(f"{len(cubes)} cube(s) published ({time.perf_counter() - t0:.1f} s)",
              ["cube", "name", "variables", "shape (t, lev, lat, lon)"],
              [[c.id, c.name, " ".join(c.variables), str(tuple(c.shape))] for c in cubes])


@cubes_app.command("list")
def cubes_list(offset: int = 0, limit: int = 100, json: JsonOpt = False) -> None:
    """List published cubes."""
    with cli_errors():
        from astrobio.entrypoints.climate_schemas import CubePageRead, CubeSummaryRead

        page = context.container().list_cubes().execute(offset, limit)
        out = CubePageRead(items=[CubeSummaryRead.from_domain(c) for c in page.items], total=page.total,
                           offset=page.offset, limit=page.limit)
        if json:
            emit_json(out)
            return
        table(f"Cubes {offset + 1}–{offset + len(out.items)} of {out.total}",
              ["cube", "name", "Teff [K]", "S [W/m²]", "variables"],
              [[c.id, c.name, fmt(c.star_teff_k, 1), fmt(c.instellation_w_m2, 1), " ".join(c.variables)]
               for c in out.items])


@cubes_app.command("show")
def cubes_show(cube_id: str, json: JsonOpt = False) -> None:
    """One cube's metadata, grid, variables and provenance."""
    with cli_errors():
        import msgspec

        from astrobio.entrypoints.climate_schemas import CubeRead

        out = CubeRead.from_domain(context.container().get_cube().execute(cube_id))
        if json:
            emit_json(out)
            return
        d = msgspec.to_builtins(out)
        grid = d.pop("grid")
        rows = [[k, str(v)] for k, v in d.items() if k != "variables"]
        rows += [[f"grid.{k}", str(v if not isinstance(v, list) or len(v) < 8 else f"{len(v)} values")]
                 for k, v in grid.items()]
        rows += [[f"var.{v.name}", f"{v.units} {tuple(v.dims)} {v.long_name}"] for v in out.variables]
        table(f"cube {out.id}", ["field", "value"], rows)


@climate_app.command("active-round")
def climate_active_round(
    name: Annotated[str, typer.Option(help="round name (the sweep's)")],
    range_: RangeOpt,
    sets: SetOpt = None,
    samples: Annotated[int, typer.Option(help="GCM runs to propose and run")] = 4,
    seed: int = 0,
    backend: BackendOpt = "local",
    ranks: Annotated[int | None, typer.Option(help="MPI ranks (default ASTROBIO_GCM_RANKS)")] = None,
    mode: Annotated[str, typer.Option(help="scalar | datacube | both: what to retrain")] = "scalar",
    cv_folds: Annotated[int, typer.Option(help="cross-validation folds of the retraining")] = 7,
    poll_interval: float = 5.0,
    json: JsonOpt = False,
) -> None:
    """One active-learning round: plan --method active -> run (SLURM or local) -> ingest -> retrain
    (pca_gp on every stored cube, cross-validated by simulation) -> activate; prints the round."""
    with cli_errors():
        from astrobio.application.ports.surrogate import TrainingConfig
        from astrobio.application.use_cases.climate_sweeps import CompleteSweepCommand
        from astrobio.application.use_cases.surrogates import TrainClimateSurrogateCommand, parse_mode
        from astrobio.entrypoints.climate_schemas import SweepRead

        if cv_folds < 2:
            fail("--cv-folds must be at least 2", EXIT_INPUT)
        modes = ["scalar", "datacube"] if mode == "both" else [mode]
        parsed = [parse_mode(m) for m in modes]
        c = context.container()
        planned = _plan(name, _ranges(range_), _base(sets), "active", samples, seed)
        r = ranks or context.settings().gcm_ranks
        with follow_sweep(f"active round {name}", json=json, ranks=r, parallel=samples) as on_status:
            done = c.complete_sweep().execute(CompleteSweepCommand(
                sweep_id=planned.sweep.id, backend=backend, ranks=r, poll_interval_s=poll_interval,
                on_status=on_status))
        models: list[dict[str, Any]] = []
        for m in parsed:
            card = c.train_climate_surrogate().execute(TrainClimateSurrogateCommand(
                config=TrainingConfig(mode=m, seed=seed, precision="32",
                                      extra={"arch": "pca_gp", "cv_folds": cv_folds,
                                             "residual": m.value == "datacube"}),
                cube_ids=None, activate=True))
            prov = c.governance.model_provenance().execute(card)
            models.append({"id": card.id, "mode": m.value, "metrics": dict(card.metrics),
                           "training_data": [t.to_dict() for t in prov.training_data]})
        sweep = SweepRead.from_domain(done)
        acquisition = SweepRead.from_domain(planned).acquisition
        out = {"round": name, "sweep_id": done.sweep.id, "acquisition": acquisition,
               "runs": [{"id": x.id, "state": x.state, "cube_id": x.cube_id, "parameters": x.parameters}
                        for x in sweep.runs], "models": models}
        if json:
            emit_json(out)
            return
        _show_sweep(done, False)
        for model in models:
            mt = model["metrics"]
            key = "ts_k" if model["mode"] == "scalar" else "ts"
            print(f"{model['mode']}: {model['id'][:12]} active; CV RMSE {key} "
                  f"{mt.get(f'cv_{key}_rmse', float('nan')):.2f}, 1-sigma coverage "
                  f"{mt.get(f'cv_{key}_coverage_1sigma', float('nan')):.2f}; "
                  f"{len(model['training_data'])} training cubes with their dataset versions")
