"""Run ONE ExoPlaSim model: ``python -m astrobio.adapters.gcm.run_exoplasim --params F --workdir W``.

The process works only inside ``W`` (ExoPlaSim ``chdir``s and shells out, hence a process of its
own) and always leaves ``W/outcome.json`` (see :func:`~astrobio.adapters.gcm.exoplasim.write_outcome`):

- ``succeeded`` (exit 0): ``output_files`` are the monthly-mean NetCDF files ``W/model/MOST.<year>.nc``
  (12 time records per ExoPlaSim year; ``snapshot_files`` lists ``W/model/snapshots/MOST_SNAP.*.nc``);
- ``crashed`` (exit 3): the model blew up (floating-point trap, NaNs, abort); ExoPlaSim moved its files
  to ``W/model_crashed/``; ``log_excerpt`` holds the tails of the relevant logs;
- ``failed`` (exit 2): the run could not be set up (bad parameters, exoplasim or its pre-built binary
  missing, terminated by a signal).

The model's own output (exoplasim, the Fortran binary, the postprocessor) goes to ``W/exoplasim.log``;
this process's stdout (the job's ``job.log``) gets a few progress lines.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from astrobio.adapters.gcm.exoplasim import (
    DEFAULT_SNAPSHOT_INTERVAL_STEPS,
    EXOPLASIM_VERSION,
    LAYERS,
    PREBUILT_STAMP_FILE,
    PRECISION,
    RESOLUTION,
    ExoPlaSimSimulator,
    model_configuration,
    prebuilt_stamp,
    run_segments,
    tail_lines,
    write_outcome,
)
from astrobio.application.ports.simulator import SimulationOutcome
from astrobio.domain.climate import ClimateParameters, RunState
from astrobio.domain.errors import DomainError

EXIT_OK, EXIT_FAILED, EXIT_CRASHED = 0, 2, 3
MODEL_NAME = "model"  # ExoPlaSim works in W/model and moves a crashed run to W/model_crashed
MODEL_LOG = "exoplasim.log"
EXCERPT_LINES = 50
# ExoPlaSim builds shell commands from the work directory path without quoting it.
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./+,:=@-]+$")
# -fcheck=all makes every run print these harmless pairs of lines; they drown the real messages.
_NOISE = re.compile(r"^(At line \d+ of file \S+|Fortran runtime warning: An array temporary was created.*)$")


class _Terminated(BaseException):
    """SIGTERM/SIGINT (time limit, cancellation); a BaseException so exoplasim's ``except Exception``
    blocks cannot swallow it."""


class _SetupError(Exception):
    """The run cannot be carried out (outcome ``failed``)."""


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    raise _Terminated(f"terminated by signal {signal.Signals(signum).name} (time limit or cancellation)")


@contextmanager
def _output_to(path: Path) -> Iterator[None]:
    """Send this process's stdout and stderr (and so its children's) to ``path``, at the fd level."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def _section(path: Path, n: int = EXCERPT_LINES) -> str:
    lines = [ln for ln in tail_lines(path, 20 * n).splitlines() if not _NOISE.match(ln.strip())]
    return f"==> {path.name} <==\n" + "\n".join(lines[-n:]) if lines else ""


def crash_log_excerpt(workdir: Path) -> str:
    """Tails of the logs that explain a crash: PlaSim's ``Abort_Message`` and diagnostics
    (``plasim_diag`` / ``MOST_DIAG.*``), a failed postprocessor log, and the model output."""
    picks: list[tuple[Path, int]] = []
    for d in (workdir / f"{MODEL_NAME}_crashed", workdir / MODEL_NAME):
        if not d.is_dir():
            continue
        if (d / "Abort_Message").is_file():
            picks.append((d / "Abort_Message", EXCERPT_LINES))
        diag = [d / "plasim_diag"] if (d / "plasim_diag").is_file() else sorted(d.glob("MOST_DIAG.*"))[-1:]
        picks += [(p, 30) for p in diag]
        picks += [(p, EXCERPT_LINES) for p in (d / "burnout", d / "snapout")
                  if p.is_file() and "FINISHED SUCCESSFULLY" not in tail_lines(p, 10)]
    picks.append((workdir / MODEL_LOG, EXCERPT_LINES))
    return "\n".join(s for s in (_section(p, n) for p, n in picks) if s)


def _prebuilt_binary(ranks: int) -> Path:
    spec = importlib.util.find_spec("exoplasim")  # located without importing it
    if spec is None or spec.origin is None:
        raise _SetupError("exoplasim is not installed: run scripts/install_exoplasim.sh")
    pkg = Path(spec.origin).parent
    binary = pkg / "plasim" / "run" / f"most_plasim_t21_l{LAYERS}_p{ranks}.x"
    # Without these, Model() would (re)configure and compile inside the package at run time.
    needed = [binary, pkg / "firstrun", pkg / "most_compiler", pkg / "most_compiler_mpi"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        raise _SetupError(f"ExoPlaSim is not pre-built for {ranks} rank(s) (missing {missing}): "
                          "run scripts/install_exoplasim.sh")
    if prebuilt_stamp(ranks) not in tail_lines(pkg / PREBUILT_STAMP_FILE).splitlines():
        raise _SetupError(f"{binary} was not built as {prebuilt_stamp(ranks)!r} by "
                          "scripts/install_exoplasim.sh: re-run it")
    return binary


def _load_params(path: str, snapshot_steps: int) -> ClimateParameters:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        params = ClimateParameters.from_dict(data)
        ExoPlaSimSimulator(snapshot_interval_steps=snapshot_steps).validate(params)
    except (OSError, ValueError, TypeError) as exc:  # DomainError is a ValueError
        detail = exc.message if isinstance(exc, DomainError) else str(exc)
        raise _SetupError(f"bad parameters in {path}: {detail}") from exc
    return params


def _run_model(params: ClimateParameters, workdir: Path, ranks: int, snapshot_steps: int) -> dict[str, Any]:
    """Set up and run the model in ``workdir``; returns the outcome fields (raises _SetupError)."""
    config = model_configuration(params, snapshot_interval_steps=snapshot_steps)
    years, _ = run_segments(params)
    os.chdir(workdir)
    with _output_to(workdir / MODEL_LOG):
        try:
            import exoplasim  # heavy; only ever imported in this process

            model = exoplasim.Model(workdir=str(workdir / MODEL_NAME), modelname=MODEL_NAME,
                                    resolution=RESOLUTION, layers=LAYERS, ncpus=ranks,
                                    precision=PRECISION, outputtype=".nc")
            model.configure(**config)
            model.exportcfg()
        except Exception as exc:
            traceback.print_exc()
            raise _SetupError(f"ExoPlaSim set-up failed: {type(exc).__name__}: {exc}") from exc
        error = ""
        try:
            model.run(years=years, crashifbroken=True, clean=True)
        except Exception as exc:  # a crash: ExoPlaSim moved the run to model_crashed/ and raised
            traceback.print_exc()
            error = f"{type(exc).__name__}: {exc}"
    model_dir = workdir / MODEL_NAME
    outputs = sorted(str(p) for p in model_dir.glob("MOST.[0-9][0-9][0-9][0-9][0-9].nc"))
    crashed_dir = workdir / f"{MODEL_NAME}_crashed"
    if error or crashed_dir.exists() or len(outputs) < years:
        reason = error or f"ExoPlaSim produced {len(outputs)} of {years} output file(s)"
        return {"state": RunState.CRASHED, "log_excerpt": f"{reason}\n{crash_log_excerpt(workdir)}",
                "crashed_dir": str(crashed_dir) if crashed_dir.exists() else None}
    return {"state": RunState.SUCCEEDED, "output_files": outputs,
            "snapshot_files": sorted(str(p) for p in (model_dir / "snapshots").glob("MOST_SNAP.*.nc")),
            "config_file": str(model_dir / f"{MODEL_NAME}.cfg")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m astrobio.adapters.gcm.run_exoplasim",
                                     description="Run one ExoPlaSim model in its own work directory.")
    parser.add_argument("--params", required=True, help="JSON of ClimateParameters.to_dict()")
    parser.add_argument("--workdir", required=True, help="work directory (created if missing)")
    parser.add_argument("--ranks", type=int, default=1, help="MPI ranks (pre-built: 1, 2)")
    parser.add_argument("--snapshot-interval-steps", type=int, default=DEFAULT_SNAPSHOT_INTERVAL_STEPS)
    args = parser.parse_args(argv)
    start = time.monotonic()
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    for leftover in (workdir / MODEL_NAME, workdir / f"{MODEL_NAME}_crashed"):  # a retry starts clean
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover_file in (workdir / MODEL_LOG, workdir / "outcome.json"):
        leftover_file.unlink(missing_ok=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _on_signal)
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")  # Open MPI refuses root without both
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    print(f"[exoplasim] ExoPlaSim {EXOPLASIM_VERSION} {RESOLUTION}L{LAYERS}, {args.ranks} rank(s), "
          f"workdir {workdir}", flush=True)
    fields: dict[str, Any]
    try:
        if not _SAFE_PATH.match(str(workdir)):
            raise _SetupError(f"work directory {str(workdir)!r} has characters ExoPlaSim cannot handle "
                              "(use letters, digits and _ . / + , : = @ -)")
        params = _load_params(args.params, args.snapshot_interval_steps)
        _prebuilt_binary(args.ranks)
        print(f"[exoplasim] {params.steps} steps of {params.timestep_min:g} min; model output in "
              f"{workdir / MODEL_LOG}", flush=True)
        fields = _run_model(params, workdir, args.ranks, args.snapshot_interval_steps)
    except _SetupError as exc:
        fields = {"state": RunState.FAILED, "log_excerpt": f"{exc}\n{_section(workdir / MODEL_LOG)}".strip()}
    except _Terminated as exc:
        fields = {"state": RunState.FAILED, "log_excerpt": f"{exc}\n{crash_log_excerpt(workdir)}".strip()}
    except Exception as exc:  # a bug here must still leave an outcome behind
        fields = {"state": RunState.FAILED,
                  "log_excerpt": f"runner error: {type(exc).__name__}: {exc}\n{traceback.format_exc()}"}
    state: RunState = fields.pop("state")
    outcome = SimulationOutcome(state=state, output_files=tuple(fields.pop("output_files", ())),
                                log_excerpt=fields.pop("log_excerpt", ""),
                                wall_seconds=round(time.monotonic() - start, 3))
    write_outcome(workdir, outcome, model=f"exoplasim {EXOPLASIM_VERSION}", ranks=args.ranks, **fields)
    print(f"[exoplasim] {state.value} after {outcome.wall_seconds:.1f} s", flush=True)
    if state is not RunState.SUCCEEDED and outcome.log_excerpt:
        print(outcome.log_excerpt, flush=True)
    return {RunState.SUCCEEDED: EXIT_OK, RunState.CRASHED: EXIT_CRASHED}.get(state, EXIT_FAILED)


if __name__ == "__main__":
    sys.exit(main())
