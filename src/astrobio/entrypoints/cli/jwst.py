"""CLI: ``astrobio jwst denoise|retrieve FILE``, ``astrobio jwst classify``,
``astrobio jwst dataset``, ``astrobio train denoiser|retrieval|multiclass``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from astrobio.atomic import write_bytes_atomic
from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import EXIT_INPUT, cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table

jwst_app = typer.Typer(
    help="JWST spectra: denoise, retrieve atmospheres, classify planets.", no_args_is_help=True
)

FormatOpt = Annotated[
    str | None, typer.Option("--format", help="fits | csv | json (default: from the suffix)")
]
_SUFFIX = {".fits": "fits", ".fit": "fits", ".csv": "csv", ".json": "json"}


def _read(path: Path, fmt_: str | None) -> tuple[bytes, str]:
    if not path.is_file():
        fail(f"{path}: no such file", EXIT_INPUT)
    data = path.read_bytes()
    kind = fmt_ or _SUFFIX.get(path.suffix.lower())
    if kind is None:
        from astrobio.entrypoints.jwst_schemas import format_of

        kind = format_of("", data)
    return data, kind


@jwst_app.command("denoise")
def denoise(
    file: Annotated[Path, typer.Argument(help="x1d FITS, CSV or JSON spectrum")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output file (same format)")],
    format: FormatOpt = None,
    json: JsonOpt = False,
) -> None:
    """Denoise a spectrum; write the clean estimate with its per-bin sigma to OUT."""
    with cli_errors():
        from astrobio.application.use_cases.jwst import DenoiseSpectrumCommand

        data, kind = _read(file, format)
        spectrum, encoded = (
            context.container().jwst.denoise_spectrum().execute(DenoiseSpectrumCommand(data=data, fmt=kind))
        )
        write_bytes_atomic(out, encoded)
        summary = {
            "out": str(out),
            "format": kind,
            "bins": int(spectrum.wavelength_um.size),
            "model_id": spectrum.meta.get("MODEL", ""),
        }
        if json:
            emit_json(summary)
        else:
            typer.echo(f"wrote {out} ({summary['bins']} bins, model {summary['model_id']})")


@jwst_app.command("retrieve")
def retrieve(
    file: Annotated[Path, typer.Argument(help="x1d FITS, CSV or JSON spectrum")],
    format: FormatOpt = None,
    n_samples: Annotated[int, typer.Option(help="posterior samples")] = 2000,
    seed: int = 0,
    fallback: Annotated[bool, typer.Option(help="nested sampling for flagged inputs")] = True,
    samples_out: Annotated[Path | None, typer.Option("--samples-out", help="write samples as .npy")] = None,
    json: JsonOpt = False,
) -> None:
    """Posterior of temperature, abundances, cloud top and reference radius (NPE, nested fallback)."""
    with cli_errors():
        from astrobio.application.use_cases.jwst import RetrieveAtmosphereCommand
        from astrobio.bootstrap.jwst_container import posterior_to_dict

        data, kind = _read(file, format)
        posterior = (
            context.container()
            .jwst.retrieve_atmosphere()
            .execute(
                RetrieveAtmosphereCommand(
                    data=data, fmt=kind, n_samples=n_samples, seed=seed, fallback=fallback
                )
            )
        )
        if samples_out is not None:
            import io

            import numpy as np

            buf = io.BytesIO()
            np.save(buf, posterior.samples)
            write_bytes_atomic(samples_out, buf.getvalue())
        out = posterior_to_dict(posterior)
        if json:
            emit_json(out)
            return
        rows = [
            [
                s["name"],
                fmt(s["median"]),
                f"{fmt(s['ci68'][0])} – {fmt(s['ci68'][1])}",
                f"{fmt(s['ci95'][0])} – {fmt(s['ci95'][1])}",
            ]
            for s in out["summary"]
        ]
        d = out["diagnostics"]
        table(
            f"retrieval ({out['method']}, {out['wall_time_s']:.2f} s)",
            ["parameter", "median", "68 %", "95 %"],
            rows,
            caption=f"IS efficiency {fmt(d['importance_efficiency'])}; flagged: {d['flagged']}; "
            + "; ".join(d["notes"]),
        )


@jwst_app.command("classify")
def classify(
    radius_earth: Annotated[float, typer.Option(help="planet radius, R_earth")],
    insolation_earth: Annotated[float, typer.Option(help="insolation, S_earth")],
    star_teff_k: Annotated[float, typer.Option(help="host Teff, K")],
    star_radius_sun: Annotated[float, typer.Option(help="host radius, R_sun")],
    star_mass_sun: Annotated[float, typer.Option(help="host mass, M_sun")],
    mass_earth: Annotated[float | None, typer.Option(help="planet mass, M_earth (optional)")] = None,
    json: JsonOpt = False,
) -> None:
    """Probabilities of rocky / sub-Neptune / gas giant / brown dwarf."""
    with cli_errors():
        from astrobio.application.use_cases.jwst import ClassifyPlanetsCommand
        from astrobio.domain.jwst_classifier import ClassifierInput

        inp = ClassifierInput(
            radius_earth=radius_earth,
            insolation_earth=insolation_earth,
            star_teff_k=star_teff_k,
            star_radius_sun=star_radius_sun,
            star_mass_sun=star_mass_sun,
            mass_earth=mass_earth,
        )
        (probs,) = context.container().jwst.classify_planets().execute(ClassifyPlanetsCommand(planets=[inp]))
        out = {
            "most_likely": probs.most_likely.value,
            "model_id": probs.model_id,
            "probabilities": {c.value: p for c, p in probs.probabilities.items()},
        }
        if json:
            emit_json(out)
        else:
            table(
                f"planet class ({probs.model_id})",
                ["class", "probability"],
                [[k, fmt(v)] for k, v in out["probabilities"].items()],
                caption=f"most likely: {out['most_likely']}",
            )


@jwst_app.command("dataset")
def make_dataset(
    n_spectra: Annotated[int, typer.Option(help="spectra in the training set")] = 20000,
    chunk_size: Annotated[int, typer.Option(help="spectra per chunk (one job / SLURM task each)")] = 5000,
    seed: int = 0,
    chunks: Annotated[
        str | None, typer.Option(help="generate only these chunks, e.g. 0,1 (what a batch job runs)")
    ] = None,
    submit: Annotated[
        str | None, typer.Option(help="slurm | local: one batch job per chunk group instead of here")
    ] = None,
    chunks_per_job: Annotated[int, typer.Option(help="chunks per batch job (--submit)")] = 1,
    cpus: Annotated[int, typer.Option(help="CPUs per batch job (--submit)")] = 1,
    mem_mb: Annotated[int, typer.Option(help="memory per batch job, MB (--submit)")] = 4000,
    time_limit_min: Annotated[int, typer.Option(help="time limit per batch job, min (--submit)")] = 60,
    wait: Annotated[bool, typer.Option(help="with --submit: wait for the jobs (always for local)")] = False,
    json: JsonOpt = False,
) -> None:
    """Generate a versioned training set (forward model + noise over the priors) in chunks.

    When the set is complete it is recorded as a version of the governed dataset
    ``jwst_training_set.<version>`` (``astrobio datasets list --kind jwst_training_set``).
    """
    with cli_errors():
        container = context.container()
        if submit is None:
            params: dict[str, Any] = {"n_spectra": n_spectra, "chunk_size": chunk_size, "seed": seed}
            if chunks:
                params["chunks"] = _chunk_list(chunks)
            out = container.jwst.job_handlers()["jwst_training_set"](params)
            if json:
                emit_json(out)
            elif out["complete"]:
                typer.echo(
                    f"dataset {out['version']} at {out['path']} ({out['total_bytes']} bytes, "
                    f"{out['generation_s']} s); recorded as {out['dataset_version']}"
                )
            else:
                typer.echo(f"dataset {out['version']}: wrote chunks {out['chunks']} at {out['path']}")
            return
        _submit_dataset(
            container, n_spectra, chunk_size, seed, submit, chunks_per_job, cpus, mem_mb, time_limit_min,
            wait or submit == "local", json,
        )  # fmt: skip


def _chunk_list(text: str) -> list[int]:
    try:
        out = [int(c) for c in text.split(",") if c.strip()]
    except ValueError:
        fail(f"--chunks must be comma-separated chunk indices, got {text!r}", EXIT_INPUT)
    if not out or min(out) < 0:
        fail(f"--chunks must be comma-separated chunk indices >= 0, got {text!r}", EXIT_INPUT)
    return out


def _submit_dataset(
    container: Any, n_spectra: int, chunk_size: int, seed: int, backend: str, chunks_per_job: int,
    cpus: int, mem_mb: int, time_limit_min: int, wait: bool, json: bool,
) -> None:  # fmt: skip
    import json as json_
    import time

    from astrobio.application.ports.job_runner import FINAL_BATCH_STATES, BatchState
    from astrobio.application.use_cases.jwst_training_sets import SubmitTrainingSetCommand
    from astrobio.bootstrap.jwst_container import training_set_location

    submitted = container.jwst.submit_training_set().execute(
        SubmitTrainingSetCommand(
            n_spectra=n_spectra, chunk_size=chunk_size, seed=seed, backend=backend,
            chunks_per_job=chunks_per_job, cpus=cpus, mem_mb=mem_mb, time_limit_min=time_limit_min,
        )
    )  # fmt: skip
    version, path = training_set_location(
        container.settings(), container.jwst.forward_model(), n_spectra, chunk_size, seed
    )
    out: dict[str, Any] = {
        "version": version,
        "path": str(path),
        "backend": submitted.backend,
        "n_chunks": submitted.n_chunks,
        "jobs": [
            {"job_id": j.job_id, "chunks": list(j.chunks), "workdir": j.workdir} for j in submitted.jobs
        ],
    }
    if wait:
        runner = container.jwst.job_runners()[submitted.backend]
        pending = {j.job_id for j in submitted.jobs}
        states: dict[str, str] = {}
        while pending:
            for job_id in sorted(pending):
                status = runner.status(job_id)
                if status.state in FINAL_BATCH_STATES:
                    pending.discard(job_id)
                    states[job_id] = status.state.value
            if pending:
                time.sleep(1.0)
        out["states"] = states
        failed = sorted(j for j, s in states.items() if s != BatchState.COMPLETED.value)
        if failed:
            _, log = runner.collect(failed[0], tail_lines=5)
            fail(f"batch job(s) {', '.join(failed)} did not complete: {log.strip()[-500:]}", EXIT_INPUT)
        manifest = path / "manifest.json"
        if manifest.is_file():
            m = json_.loads(manifest.read_text())
            out |= {k: m.get(k) for k in ("dataset_version", "total_bytes", "generation_s")}
    if json:
        emit_json(out)
    else:
        typer.echo(
            f"dataset {version}: {len(submitted.jobs)} {submitted.backend} job(s) for {submitted.n_chunks} "
            f"chunk(s): {', '.join(j.job_id for j in submitted.jobs)}"
            + (f"; recorded as {out['dataset_version']}" if out.get("dataset_version") else "")
        )


def _train(model: str, options: dict[str, Any], json: bool) -> None:
    with cli_errors():
        from astrobio.application.use_cases.jwst import TrainJwstModelCommand

        card = (
            context.container()
            .jwst.train_model()
            .execute(TrainJwstModelCommand(model=model, options=options))
        )
        if json:
            emit_json(card)
        else:
            state = "active" if card.get("active") else "registered, not active"
            typer.echo(f"trained {card.get('model_id')} in {card.get('training_time_s')} s; "
                       f"registry id {card.get('registry_id', '')[:16]} ({state})")


ActivateOpt = Annotated[bool, typer.Option(
    "--activate/--no-activate", help="serve the new model (default) or only register it")]


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    """Add this feature's commands to the root app and to the ``ingest`` / ``train`` groups."""
    root.add_typer(jwst_app, name="jwst")

    @train.command("denoiser")
    def train_denoiser(
        n_spectra: Annotated[int, typer.Option(help="training spectra")] = 40000,
        epochs: int = 25,
        mode: Annotated[str, typer.Option(help="supervised | noise2noise")] = "supervised",
        seed: int = 0,
        activate: Annotated[bool | None, typer.Option(
            "--activate/--no-activate",
            help="serve the new model (default: yes; with --search: no) or only register it")] = None,
        search: Annotated[int | None, typer.Option(
            help="hyperparameter search: N Optuna trials (lr, batch size); registers the best")] = None,
        workers: Annotated[int, typer.Option(help="with --search: parallel workers")] = 1,
        submit: Annotated[str | None, typer.Option(
            help="with --search: run the workers as a batch array (slurm | local)")] = None,
        json: JsonOpt = False,
    ) -> None:
        """Train the spectrum denoiser and register it (<models dir>/registry/denoiser/<id>)."""
        if search is not None:
            from astrobio.entrypoints.cli.search import run_search

            with cli_errors():
                run_search("denoiser", search, workers=workers, submit=submit, activate=bool(activate),
                           seed=seed, timeout_s=86400.0, json=json,
                           config={"epochs": epochs, "n_spectra": n_spectra, "mode": mode, "seed": seed})
            return
        activate = activate is not False
        _train("denoiser", {"n_spectra": n_spectra, "epochs": epochs, "mode": mode, "seed": seed,
                            "activate": activate}, json)

    @train.command("retrieval")
    def train_retrieval(
        n_spectra: Annotated[int, typer.Option(help="training spectra")] = 40000,
        epochs: int = 40,
        validate_spectra: Annotated[int, typer.Option(help="held-out spectra for the coverage card")] = 500,
        seed: int = 0,
        activate: ActivateOpt = True,
        json: JsonOpt = False,
    ) -> None:
        """Train the retrieval flow and register it (<models dir>/registry/retrieval/<id>)."""
        _train(
            "retrieval",
            {"n_spectra": n_spectra, "epochs": epochs, "validate_spectra": validate_spectra, "seed": seed,
             "activate": activate},
            json,
        )

    @train.command("multiclass")
    def train_multiclass(seed: int = 0, activate: ActivateOpt = True, json: JsonOpt = False) -> None:
        """Train the planet-class classifier on the bundled archive planets with measured masses
        and register it (<models dir>/registry/multiclass/<id>)."""
        _train("multiclass", {"seed": seed, "activate": activate}, json)
