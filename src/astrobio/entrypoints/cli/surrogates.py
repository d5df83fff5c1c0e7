"""``astrobio train climate``, ``astrobio predict``, ``astrobio surrogates list|activate``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.climate import SetOpt, _base
from astrobio.entrypoints.cli.errors import EXIT_INPUT, cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, progress, table

train_app = typer.Typer(help="Train models.", no_args_is_help=True)
surrogates_app = typer.Typer(help="Registered climate surrogates.", no_args_is_help=True)


def _show_cards(cards: list[Any], json: bool, title: str) -> None:
    from astrobio.entrypoints.predict_schemas import ModelCardRead

    out = [ModelCardRead.from_domain(c) for c in cards]
    if json:
        emit_json(out)
        return
    rows = [[c.id[:16], c.mode, "*" if c.active else "", c.created_at[:19], c.code_version,
             ", ".join(f"{k}={fmt(v)}" for k, v in sorted(c.metrics.items())), str(len(c.training_cubes))]
            for c in out]
    table(title, ["model", "mode", "active", "created (UTC)", "code", "held-out metrics", "cubes"], rows)


@train_app.command("climate")
def train_climate(
    cubes: Annotated[str, typer.Option(help="all | ID,ID,... (cubes with run parameters)")] = "all",
    mode: Annotated[str, typer.Option(help="scalar | datacube | both")] = "both",
    max_epochs: int = 200,
    seed: int = 0,
    ensemble: Annotated[int, typer.Option(help="ensemble members (their spread is the sigma)")] = 3,
    batch_size: int = 4,
    learning_rate: float = 1e-3,
    holdout_fraction: Annotated[float, typer.Option(help="share of runs held out for metrics")] = 0.2,
    physics_weight: float = 1.0,
    precision: Annotated[str, typer.Option(help="Lightning precision (bf16-mixed, 32-true)")] = "bf16-mixed",
    accelerator: Annotated[str, typer.Option(help="cpu | gpu | auto")] = "cpu",
    devices: int = 1,
    strategy: Annotated[str, typer.Option(help="Lightning strategy: auto | ddp ...")] = "auto",
    activate: Annotated[bool | None, typer.Option(
        "--activate/--no-activate",
        help="make the new model the active one of its mode (default: yes; with --search: no)")] = None,
    search: Annotated[int | None, typer.Option(
        help="hyperparameter search: N Optuna trials (--mode scalar|datacube); registers the best")] = None,
    workers: Annotated[int, typer.Option(help="with --search: parallel workers (queue jobs or array)")] = 1,
    search_timeout_s: Annotated[float, typer.Option(help="with --search: give up waiting after")] = 86400.0,
    arch: Annotated[str, typer.Option(
        help="datacube architecture: unet (3-D U-Net) | transformer (patch-token attention)")] = "unet",
    submit: Annotated[str | None, typer.Option(
        help="run as a batch job on this backend (slurm | local) instead of here")] = None,
    cpus: Annotated[int, typer.Option(help="with --submit: CPUs per job")] = 8,
    mem_mb: Annotated[int, typer.Option(help="with --submit: memory per job, MB")] = 32000,
    time_limit_min: Annotated[int, typer.Option(help="with --submit: time limit, minutes")] = 240,
    gpus: Annotated[int, typer.Option(help="with --submit: GPUs per node (SLURM --gpus-per-node)")] = 0,
    json: JsonOpt = False,
) -> None:
    """Train climate surrogates on stored cubes, register them, activate them (or --submit a batch job)."""
    with cli_errors():
        if search is not None:
            from astrobio.entrypoints.cli.search import run_search

            if mode not in ("scalar", "datacube"):
                fail("--search tunes one mode: give --mode scalar or --mode datacube", EXIT_INPUT)
            run_search(f"climate_{mode}", search, workers=workers, submit=submit, activate=bool(activate),
                       seed=seed, timeout_s=search_timeout_s, json=json,
                       config={"max_epochs": max_epochs, "batch_size": batch_size,
                               "holdout_fraction": holdout_fraction, "seed": seed, "arch": arch})
            return
        activate = True if activate is None else activate
        from astrobio.application.use_cases.surrogate_batch import SubmitTrainingToBatchCommand
        from astrobio.application.use_cases.surrogates import TrainingJobParams

        params = TrainingJobParams.from_params({
            "cubes": cubes, "mode": mode, "activate": activate, "max_epochs": max_epochs, "seed": seed,
            "ensemble": ensemble, "batch_size": batch_size, "learning_rate": learning_rate,
            "holdout_fraction": holdout_fraction, "physics_weight": physics_weight, "precision": precision,
            "accelerator": accelerator, "devices": devices, "strategy": strategy})
        c = context.container()
        if submit is not None:
            done = c.submit_training_to_batch().execute(SubmitTrainingToBatchCommand(
                params=params, backend=submit, cpus=cpus, mem_mb=mem_mb, time_limit_min=time_limit_min,
                gpus=gpus))
            out = {"backend": done.backend, "job_id": done.job_id, "workdir": done.spec.workdir,
                   "argv": list(done.spec.argv)}
            emit_json(out) if json else print(f"submitted {done.backend} job {done.job_id}; "
                                               f"log: {done.spec.workdir}/job.log")
            return
        use_case, cards = c.train_climate_surrogate(), []
        commands = params.commands()
        if arch not in ("unet", "transformer"):
            fail(f"--arch {arch!r}: expected unet or transformer", EXIT_INPUT)
        if arch == "transformer":  # the datacube model only; the scalar model is an MLP either way
            from dataclasses import replace

            commands = [replace(cmd, config=replace(cmd.config, extra={**cmd.config.extra, "arch": arch}))
                        for cmd in commands]
        with progress("training", len(commands), json=json, unit="surrogates") as bar:
            for command in commands:
                bar.update(description=f"training the {command.config.mode.value} surrogate "
                                       f"(≤ {command.config.max_epochs} epochs)")
                cards.append(use_case.execute(command))
                bar.advance()
        _show_cards(cards, json, f"{len(cards)} surrogate(s) trained and registered")


def _predict_body(mode: str, sets: list[str] | None, input: Path | None) -> Any:
    import msgspec

    from astrobio.entrypoints.predict_schemas import DatacubeBody, PredictBody

    if input is not None:
        try:
            raw = input.read_bytes()
        except OSError as exc:
            fail(f"cannot read {input}: {exc.strerror}", EXIT_INPUT)
        return msgspec.json.decode(raw, type=PredictBody if mode == "scalar" else DatacubeBody)
    base = _base(sets)
    if mode == "scalar":
        return msgspec.convert({"planets": [base], "mode": "scalar"}, PredictBody)
    return msgspec.convert({"parameters": base}, DatacubeBody)


def predict(
    mode: Annotated[str, typer.Option(help="scalar (global means) | datacube (fields to a file) | multiclass "
                                      "| jwst | all (every model that applies, one answer)")] = "scalar",
    sets: SetOpt = None,
    input: Annotated[Path | None, typer.Option(
        "--input", "-i", help="JSON body of POST /predict (scalar) or POST /predict/datacube")] = None,
    out: Annotated[Path | None, typer.Option(help="datacube: output file (.h5 HDF5, .nc NetCDF-4)")] = None,
    format: Annotated[str | None, typer.Option(help="hdf5 | netcdf (default: from --out's suffix)")] = None,
    json: JsonOpt = False,
) -> None:
    """Predict a planet's climate with the active surrogate (same rules as POST /predict)."""
    with cli_errors():
        from astrobio.application.use_cases.surrogates import parse_mode
        from astrobio.entrypoints.predict_schemas import PredictionsRead, cube_to_hdf5, cube_to_netcdf

        if mode in ("multiclass", "jwst", "all"):
            _predict_modes(mode, sets, input, json)
            return
        parse_mode(mode)
        if mode == "datacube" and out is None:
            fail("--mode datacube writes a file: give --out FILE.h5 (or FILE.nc)", EXIT_INPUT)
        body = _predict_body(mode, sets, input)
        result = context.container().predict_climate().execute(body.to_command())
        if mode == "scalar":
            _show_scalar(PredictionsRead.from_domain(result), json)
            return
        assert out is not None and result.cube is not None
        fmt_ = format or ("netcdf" if out.suffix in (".nc", ".nc4") else "hdf5")
        if fmt_ not in ("hdf5", "netcdf"):
            fail(f"--format {fmt_!r}: expected hdf5 or netcdf", EXIT_INPUT)
        params = body.to_command().parameters[0]
        out.write_bytes(cube_to_hdf5(result, params) if fmt_ == "hdf5" else cube_to_netcdf(result, params))
        flagged = list(result.cube.out_of_range)
        if json:
            emit_json({"path": str(out), "format": fmt_, "model_id": result.card.id,
                       "variables": sorted(result.cube.mean), "out_of_range": flagged,
                       "ood_distance": result.cube.ood_distance, "answered_by": result.cube.answered_by,
                       "provenance": PredictionsRead.from_domain(result).provenance})
            return
        print(f"wrote {out} ({fmt_}; model {result.card.id[:12]}; {len(result.cube.mean)} variables)")
        if result.cube.answered_by:
            d = result.cube.ood_distance
            print(f"answered by {result.cube.answered_by}" + ("" if d is None else f"; OOD distance {d:.2f}"))
        if flagged:
            print(f"warning: outside the training range: {', '.join(flagged)}", file=sys.stderr)


def _predict_modes(mode: str, sets: list[str] | None, input: Path | None, json: bool) -> None:
    """``--mode multiclass|jwst|all``: the body of ``POST /predict`` (``--input``) or one planet from
    ``--set`` (climate parameters plus ``star_radius_sun``, ``star_mass_sun``, ``mass_earth``)."""
    import msgspec

    from astrobio.entrypoints.predict_all_schemas import PredictAllRead, PredictModesBody

    if input is not None:
        try:
            raw = input.read_bytes()
        except OSError as exc:
            fail(f"cannot read {input}: {exc.strerror}", EXIT_INPUT)
        body = msgspec.json.decode(raw, type=PredictModesBody)
        body = msgspec.structs.replace(body, mode=mode)
    else:
        body = msgspec.convert({"planets": [_base(sets)], "mode": mode}, PredictModesBody)
    answers = context.container().predict_all().execute(body.to_command())
    out = PredictAllRead.from_domain(mode, answers)
    if json:
        emit_json(out)
        return
    rows = []
    for p in out.planets:
        parts = []
        if p.scalar is not None:
            ts = p.scalar.values.get("ts_k")
            parts.append(f"scalar: Ts {fmt(ts.mean, 4)} ± {fmt(ts.sigma, 2)} K" if ts else "scalar: ok")
        if p.datacube is not None:
            parts.append(f"datacube: {len(p.datacube.global_mean)} fields")
        if p.multiclass is not None:
            best = p.multiclass.most_likely
            parts.append(f"multiclass: {best} ({p.multiclass.probabilities[best]:.2f})")
        if p.jwst is not None:
            parts.append(f"jwst: {len(p.jwst.wavelength_um)} bins denoised, "
                         f"{len(p.jwst.parameters)} parameters retrieved")
        skipped = "; ".join(f"{k}: {v}" for k, v in p.skipped.items()) or "—"
        rows.append([str(p.index), p.name or "", "\n".join(parts) or "—", skipped])
    table(f"predictions ({mode}: {', '.join(out.modes)})", ["#", "name", "answers", "skipped (why)"], rows)


def _show_scalar(out: Any, json: bool) -> None:
    if json:
        emit_json(out)
        return
    rows = []
    for p in out.predictions:
        values = "; ".join(f"{k} {fmt(v.mean, 4)} ± {fmt(v.sigma, 2)} {v.units}" for k, v in p.values.items())
        verdict = "—" if p.verdict is None else f"{p.verdict.label} (P liquid {p.verdict.p_liquid_water:.2f})"
        rows.append([str(p.index), values, verdict, ", ".join(p.out_of_range) or "—"])
    table(f"scalar prediction (model {out.model_id[:12]})", ["#", "values (mean ± 1σ)", "verdict",
                                                              "out of training range"], rows)
    data = out.provenance.training_data
    versioned = sum(1 for t in data if t.dataset_version)
    print(f"provenance: model {out.provenance.model_id}, trained on {len(data)} cube(s) "
          f"({versioned} with a recorded dataset version)")


@surrogates_app.command("list")
def surrogates_list(json: JsonOpt = False) -> None:
    """List registered surrogates (newest first; * = active)."""
    with cli_errors():
        cards = context.container().list_surrogates().execute()
        _show_cards(cards, json, f"{len(cards)} registered surrogate(s)")


@surrogates_app.command("activate")
def surrogates_activate(model_id: Annotated[str, typer.Argument(help="model id (or a unique prefix)")],
                        json: JsonOpt = False) -> None:
    """Make a registered surrogate the active one of its mode."""
    with cli_errors():
        card = context.container().activate_surrogate().execute(model_id)
        _show_cards([card], json, f"activated {card.mode.value} surrogate")
