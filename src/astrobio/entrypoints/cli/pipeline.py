"""CLI commands: the end-to-end pipeline and its report (``astrobio pipeline run|show``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import EXIT_INPUT, cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table
from astrobio.entrypoints.cli.render import progress as progress_bar

pipeline_app = typer.Typer(
    help="End-to-end pipeline: climate -> metabolism -> spectrum -> biosignature ranking.",
    no_args_is_help=True,
)


def _print_run(view: object, top: int) -> None:
    from astrobio.application.use_cases.pipeline import RunView

    assert isinstance(view, RunView)
    run = view.run
    rows = []
    for i, r in enumerate(view.ranked[:top], 1):
        clim = r.stages.get("climate", {})
        best = r.stages.get("detectability", {}).get("best", {})
        rows.append(
            [
                str(i),
                r.planet_name,
                fmt(r.potential),
                _interval(r.summary),
                fmt(r.summary.get("p_top10")),
                fmt(r.habitability),
                fmt(r.detectability),
                str(r.summary.get("planet_class", "")),
                f"{fmt(clim.get('ts_k'), 4)} ± {fmt(clim.get('ts_sigma_k'), 2)}",
                f"{best.get('gas') or '—'} ({best.get('mode') or '—'}, SNR {fmt(best.get('snr'))})",
            ]
        )
    counts = ", ".join(f"{k} {v}" for k, v in sorted(view.counts.items()))
    table(
        f"Top {min(top, len(view.ranked))} targets by biosignature potential (run {run.id})",
        [
            "#",
            "planet",
            "E[potential]",
            "median [16-84 %]",
            "P(top 10)",
            "habitability",
            "detectability",
            "class",
            "Ts (K)",
            "best biogenic feature",
        ],
        rows,
        caption=f"{run.status.value}: {run.n_done}/{run.n_planets} planets ({counts}). E[potential]: mean "
        f"over {run.options.get('n_draws', '?')} Monte Carlo draws of catalog and model errors; habitability "
        f"and detectability at the nominal values",
    )
    for f in view.failures[:10]:
        print(f"  failed {f.planet_name}: {f.error}")
    if len(view.failures) > 10:
        print(f"  … {len(view.failures) - 10} more failures (astrobio pipeline show {run.id} --json)")


def _interval(summary: dict[str, Any]) -> str:
    med, lo, hi = (summary.get(k) for k in ("potential_median", "potential_p16", "potential_p84"))
    if med is None:
        return "—"
    return f"{fmt(med)} [{fmt(lo)}, {fmt(hi)}]"


def run(
    planets: Annotated[list[str] | None, typer.Option("--planets", help="planet name (repeatable)")] = None,
    all_planets: Annotated[bool, typer.Option("--all", help="the whole stored catalog")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="write the HTML report here")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="targets to print / put in the report")] = 20,
    mode: Annotated[list[str] | None, typer.Option("--mode", help="JWST mode (repeatable)")] = None,
    transits: Annotated[int, typer.Option("--transits", help="transits modelled per target")] = 30,
    max_transits: Annotated[
        int, typer.Option("--max-transits", help="programme cap on co-added transits per target")
    ] = 30,
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws per modelled planet")] = 64,
    metabolism: Annotated[
        str, typer.Option(help="fba (FBA of the stored models, fixed fallback) | fixed")
    ] = "fba",
    chunk_size: Annotated[int, typer.Option(help="planets per stored chunk")] = 500,
    json: JsonOpt = False,
) -> None:
    """Run the pipeline in this process on named planets or --all; print the top targets, write a report."""
    from astrobio.application.use_cases.pipeline import DEFAULT_MODES, RunPipelineCommand
    from astrobio.entrypoints.pipeline_schemas import PipelineRunRead

    with cli_errors():
        if bool(planets) == all_planets:
            fail("planets: give --planets NAME (repeatable) or --all", EXIT_INPUT)
        c = context.container().pipeline
        command = RunPipelineCommand(
            planets=None if all_planets else tuple(planets or ()),
            modes=tuple(mode) if mode else DEFAULT_MODES,
            n_transits=transits,
            metabolism=metabolism,
            chunk_size=chunk_size,
            max_transits=max_transits,
            n_draws=draws,
        )
        t0 = time.perf_counter()
        started = c.start_run().execute(command)
        if not json:
            print(f"pipeline run {started.id}: {started.n_planets} planets", file=sys.stderr)
        with progress_bar("pipeline", started.n_planets, json=json, unit="planets") as bar:
            c.run_pipeline().execute(started.id,
                                     progress=lambda done, total: bar.update(completed=done, total=total))
        view = c.get_run().execute(started.id, limit=max(top, 1))
        path = None
        if report is not None:
            path = c.report_writer().write(view.run, c.runs().results(started.id), str(report), top=top)
        if json:
            out = PipelineRunRead.from_view(view)
            emit_json({"run": out, "report": path, "elapsed_s": round(time.perf_counter() - t0, 2)})
            return
        _print_run(view, top)
        print(f"elapsed {time.perf_counter() - t0:.1f} s")
        if path is not None:
            print(f"report written to {path}")


def show(
    run_id: Annotated[str, typer.Argument(help="pipeline run id")],
    top: Annotated[int, typer.Option("--top", min=1)] = 20,
    report: Annotated[Path | None, typer.Option("--report", help="(re)write the HTML report here")] = None,
    json: JsonOpt = False,
) -> None:
    """Show a stored pipeline run: status, top targets, failures."""
    from astrobio.entrypoints.pipeline_schemas import PipelineRunRead

    with cli_errors():
        c = context.container().pipeline
        view = c.get_run().execute(run_id, limit=top)
        path = None
        if report is not None:
            path = c.report_writer().write(view.run, c.runs().results(run_id), str(report), top=top)
        if json:
            emit_json({"run": PipelineRunRead.from_view(view), "report": path})
            return
        _print_run(view, top)
        if path is not None:
            print(f"report written to {path}")


pipeline_app.command("run")(run)
pipeline_app.command("show")(show)


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    """Add this feature's commands to the root app and to the ``ingest`` / ``train`` groups."""
    root.add_typer(pipeline_app, name="pipeline")
