"""``astrobio spectrum``: a planet's transmission/emission spectrum with JWST noise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from astrobio.atomic import write_bytes_atomic
from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import EXIT_INPUT, cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table


def spectrum(
    planet: Annotated[str | None, typer.Option("--planet", help="catalog planet name")] = None,
    params: Annotated[
        Path | None, typer.Option("--params", help="JSON file: the POST /predict/spectrum body")
    ] = None,
    mode: Annotated[
        list[str] | None,
        typer.Option(
            "--mode",
            help="JWST mode (repeatable); default all: nirspec_prism, niriss_soss, nirspec_g395h, miri_lrs",
        ),
    ] = None,
    transits: Annotated[int | None, typer.Option("--transits", help="number of transits co-added")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write the full JSON result here")] = None,
    json: JsonOpt = False,
) -> None:
    """Transmission and emission spectrum of a planet with JWST noise per instrument mode."""
    import msgspec

    from astrobio.entrypoints.spectra_schemas import SpectrumBody, SpectrumRead

    with cli_errors():
        if (planet is None) == (params is None):
            fail("give exactly one of --planet NAME and --params FILE", EXIT_INPUT)
        if params is not None:
            try:
                raw = params.read_bytes()
            except OSError as exc:
                fail(f"--params: cannot read {params}: {exc.strerror}", EXIT_INPUT)
            body = msgspec.json.decode(raw, type=SpectrumBody)
        else:
            body = SpectrumBody(planet_name=planet)
        if mode:
            body = msgspec.structs.replace(body, modes=list(mode))
        if transits is not None:
            if transits < 1:
                fail("--transits must be >= 1", EXIT_INPUT)
            body = msgspec.structs.replace(body, n_transits=transits)
        result = context.container().spectra.compute_spectrum().execute(body.to_command())
        read = SpectrumRead.from_result(result)
        if out is not None:
            write_bytes_atomic(out, msgspec.json.encode(read))
        if json:
            emit_json(read)
            return
        rows = []
        for m in read.modes:
            sig = [s for s in m.sigma_ppm if s is not None]
            for gas, snr in m.snr.items():
                need = m.transits_for_5sigma.get(gas)
                rows.append(
                    [
                        m.mode,
                        gas,
                        fmt(snr, 3),
                        "—" if need is None else str(need),
                        fmt(min(sig) if sig else None, 3),
                    ]
                )
        table(
            f"{read.planet_name}: feature SNR with {body.n_transits} transit(s)",
            ["mode", "gas", "SNR", "transits for 5σ", "best σ [ppm]"],
            rows,
            caption="; ".join(
                f"{k}: {v}"
                for k, v in read.provenance.items()
                if k in ("surface_temperature", "stellar_spectrum")
            ),
        )


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    """Add this feature's commands to the root app and to the ``ingest`` / ``train`` groups."""
    root.command("spectrum")(spectrum)
