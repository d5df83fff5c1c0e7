"""CLI commands: KEGG pathways, pathway graphs and the graph VAE."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import cli_errors
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table

pathways_app = typer.Typer(help="KEGG pathway maps and their graphs.", no_args_is_help=True)


@pathways_app.command("list")
def list_cmd(offset: int = 0, limit: int = 100, json: JsonOpt = False) -> None:
    """Stored pathways with their sizes."""
    with cli_errors():
        from astrobio.entrypoints.pathways_schemas import PathwayPageRead, PathwaySummaryRead

        items, total = context.container().pathways.list_pathways().execute(offset, limit)
        page = PathwayPageRead(
            items=[PathwaySummaryRead.from_domain(p) for p in items], total=total, offset=offset, limit=limit
        )
        if json:
            emit_json(page)
            return
        table(
            f"pathways ({total})",
            ["id", "title", "compounds", "reactions", "KOs", "edges (cpd-cpd)"],
            [
                [
                    p.id,
                    p.title,
                    str(p.stats.n_compounds),
                    str(p.stats.n_reactions),
                    str(p.stats.n_orthologs),
                    str(p.stats.n_compound_edges),
                ]
                for p in page.items
            ],
        )


@pathways_app.command("show")
def show_cmd(pathway_id: str, json: JsonOpt = False) -> None:
    """One pathway: stats, reactions, graph (``--json`` for the full graph)."""
    with cli_errors():
        from astrobio.entrypoints.pathways_schemas import PathwayRead

        out = PathwayRead.from_domain(context.container().pathways.get_pathway().execute(pathway_id))
        if json:
            emit_json(out)
            return
        s = out.stats
        names = {n.id: n.name for n in out.graph.nodes}
        table(
            f"{out.id} — {out.title} ({s.n_compounds} compounds, {s.n_reactions} reactions, "
            f"{s.n_bipartite_edges} bipartite edges, mean compound degree {fmt(s.mean_compound_degree)})",
            ["reaction", "substrates", "products", "KOs"],
            [
                [
                    r.id + (" ⇄" if r.reversible else ""),
                    ", ".join(names.get(c, c) for c in r.substrates),
                    ", ".join(names.get(c, c) for c in r.products),
                    " ".join(r.orthologs[:4]),
                ]
                for r in out.reactions
            ],
        )


@pathways_app.command("export")
def export_cmd(directory: Path, json: JsonOpt = False) -> None:
    """Write every stored pathway as an NPZ graph (adjacency, edge_index, features, node ids)."""
    with cli_errors():
        from astrobio.bootstrap.pathways_container import export_graphs

        written = export_graphs(context.container().pathways.repository(), directory)
        if json:
            emit_json({"files": [str(p) for p in written]})
        else:
            print(f"wrote {len(written)} graphs to {directory}")


@pathways_app.command("enrich")
def enrich_cmd(
    compounds: Annotated[list[str], typer.Argument(help="KEGG compound ids, e.g. C00022 C00024")],
    top: int = 10,
    json: JsonOpt = False,
) -> None:
    """KEGG maps over-represented in a compound list (hypergeometric test, BH q-values)."""
    with cli_errors():
        from dataclasses import asdict

        from astrobio.application.use_cases.pathways import EnrichCompoundsCommand

        found = (
            context.container()
            .pathways.enrich_compounds()
            .execute(EnrichCompoundsCommand(compounds=tuple(c.strip().upper() for c in compounds), top=top))
        )
        if json:
            emit_json([asdict(e) for e in found])
            return
        table(
            f"pathway enrichment of {len(compounds)} compounds",
            ["map", "name", "hits / size", "p", "q (BH)"],
            [
                [e.pathway_id, e.name, f"{e.overlap} / {e.size}", f"{e.p_value:.2e}", f"{e.q_value:.2e}"]
                for e in found
            ],
        )


def ingest_kegg(
    source: Annotated[str, typer.Option(help="bundled | rest")] = "bundled",
    pathway: Annotated[
        list[str] | None, typer.Option("--pathway", help="map id (repeatable); default all")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Read KEGG maps (bundled KGML or KEGG REST) and store them (all or nothing)."""
    with cli_errors():
        from astrobio.application.use_cases.pathways import IngestKeggCommand

        report = (
            context.container()
            .pathways.ingest_kegg()
            .execute(IngestKeggCommand(source=source, pathway_ids=tuple(pathway or ())))
        )
        if json:
            emit_json({"source": report.source, "ids": list(report.ids), "count": len(report.ids)})
        else:
            print(f"ingested {len(report.ids)} pathways from {report.source}: {' '.join(report.ids)}")


def train_gvae(epochs: int = 60, seed: int = 0,
               activate: Annotated[bool | None, typer.Option(
                   "--activate/--no-activate",
                   help="serve the new model (default: yes; with --search: no) or only register it",
               )] = None,
               search: Annotated[int | None, typer.Option(
                   help="hyperparameter search: N Optuna trials; registers the best")] = None,
               workers: Annotated[int, typer.Option(help="with --search: parallel workers")] = 1,
               submit: Annotated[str | None, typer.Option(
                   help="with --search: run the workers as a batch array (slurm | local)")] = None,
               json: JsonOpt = False) -> None:
    """Train the graph VAE on the stored maps (bundled maps if none), register it (<models dir>/registry/
    gvae/<id>; the shipped model is never overwritten); report held-out AUROC / AP."""
    with cli_errors():
        from dataclasses import asdict

        from astrobio.application.use_cases.pathways import TrainGraphVaeCommand

        if search is not None:
            from astrobio.entrypoints.cli.search import run_search

            run_search("gvae", search, workers=workers, submit=submit, activate=bool(activate), seed=seed,
                       timeout_s=86400.0, config={"epochs": epochs, "seed": seed}, json=json)
            return
        c = context.container()
        c.pathways.trainer().activate = activate is not False  # the registering trainer (one per process)
        m = c.pathways.train_gvae().execute(TrainGraphVaeCommand(epochs=epochs, seed=seed))
        if json:
            emit_json(asdict(m))
        else:
            print(
                f"graph VAE {m.model_id}: held-out AUROC {m.auroc:.3f}, AP {m.average_precision:.3f} "
                f"({m.n_test_edges} test edges, {m.n_graphs} maps, best epoch {m.best_epoch}/{m.epochs}, "
                f"{m.seconds_per_epoch:.2f} s/epoch) -> {m.path}"
            )


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    """Add this feature's commands to the root app and to the ``ingest`` / ``train`` groups."""
    root.add_typer(pathways_app, name="pathways")
    ingest.command("kegg")(ingest_kegg)
    train.command("gvae")(train_gvae)
