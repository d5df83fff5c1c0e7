"""The bundled cube set: 15 real ExoPlaSim aquaplanet runs (``data/gcm/``, see its README.md).

``runs.csv`` has one row per run; its columns map onto :class:`ClimateParameters` as follows
(units as in the README): startemp -> star_teff_k (K), flux -> instellation_w_m2 (W m-2),
radius -> radius_earth, gravity -> gravity_m_s2 (m s-2), pressure -> surface_pressure_bar (bar),
pCO2 -> pco2_bar (bar), rotationperiod -> rotation_period_days, synchronous -> synchronous,
timestep -> timestep_min (min), days -> run_days, mldepth -> mixed_layer_depth_m (m).
Not in the table but fixed by the README for every run: eccentricity 0, obliquity 23.44 deg for
rotating planets and 0 deg for synchronous (tidally locked) ones.
"""

from __future__ import annotations

import csv
from pathlib import Path

from astrobio.domain.climate import ClimateParameters
from astrobio.domain.errors import InvalidDataset

_COLUMNS = {
    "startemp": "star_teff_k",
    "flux": "instellation_w_m2",
    "radius": "radius_earth",
    "gravity": "gravity_m_s2",
    "pressure": "surface_pressure_bar",
    "pCO2": "pco2_bar",
    "rotationperiod": "rotation_period_days",
    "timestep": "timestep_min",
    "days": "run_days",
    "mldepth": "mixed_layer_depth_m",
}
EARTH_OBLIQUITY_DEG = 23.44


def _flag(value: str, where: str) -> bool:
    if value not in ("True", "False"):
        raise InvalidDataset(f"{where}: synchronous must be True or False, got {value!r}",
                             field="synchronous")
    return value == "True"


def bundled_runs(data_dir: str | Path) -> list[tuple[Path, ClimateParameters]]:
    """Each bundled run's NetCDF file and its parameters, in ``runs.csv`` order.

    Parameters
    ----------
    data_dir:
        The folder with ``runs.csv`` and the ``<run_id>.nc`` files (the project's ``data/gcm``).

    Raises
    ------
    InvalidDataset
        When ``runs.csv`` is missing, lacks a column, has a bad value, or names a missing file.
    """
    folder = Path(data_dir)
    table = folder / "runs.csv"
    try:
        with open(table, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise InvalidDataset(f"{table}: cannot read the run table ({exc.strerror or exc})") from exc
    out = []
    for line, row in enumerate(rows, start=2):
        where = f"{table}:{line}"
        missing = sorted({"run_id", "synchronous", *_COLUMNS} - set(row))
        if missing:
            raise InvalidDataset(f"{where}: missing column(s) {missing}", field=missing[0])
        try:
            values = {field: float(row[column]) for column, field in _COLUMNS.items()}
        except ValueError as exc:
            raise InvalidDataset(f"{where}: {exc}") from exc
        synchronous = _flag(row["synchronous"], where)
        params = ClimateParameters(**values, synchronous=synchronous, eccentricity=0.0,
                                   obliquity_deg=0.0 if synchronous else EARTH_OBLIQUITY_DEG)
        path = folder / f"{row['run_id']}.nc"
        if not path.is_file():
            raise InvalidDataset(f"{where}: run file {path} is missing", field="run_id")
        out.append((path, params))
    return out
