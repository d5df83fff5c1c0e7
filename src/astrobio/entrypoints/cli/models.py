"""``astrobio models list|activate``: the one registry of every trained model kind."""

from __future__ import annotations

from typing import Annotated

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import cli_errors
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table

models_app = typer.Typer(help="Every registered model (climate surrogates, graph VAE, denoiser, retrieval, "
                              "classifier).", no_args_is_help=True)


@models_app.command("list")
def models_list(kind: Annotated[str | None, typer.Option(help="only this kind")] = None,
                json: JsonOpt = False) -> None:
    """Registered models, newest first (* = active; a kind with nothing active serves its shipped model)."""
    with cli_errors():
        from astrobio.bootstrap.models import list_models

        rows = [m for m in list_models(context.container()) if kind is None or m["kind"] == kind]
        if json:
            emit_json(rows)
            return
        header = ["kind", "model", "active", "created (UTC)", "metrics", "study"]
        table(f"{len(rows)} registered model(s)", header,
              [[m["kind"], m["id"][:16], "*" if m["active"] else "", m["created_at"][:19],
                ", ".join(f"{k}={fmt(v)}" for k, v in sorted(m["metrics"].items())[:4]),
                str((m.get("study") or {}).get("study_id", "")) if isinstance(m.get("study"), dict) else ""]
               for m in rows])


@models_app.command("activate")
def models_activate(kind: Annotated[str, typer.Argument(help="scalar | datacube | gvae | denoiser | "
                                                             "retrieval | multiclass")],
                    model_id: Annotated[str, typer.Argument(help="model id (or a unique prefix, >= 8)")],
                    json: JsonOpt = False) -> None:
    """Serve a registered model for its kind (administrators; the API needs an admin key)."""
    with cli_errors():
        from astrobio.bootstrap.models import activate_model

        out = activate_model(context.container(), kind, model_id)
        emit_json(out) if json else print(f"activated {kind} model {out['id'][:16]}")


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    from astrobio.entrypoints.cli.search import search_app

    root.add_typer(models_app, name="models")
    root.add_typer(search_app, name="search")
