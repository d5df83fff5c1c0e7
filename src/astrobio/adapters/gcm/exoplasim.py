"""ExoPlaSimSimulator: the ExoPlaSim 3.4.2 GCM (PlaSim-based, Fortran) behind the ClimateSimulator port.

Each model runs in its own process (``python -m astrobio.adapters.gcm.run_exoplasim``) because
ExoPlaSim changes the process-wide working directory and shells out. This module is light: it
never imports ``exoplasim``; only that subprocess does.

The configuration mirrors the shared aquaplanet runs (``data/gcm/README.md``): T21 (32 x 64),
10 sigma levels, float64, aquaplanet with a mixed-layer ocean and sea ice, N2 + CO2 atmosphere
(pN2 = p - pCO2), no ozone, blackbody star at ``star_teff_k``, synchronous planets with the
substellar point at 180 deg. The orbit is fixed (``fixedorbit=True``): without it PlaSim silently
replaces the requested eccentricity and obliquity by Earth's Berger (1978) orbit for 1950.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from astrobio.application.ports.cube_store import VariableMapping
from astrobio.application.ports.simulator import ClimateSimulator, SimulationOutcome
from astrobio.domain.climate import ClimateParameters, RunState
from astrobio.domain.errors import InvalidQuantity

#: The variables a GCM cube keeps: those of the shared aquaplanet runs (data/gcm/README.md).
CUBE_VARIABLES = ("ts", "tas", "ps", "pr", "clt", "rlut", "rsut", "rst", "alb", "sic", "prw",
                  "ta", "ua", "va", "hus", "cl")

EXOPLASIM_VERSION = "3.4.2"
RESOLUTION = "T21"
LAYERS = 10
PRECISION = 8
#: MPI rank counts whose binaries ``scripts/install_exoplasim.sh`` pre-builds.
PREBUILT_RANKS = (1, 2)
#: File in ExoPlaSim's package directory where the install script records what it built, one
#: line per binary (``prebuilt_stamp(ranks)``): the binary's name does not encode its precision.
PREBUILT_STAMP_FILE = "astrobio_prebuilt.txt"
#: ExoPlaSim's default snapshot interval (steps); shorter runs crash in its postprocessor.
DEFAULT_SNAPSHOT_INTERVAL_STEPS = 480
#: Longest stretch run as one ExoPlaSim "year" (one output file); longer runs are split.
SEGMENT_DAYS = 360.0
SUBSTELLAR_LONGITUDE_DEG = 180.0
OUTCOME_FILE = "outcome.json"
JOB_LOG = "job.log"
RUNNER_MODULE = "astrobio.adapters.gcm.run_exoplasim"


def prebuilt_stamp(ranks: int) -> str:
    """The stamp line ``scripts/install_exoplasim.sh`` writes for the binary of ``ranks`` ranks."""
    return f"p{ranks} {RESOLUTION} layers={LAYERS} precision={PRECISION}"


def run_segments(params: ClimateParameters) -> tuple[int, int]:
    """Split a run into equal ExoPlaSim years of at most :data:`SEGMENT_DAYS` days.

    Returns
    -------
    tuple of int
        ``(years, steps_per_year)``; ``years * steps_per_year >= params.steps`` (rounded up).
    """
    steps_per_segment = max(1, round(SEGMENT_DAYS * 1440.0 / params.timestep_min))
    years = max(1, math.ceil(params.steps / steps_per_segment))
    return years, math.ceil(params.steps / years)


def model_configuration(
    params: ClimateParameters, *, snapshot_interval_steps: int = DEFAULT_SNAPSHOT_INTERVAL_STEPS
) -> dict[str, Any]:
    """Keyword arguments of ``exoplasim.Model.configure`` for ``params`` (pure; no exoplasim needed).

    Parameters
    ----------
    params:
        The run's parameters.
    snapshot_interval_steps:
        Steps between ExoPlaSim snapshot outputs (``snapshots``).

    Returns
    -------
    dict
        Pressures in bar (``pN2 = surface_pressure_bar - pco2_bar``), radius in Earth radii,
        gravity in m s^-2, flux in W m^-2, timestep in minutes, ``runsteps`` per ExoPlaSim year
        (see :func:`run_segments`). ``substellarlon`` is present only for synchronous rotators.
    """
    _, steps_per_year = run_segments(params)
    config: dict[str, Any] = {
        "startemp": params.star_teff_k,
        "flux": params.instellation_w_m2,
        "radius": params.radius_earth,
        "gravity": params.gravity_m_s2,
        "pressure": params.surface_pressure_bar,
        "pN2": params.surface_pressure_bar - params.pco2_bar,
        "pCO2": params.pco2_bar,
        "rotationperiod": params.rotation_period_days,
        "synchronous": params.synchronous,
        "eccentricity": params.eccentricity,
        "obliquity": params.obliquity_deg,
        "fixedorbit": True,
        "mldepth": params.mixed_layer_depth_m,
        "aquaplanet": True,
        "seaice": True,
        "ozone": False,
        "timestep": params.timestep_min,
        "runsteps": steps_per_year,
        "snapshots": snapshot_interval_steps,
    }
    if params.synchronous:
        config["substellarlon"] = SUBSTELLAR_LONGITUDE_DEG
    return config


def tail_lines(path: str | os.PathLike[str], n: int = 50) -> str:
    """The last ``n`` lines of a text file ("" if it does not exist or cannot be read)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-n:])


def write_outcome(workdir: str | os.PathLike[str], outcome: SimulationOutcome, **extra: Any) -> Path:
    """Write ``workdir/outcome.json`` atomically (temporary file, then ``os.replace``)."""
    target = Path(workdir) / OUTCOME_FILE
    body = {
        "state": outcome.state.value,
        "output_files": list(outcome.output_files),
        "log_excerpt": outcome.log_excerpt,
        "wall_seconds": outcome.wall_seconds,
        **extra,
    }
    tmp = target.with_name(f".{OUTCOME_FILE}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(body, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target


class ExoPlaSimSimulator(ClimateSimulator):
    """ExoPlaSim at T21 / 10 levels / float64, one model per subprocess.

    Parameters
    ----------
    python:
        Interpreter that runs the model process (must have astrobio and exoplasim installed).
    snapshot_interval_steps:
        Steps between ExoPlaSim snapshots; every run (each ExoPlaSim year of it) must be at
        least this long, or ExoPlaSim's postprocessor crashes.
    available_ranks:
        MPI rank counts with a pre-built binary; other counts would compile at run time.
    """

    def __init__(
        self,
        python: str = sys.executable,
        *,
        snapshot_interval_steps: int = DEFAULT_SNAPSHOT_INTERVAL_STEPS,
        available_ranks: Sequence[int] = PREBUILT_RANKS,
    ) -> None:
        if snapshot_interval_steps < 1:
            raise InvalidQuantity("snapshot_interval_steps must be >= 1", field="snapshot_interval_steps")
        self._python = python
        self._snapshot_steps = int(snapshot_interval_steps)
        self._ranks = tuple(available_ranks)

    @property
    def name(self) -> str:
        return "exoplasim"

    @property
    def snapshot_interval_steps(self) -> int:
        return self._snapshot_steps

    def validate(self, params: ClimateParameters) -> None:
        """Reject what ExoPlaSim cannot run.

        Raises
        ------
        InvalidQuantity
            ``timestep_min`` not a whole number of minutes dividing the 1440-minute day (PlaSim
            needs whole steps per day); ``run_days`` shorter than one snapshot interval.
        """
        ts = params.timestep_min
        if ts < 1.0 or not float(ts).is_integer() or 1440 % int(ts) != 0:
            raise InvalidQuantity(
                f"timestep_min={ts:g}: ExoPlaSim needs a whole number of minutes that divides "
                "the 1440-minute day (e.g. 30 or 45)",
                field="timestep_min",
            )
        _, steps_per_year = run_segments(params)
        if steps_per_year < self._snapshot_steps:
            min_days = self._snapshot_steps * ts / 1440.0
            raise InvalidQuantity(
                f"run_days={params.run_days:g} gives {params.steps} steps of {ts:g} min; ExoPlaSim "
                f"needs at least one snapshot interval ({self._snapshot_steps} steps) or its "
                f"postprocessor crashes: use run_days >= {min_days:g}",
                field="run_days",
            )

    def command(self, params_file: str, workdir: str, *, ranks: int = 1) -> list[str]:
        """``[python, -m, astrobio.adapters.gcm.run_exoplasim, --params, F, --workdir, W, --ranks, N]``.

        Paths are made absolute. Raises :class:`InvalidQuantity` (field ``ranks``) for a rank
        count without a pre-built binary.
        """
        if ranks not in self._ranks:
            raise InvalidQuantity(
                f"ranks={ranks}: ExoPlaSim binaries are pre-built for {list(self._ranks)} MPI rank(s)",
                field="ranks",
            )
        argv = [self._python, "-m", RUNNER_MODULE, "--params", os.path.abspath(params_file),
                "--workdir", os.path.abspath(workdir), "--ranks", str(ranks)]
        if self._snapshot_steps != DEFAULT_SNAPSHOT_INTERVAL_STEPS:
            argv += ["--snapshot-interval-steps", str(self._snapshot_steps)]
        return argv

    def output_mapping(self) -> VariableMapping:
        """Keep the climate variables of the bundled cube set (ExoPlaSim writes ~100, some on
        spectral or half-level axes that are not part of a (time, lev, lat, lon) cube)."""
        return VariableMapping(keep=CUBE_VARIABLES)

    def read_outcome(self, workdir: str) -> SimulationOutcome:
        """The outcome in ``workdir/outcome.json``; ``failed`` with the tail of ``job.log`` if it is
        missing or unreadable (the process died before writing it: killed, out of memory, ...)."""
        path = Path(workdir) / OUTCOME_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return SimulationOutcome(
                state=RunState(data["state"]),
                output_files=tuple(_str_list(data.get("output_files", []))),
                log_excerpt=str(data.get("log_excerpt", "")),
                wall_seconds=float(data.get("wall_seconds", 0.0)),
            )
        except FileNotFoundError:
            reason = f"{OUTCOME_FILE} missing: the model process ended without writing it"
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = f"{OUTCOME_FILE} unreadable ({type(exc).__name__}: {exc})"
        job_tail = tail_lines(Path(workdir) / JOB_LOG)
        excerpt = reason + (f"\n==> {JOB_LOG} <==\n{job_tail}" if job_tail else "")
        return SimulationOutcome(state=RunState.FAILED, log_excerpt=excerpt)


def _str_list(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("output_files must be a list of strings")
    return value
