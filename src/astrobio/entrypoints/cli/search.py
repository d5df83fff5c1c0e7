"""Hyperparameter search: ``train climate|gvae --search N`` and ``astrobio search worker|show``."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import cli_errors
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table

search_app = typer.Typer(help="Hyperparameter search studies (Optuna, stored in the project's database).",
                         no_args_is_help=True)


def run_search(kind: str, n_trials: int, *, workers: int, submit: str | None, activate: bool, seed: int,
               timeout_s: float, config: dict[str, Any], json: bool) -> None:
    """Create a study, start its workers, wait, register the best trial (activated only if asked)."""
    from astrobio.bootstrap.search import create_search, dispatch, register_best, wait

    c = context.container()
    name = create_search(c.settings(), kind, n_trials, seed=seed, config=config)
    if not json:
        print(f"study {name}: {n_trials} trial(s) on {workers} worker(s) "
              f"({submit or 'job queue'}) …", file=sys.stderr)
    jobs = dispatch(c, name, workers, submit)
    out = wait(c, name, jobs, timeout_s)
    registered = register_best(c, name, activate=activate) if out["best"] else None
    result = {**out, "jobs": jobs, "registered": registered}
    if json:
        emit_json(result)
        return
    _show(out)
    if registered:
        state = "active" if registered["active"] else "registered, not active"
        print(f"best trial {out['best']['number']} registered as {registered['kind']} model "
              f"{registered['id'][:16]} ({state}); activate: astrobio models activate "
              f"{registered['kind']} {registered['id'][:16]}")


def _show(out: dict[str, Any]) -> None:
    counts = ", ".join(f"{k} {v}" for k, v in sorted(out["counts"].items()))
    best = out["best"]
    params = "" if best is None else ", ".join(f"{k}={fmt(v, 3)}" for k, v in sorted(best["params"].items()))
    rows = [] if best is None else [[str(best["number"]), fmt(best["value"], 5), params]]
    title = f"study {out['study']} ({out['kind']}, {out['direction']}; {counts})"
    table(title, ["best trial", "value", "params"], rows)


@search_app.command("worker")
def search_worker(study: Annotated[str, typer.Argument(help="study id (from train ... --search)")],
                  json: JsonOpt = False) -> None:
    """Run trials of a study in this process until the study holds its trials (a SLURM array element)."""
    with cli_errors():
        from astrobio.bootstrap.search import run_search_worker

        c = context.container()
        out = run_search_worker(c.settings(), c.search_objectives(), study)
        emit_json(out) if json else _show(out)


@search_app.command("show")
def search_show(study: Annotated[str, typer.Argument(help="study id")], json: JsonOpt = False) -> None:
    """A study's trial counts and best trial."""
    with cli_errors():
        from astrobio.bootstrap.search import study_summary

        out = study_summary(context.container().settings(), study)
        emit_json(out) if json else _show(out)
