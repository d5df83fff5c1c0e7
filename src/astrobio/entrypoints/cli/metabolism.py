"""CLI commands: genome-scale metabolic models (SBML) and environment-conditioned FBA.

``astrobio ingest sbml PATH... | --bundled``, ``astrobio metabolism models``,
``astrobio metabolism show ID``, ``astrobio metabolism simulate --env FILE | --planet NAME``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import EXIT_INPUT, cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table, track

metabolism_app = typer.Typer(help="Genome-scale metabolic models and environment-conditioned FBA.",
                             no_args_is_help=True)


def ingest_sbml(
    paths: Annotated[list[Path] | None, typer.Argument(help="SBML files (.xml or .xml.gz)")] = None,
    bundled: Annotated[bool, typer.Option(help="ingest the bundled models (data/metabolic_models)")] = False,
    model_id: Annotated[str | None, typer.Option("--id", help="model id (one path only; default: SBML id)")]
    = None,
    organism_class: Annotated[str, typer.Option(
        help="psychrophile | mesophile | thermophile | hyperthermophile")] = "mesophile",
    json: JsonOpt = False,
) -> None:
    """Parse, quality-check and register SBML models (a bad file writes nothing)."""
    with cli_errors():
        from astrobio.application.use_cases.metabolism import IngestSbmlCommand
        from astrobio.bootstrap.metabolism_container import bundled_sbml
        from astrobio.entrypoints.metabolism_schemas import ModelSummaryRead

        commands = bundled_sbml(context.settings()) if bundled else []
        if model_id is not None and len(paths or []) != 1:
            fail("--id needs exactly one PATH", EXIT_INPUT)
        commands += [IngestSbmlCommand(path=str(p), model_id=model_id, organism_class=organism_class)
                     for p in paths or []]
        if not commands:
            fail("give SBML paths or --bundled", EXIT_INPUT)
        use_case = context.container().metabolism.ingest_sbml()
        t0 = time.perf_counter()
        from astrobio.domain.quality import QualityGateFailed

        models, held = [], []
        for c in track(commands, "ingesting SBML models", json=json, unit="models"):
            try:
                models.append(use_case.execute(c))
            except QualityGateFailed as exc:
                if not bundled:
                    raise
                held.append(exc.message)  # a bundled model held by the gate: report it, ingest the rest
        if held and json:
            emit_json([ModelSummaryRead.from_domain(m) for m in models])
            fail(" | ".join(held), EXIT_INPUT)
        if json:
            emit_json([ModelSummaryRead.from_domain(m) for m in models])
            return
        table(f"{len(models)} model(s) ingested ({time.perf_counter() - t0:.1f} s)",
              ["model", "organism", "taxid", "reactions", "growth [1/h]", "blocked", "imbalanced"],
              [[m.id, m.organism or "—", str(m.ncbi_taxid or "—"), str(m.n_reactions),
                fmt(m.quality.default_growth_per_h, 4), str(m.quality.blocked_reactions),
                f"{m.quality.mass_imbalanced} mass / {m.quality.charge_imbalanced} charge"] for m in models])
        if held:
            fail(" | ".join(held), EXIT_INPUT)


@metabolism_app.command("models")
def models_list(
    taxid: Annotated[int | None, typer.Option(help="only models of this NCBI taxid")] = None,
    json: JsonOpt = False,
) -> None:
    """List registered metabolic models."""
    with cli_errors():
        from astrobio.entrypoints.metabolism_schemas import ModelListRead, ModelSummaryRead

        models = context.container().metabolism.list_models().execute(taxid)
        out = ModelListRead(items=[ModelSummaryRead.from_domain(m) for m in models], total=len(models))
        if json:
            emit_json(out)
            return
        table(f"{out.total} metabolic model(s)", ["model", "organism", "taxid", "class", "reactions"],
              [[m.id, m.organism or "—", str(m.ncbi_taxid or "—"), m.organism_class, str(m.n_reactions)]
               for m in out.items])


@metabolism_app.command("show")
def models_show(model_id: str, json: JsonOpt = False) -> None:
    """One model's metadata, exchanges and quality check."""
    with cli_errors():
        import msgspec

        from astrobio.entrypoints.metabolism_schemas import ModelRead

        out = ModelRead.from_domain(context.container().metabolism.get_model().execute(model_id))
        if json:
            emit_json(out)
            return
        d = msgspec.to_builtins(out)
        d.pop("base_medium")
        table(f"model {out.id}", ["field", "value"], [[k, str(v)] for k, v in d.items()])


@metabolism_app.command("simulate")
def simulate(
    env: Annotated[Path | None, typer.Option(
        "--env", help="JSON environment file (temperature_k, pressure_bar, partial_pressures_bar, ph, "
                      "photon_flux_umol_m2_s, h2_outgassing_molecules_cm2_s)")] = None,
    planet: Annotated[str | None, typer.Option(
        "--planet", help="a stored planet: environment from the catalog and its climate estimate")] = None,
    model: Annotated[list[str] | None, typer.Option("--model", help="model id; repeatable (default: all)")]
    = None,
    biomass_gdw_m2: Annotated[float, typer.Option(
        help="echoed in the output; surface fluxes follow the planet's limits")] = 10.0,
    json: JsonOpt = False,
) -> None:
    """Grow each model in an environment; growth and biosignature gas fluxes."""
    with cli_errors():
        import msgspec

        from astrobio.entrypoints.metabolism_schemas import EnvironmentBody, SimulateBody, SimulationRead

        if (env is None) == (planet is None):
            fail("give exactly one of --env FILE or --planet NAME", EXIT_INPUT)
        if planet is not None:
            found = context.container().pipeline.planet_biosphere().execute(planet, model_ids=model)
            out = SimulationRead.from_simulation(found.simulation, biomass_gdw_m2, found)
            temperature_k = found.environment.temperature_k
        else:
            assert env is not None
            try:
                raw = env.read_bytes()
            except OSError as exc:
                fail(f"--env {env}: {exc.strerror or exc}", EXIT_INPUT)
            body = SimulateBody(environment=msgspec.json.decode(raw, type=EnvironmentBody), models=model,
                                biomass_gdw_m2=biomass_gdw_m2)
            command = body.to_command()
            sim = context.container().metabolism.simulate().simulate(command)
            out = SimulationRead.from_simulation(sim, biomass_gdw_m2)
            temperature_k = command.environment.temperature_k
        if json:
            emit_json(out)
            return
        gases = ["h2", "co2", "ch4", "o2", "h2s", "nh3", "n2o"]
        where = f"{out.planet.planet_name}, " if out.planet else ""
        table(f"metabolism ({where}{temperature_k:g} K; gas fluxes mmol gDW⁻¹ h⁻¹, + released)",
              ["model", "growth [1/h]", *gases, "note"],
              [[r.model_id, fmt(r.growth_per_h, 4),
                *[fmt(r.gas_flux_mmol_gdw_h.get(g, 0.0), 3) for g in gases], r.message] for r in out.results],
              caption=out.biomass_assumption)
        if out.biosphere is not None:
            b = out.biosphere
            table("biosphere surface fluxes (molecules cm⁻² s⁻¹, + into the air) and their limits",
                  ["gas", "flux", "limited by"],
                  [[g, fmt(b.flux_molecules_cm2_s.get(g, 0.0), 3), b.limits.get(g, "")]
                   for g in ("ch4", "o2", "h2", "co2")])
        if out.planet is not None:
            air = out.planet.atmosphere
            table(f"atmosphere: {air.get('state')} (stellar UV: {air.get('stellar_uv')})",
                  ["gas", "vmr", "lifetime [yr]"],
                  [[g, fmt(v, 3), fmt(air.get("lifetimes_yr", {}).get(g, float("nan")), 3)]
                   for g, v in air.get("vmr", {}).items()])


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    """Add this feature's commands to the root app and to the ``ingest`` / ``train`` groups."""
    ingest.command("sbml")(ingest_sbml)
    root.add_typer(metabolism_app, name="metabolism")
