"""``astrobio``: the admin CLI. Every command takes ``--json`` for scripts.

Exit codes: 0 ok, 1 internal error, 2 bad input / invalid data, 3 a service
(database, Redis, archive) unavailable, 4 not found, 5 not authenticated / not authorized.
With ``--json`` an error is ``{"error": {title, detail, field, exit_code}}`` on stderr.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from astrobio.entrypoints.cli import (
    context,
    genomes,
    governance,
    jwst,
    metabolism,
    models,
    pathways,
    pipeline,
    spectra,
)
from astrobio.entrypoints.cli.climate import climate_app
from astrobio.entrypoints.cli.errors import EXIT_INPUT, cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table
from astrobio.entrypoints.cli.surrogates import predict, surrogates_app, train_app

app = typer.Typer(help="astrobio: exoplanet habitability, ranking and biosignature backend.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
ingest_app = typer.Typer(help="Ingest upstream data.", no_args_is_help=True)
planets_app = typer.Typer(help="Browse the stored catalog.", no_args_is_help=True)
jobs_app = typer.Typer(help="Background jobs.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(ingest_app, name="ingest")
app.add_typer(planets_app, name="planets")
app.add_typer(jobs_app, name="jobs")
app.add_typer(climate_app, name="climate")
app.add_typer(train_app, name="train")
app.add_typer(surrogates_app, name="surrogates")
for _feature in (pathways, metabolism, spectra, governance, jwst, genomes, pipeline, models):
    _feature.register(app, ingest_app, train_app)



_settings = context.settings
_container = context.container


# --------------------------------------------------------------------------- db
@db_app.command("upgrade")
def db_upgrade(revision: str = "head", json: JsonOpt = False) -> None:
    """Apply migrations up to REVISION (default: head)."""
    with cli_errors():
        from astrobio.bootstrap.database import upgrade_database

        current = upgrade_database(_settings(), revision)
        if json:
            emit_json({"revision": current, "database": _settings().sqlalchemy_url})
        else:
            print(f"database at revision {current}")


@db_app.command("current")
def db_current(json: JsonOpt = False) -> None:
    """Show the current migration revision."""
    with cli_errors():
        from astrobio.bootstrap.database import current_revision

        rev = current_revision(_settings())
        emit_json({"revision": rev}) if json else print(rev or "(empty database)")


# ----------------------------------------------------------------------- ingest
@ingest_app.command("catalog")
def ingest_catalog(
    source: Annotated[str, typer.Option(help="bundled | archive | PATH to an archive CSV")] = "bundled",
    json: JsonOpt = False,
    show_rejected: Annotated[int, typer.Option(help="How many rejected rows to list.")] = 10,
) -> None:
    """Upsert a catalog snapshot by planet name (idempotent); report what was rejected."""
    with cli_errors():
        from astrobio.application.use_cases.ingest_catalog import IngestCatalogCommand
        from astrobio.entrypoints.schemas import IngestReportRead

        t0 = time.perf_counter()
        report = _container().ingest_catalog().execute(IngestCatalogCommand(source=source))
        out = IngestReportRead.from_domain(report)
        if json:
            emit_json(out)
            return
        print(f"{out.source}: read {out.read}, inserted {out.inserted}, updated {out.updated}, "
              f"unchanged {out.unchanged}, rejected {out.rejected_count} "
              f"({time.perf_counter() - t0:.2f} s)")
        for r in out.rejected[:show_rejected]:
            print(f"  rejected line {r.line} ({r.name or '?'}): {r.reason}")
        if out.rejected_count > show_rejected:
            print(f"  … {out.rejected_count - show_rejected} more (use --json for all)")


# ---------------------------------------------------------------------- planets
@planets_app.command("list")
def planets_list(
    offset: int = 0,
    limit: int = 50,
    name_contains: str | None = None,
    host: str | None = None,
    min_radius: Annotated[float | None, typer.Option(help="R_earth")] = None,
    max_radius: Annotated[float | None, typer.Option(help="R_earth")] = None,
    max_distance: Annotated[float | None, typer.Option(help="pc")] = None,
    json: JsonOpt = False,
) -> None:
    """List stored planets ordered by name."""
    with cli_errors():
        from astrobio.application.ports.repositories import PlanetQuery
        from astrobio.application.use_cases.planets import ListPlanetsCommand
        from astrobio.entrypoints.schemas import PlanetPageRead, PlanetRead

        q = PlanetQuery(name_contains=name_contains, host_name=host, min_radius_earth=min_radius,
                        max_radius_earth=max_radius, max_distance_pc=max_distance)
        page = _container().list_planets().execute(ListPlanetsCommand(query=q, offset=offset, limit=limit))
        out = PlanetPageRead(items=[PlanetRead.from_domain(p) for p in page.items], total=page.total,
                             offset=page.offset, limit=page.limit)
        if json:
            emit_json(out)
            return
        rows = [[p.name, p.star.name, fmt(p.radius_earth), fmt(p.mass_earth), fmt(p.orbital_period_days),
                 fmt(p.star.teff_k, 4), fmt(p.star.distance_pc)] for p in out.items]
        table(f"Planets {offset + 1}–{offset + len(rows)} of {out.total}",
              ["planet", "host", "R [R⊕]", "M [M⊕]", "P [d]", "Teff [K]", "d [pc]"], rows)


@planets_app.command("show")
def planets_show(name: str, json: JsonOpt = False) -> None:
    """Show one planet and its assessment."""
    with cli_errors():
        from astrobio.application.use_cases.assess_planet import AssessPlanetCommand
        from astrobio.domain.errors import DomainError
        from astrobio.entrypoints.schemas import AssessmentRead, PlanetRead

        planet = _container().get_planet().execute(name)
        try:
            assessment: AssessmentRead | None = AssessmentRead.from_domain(
                _container().assess_planet().execute(AssessPlanetCommand(planet=planet)))
            why = None
        except DomainError as exc:
            assessment, why = None, exc.message
        if json:
            emit_json({"planet": PlanetRead.from_domain(planet), "assessment": assessment,
                       "not_assessed_because": why})
            return
        p = PlanetRead.from_domain(planet)
        rows = [[k, str(v)] for k, v in msgspec_to_dict(p).items() if k != "star"]
        rows += [[f"star.{k}", str(v)] for k, v in msgspec_to_dict(p.star).items()]
        if assessment is not None:
            rows += [[f"assess.{k}", str(v)] for k, v in msgspec_to_dict(assessment).items()]
        else:
            rows.append(["assessment", f"not possible: {why}"])
        table(planet.name, ["field", "value"], rows)


def msgspec_to_dict(obj: object) -> dict[str, object]:
    import msgspec

    return msgspec.to_builtins(obj)  # type: ignore[no-any-return]


# ----------------------------------------------------------------------- assess
@app.command("assess")
def assess(
    input: Annotated[Path | None, typer.Option("--input", "-i", help="JSON file (default: stdin)")] = None,
    json: JsonOpt = False,
) -> None:
    """Assess one planet from JSON (same body and output as POST /assess; no database)."""
    with cli_errors():
        import msgspec

        from astrobio.application.use_cases.assess_planet import AssessPlanetCommand
        from astrobio.entrypoints.schemas import AssessBody, AssessmentRead

        if input is not None:
            try:
                raw = input.read_bytes()
            except OSError as exc:
                fail(f"cannot read {input}: {exc.strerror}", EXIT_INPUT)
        else:
            raw = sys.stdin.buffer.read()
        if not raw.strip():
            fail("empty input: expected a JSON object", EXIT_INPUT)
        body = msgspec.json.decode(raw, type=AssessBody)
        out = AssessmentRead.from_domain(
            _container().assess_planet().execute(AssessPlanetCommand(planet=body.to_domain())))
        if json:
            emit_json(out)
            return
        d = msgspec_to_dict(out)
        hz = msgspec_to_dict(out.hz)
        rows = [[k, str(v)] for k, v in d.items() if k != "hz"] + [[f"hz.{k}", str(v)] for k, v in hz.items()]
        table(out.name, ["quantity", "value"], rows)


# ------------------------------------------------------------------------- rank
@app.command("rank")
def rank(
    top: Annotated[int, typer.Option(min=1, help="How many targets to show.")] = 20,
    hz: Annotated[str, typer.Option(help="any | conservative | optimistic")] = "any",
    min_radius: Annotated[float | None, typer.Option(help="R_earth")] = None,
    max_radius: Annotated[float | None, typer.Option(help="R_earth")] = None,
    max_distance: Annotated[float | None, typer.Option(help="pc")] = None,
    planet_class: Annotated[list[str] | None, typer.Option(
        "--class", help="rocky | water_rich | sub_neptune | gas_giant | brown_dwarf (repeatable)")] = None,
    weights: Annotated[str | None, typer.Option(
        help="e.g. 'hz=0.4,esi=0.2,detectability=0.3,planet_class=0.1' (add climate=W to use the "
             "scalar climate surrogate's P(liquid water))")] = None,
    json: JsonOpt = False,
) -> None:
    """Rank the stored catalog by habitability × detectability × planet class.

    Order: score descending; equal scores are ordered by planet name (A→Z).
    """
    with cli_errors():
        import msgspec

        from astrobio.application.use_cases.rank_targets import RankTargetsCommand
        from astrobio.bootstrap.settings import parse_weights
        from astrobio.entrypoints.schemas import RankBody, RankingRead

        flags = {"top": "--top", "hz": "--hz", "min_radius_earth": "--min-radius",
                 "max_radius_earth": "--max-radius", "max_distance_pc": "--max-distance",
                 "planet_classes": "--class"}
        try:
            body = msgspec.convert({"top": top, "hz": hz, "min_radius_earth": min_radius,
                                    "max_radius_earth": max_radius, "max_distance_pc": max_distance,
                                    "planet_classes": planet_class}, RankBody)
        except msgspec.ValidationError as exc:  # name the flag the user typed, not the body field
            field = str(exc).split("at `$.", 1)[-1].split("`", 1)[0].split("[", 1)[0]
            flag = flags.get(field, field)
            fail(f"{flag}: {str(exc).split(' - at ', 1)[0]}", EXIT_INPUT, flag)
        w = parse_weights(weights, source="--weights") if weights else _settings().rank_weights
        t0 = time.perf_counter()
        ranking = _container().rank_targets().execute(
            RankTargetsCommand(weights=w, where=body.to_filter(), top=body.top))
        out = RankingRead.from_domain(ranking, w)
        if json:
            emit_json(out)
            return
        rows = [[str(t.rank), t.name, f"{t.score.total:.3f}", fmt(t.radius_earth), t.planet_class
                 + ("*" if t.mass_is_estimated else ""), fmt(t.teq_k, 1), fmt(t.insolation_earth),
                 ("C" if t.in_conservative_hz else "O" if t.in_optimistic_hz else "—")
                 + ("" if t.hz_valid else "†"),
                 fmt(t.esi), fmt(t.tsm) if t.tsm_meaningful or t.tsm is None else f"({fmt(t.tsm)}) n/t",
                 fmt(t.esm), fmt(t.distance_pc)] for t in out.targets]
        columns = ["#", "planet", "score", "R [R⊕]", "class", "Teq [K]", "S [S⊕]", "HZ", "ESI", "TSM", "ESM",
                   "d [pc]"]
        if w.climate > 0:  # the surrogate's surface temperature, where it was estimated
            columns.append("Ts [K]")
            for row, t in zip(rows, out.targets, strict=True):
                row.append("—" if t.ts_k is None else f"{t.ts_k:.0f} ± {t.ts_sigma_k or 0:.0f}")
        excl = ", ".join(f"{k}: {v}" for k, v in sorted(out.excluded.items(), key=lambda kv: -kv[1]))
        table(f"Top {len(rows)} targets ({out.eligible} eligible of {out.considered}; "
              f"{time.perf_counter() - t0:.2f} s)",
              columns, rows,
              caption=f"HZ: C conservative, O optimistic (Kopparapu 2014); † host Teff outside 2600-7200 K, "
                      f"limits at the nearest edge (valid: false). * mass estimated from radius. "
                      f"'(TSM) n/t': not known to transit, TSM not meaningful. "
                      f"Equal scores are ordered by name. "
                      f"Excluded — {excl or 'none'}")


# ------------------------------------------------------------------------- jobs
@jobs_app.command("show")
def jobs_show(job_id: str, json: JsonOpt = False) -> None:
    """Show a background job."""
    with cli_errors():
        from astrobio.entrypoints.schemas import JobRead
        from astrobio.entrypoints.sweep_progress import job_progress

        job = _container().get_job().execute(job_id)
        out = JobRead.from_domain(job, job_progress(_container(), job))
        if json:
            emit_json(out)
            return
        table(f"job {out.id}", ["field", "value"], [[k, str(v)] for k, v in msgspec_to_dict(out).items()])


@jobs_app.command("kinds")
def jobs_kinds(json: JsonOpt = False) -> None:
    """The job kinds the workers run."""
    with cli_errors():
        kinds = sorted(_container().job_kinds())
        emit_json(kinds) if json else print("\n".join(kinds))


@jobs_app.command("submit")
def jobs_submit(
    kind: str,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="KEY=VALUE (VALUE parsed as JSON when it can be, else a string)")] = None,
    params_json: Annotated[str | None, typer.Option(help="all parameters as one JSON object")] = None,
    wait: Annotated[bool, typer.Option(help="with arq: poll until the job finishes")] = False,
    json: JsonOpt = False,
) -> None:
    """Queue a job of any kind (see `jobs kinds`); in-process without ASTROBIO_REDIS_URL."""
    with cli_errors():
        import json as _json

        from astrobio.application.use_cases.jobs import SubmitJobCommand
        from astrobio.entrypoints.schemas import JobRead

        params: dict[str, object] = {}
        if params_json is not None:
            try:
                loaded = _json.loads(params_json)
            except ValueError as exc:
                fail(f"--params-json: not JSON ({exc})", EXIT_INPUT)
            if not isinstance(loaded, dict):
                fail("--params-json: expected a JSON object", EXIT_INPUT)
            params.update(loaded)
        for item in param or []:
            key, sep, raw = item.partition("=")
            if not sep or not key:
                fail(f"--param {item!r}: expected KEY=VALUE", EXIT_INPUT)
            try:
                params[key] = _json.loads(raw)
            except ValueError:
                params[key] = raw
        c = _container()
        job = c.submit_job().execute(SubmitJobCommand(kind=kind, params=params))
        if not _settings().redis_url:
            c.task_queue().drain()  # in-process: finish before the process exits
            job = c.get_job().execute(job.id)
        elif wait:
            while job.state.value in ("queued", "running"):
                time.sleep(1.0)
                job = c.get_job().execute(job.id)
        out = JobRead.from_domain(job)
        emit_json(out) if json else print(f"job {out.id} ({out.kind}): {out.state}"
                                          + (f" — {out.error}" if out.error else ""))
        if out.state == "failed":
            raise typer.Exit(1)


@jobs_app.command("submit-ingest")
def jobs_submit_ingest(source: str = "bundled", json: JsonOpt = False) -> None:
    """Queue a catalog ingestion on the job queue (arq when ASTROBIO_REDIS_URL is set)."""
    with cli_errors():
        from astrobio.application.use_cases.jobs import SubmitJobCommand
        from astrobio.bootstrap.container import INGEST_CATALOG_JOB
        from astrobio.entrypoints.schemas import JobRead

        c = _container()
        job = c.submit_job().execute(SubmitJobCommand(kind=INGEST_CATALOG_JOB, params={"source": source}))
        if not _settings().redis_url:
            c.task_queue().drain()  # in-process: finish before the process exits
            job = c.get_job().execute(job.id)
        out = JobRead.from_domain(job)
        emit_json(out) if json else print(f"job {out.id}: {out.state}")


# ------------------------------------------------------------------- serve/worker
@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="default: ASTROBIO_HOST or 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="default: ASTROBIO_PORT or 8000")] = None,
    workers: int = 1,
) -> None:
    """Run the HTTP API (Litestar on uvicorn); OpenAPI at /schema."""
    with cli_errors():
        import uvicorn

        s = _settings()
        uvicorn.run("astrobio.entrypoints.http.app:create_app", factory=True, host=host or s.host,
                    port=port or s.port, workers=workers, log_level="warning", access_log=False)


@app.command("worker")
def worker() -> None:
    """Run an arq worker on ASTROBIO_REDIS_URL (start as many as you need)."""
    with cli_errors():
        from astrobio.entrypoints.worker import run_worker

        run_worker(_settings())


# ---------------------------------------------------------------------- predict
app.command("predict")(predict)


def run() -> None:
    from astrobio.entrypoints.cli.errors import run_app
    from astrobio.entrypoints.cli.render import activity

    argv = sys.argv[1:]
    words = [a for a in argv if not a.startswith("-")][:2]
    quiet = "--json" in argv or "--help" in argv or bool({"serve", "worker"} & set(words[:1])) or (
        words[:1] == ["assess"] and sys.stdin.isatty())
    with activity(" ".join(words) or "astrobio", json=quiet):
        run_app(app, argv)


if __name__ == "__main__":
    run()
