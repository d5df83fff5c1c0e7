"""The grey surface-temperature model against the bundled ExoPlaSim runs: its bias, scatter and RMSE.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/grey_vs_gcm.py``.

For each run in ``data/gcm`` (runs.csv + NetCDF), the area-weighted global-mean surface temperature of
the last output record is compared with the pipeline's grey estimate
T_s = T_eq(A=0) (1 - 0.3)^(1/4) (1 + 3/4 x 0.86)^(1/4), T_eq(A=0) = 278.6 K (S / S_earth)^(1/4)
(S = flux / 1361 W m^-2). The RMSE is the grey model's error used in the pipeline's Monte Carlo
(``GREY_SURFACE_SIGMA_K``). It also prints, for rotating and tidally locked runs, the warmest
global mean without open ocean (sea ice < 0.5 nowhere) and the coldest with it: the open-ocean
thresholds of ``astrobio.domain.habitability`` (243 K rotating, 227 K locked). Caveat
(data/gcm/README.md): 240-day runs from an Earth-like start, not certified equilibria; cold runs drift
towards snowball, which the grey model (fixed albedo) cannot.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GCM = ROOT / "data" / "gcm"


def main() -> None:
    import netCDF4

    rows = list(csv.DictReader((GCM / "runs.csv").open()))
    diffs = []
    ocean: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for r in rows:
        path = GCM / f"{r['run_id']}.nc"
        if not path.exists():
            continue
        with netCDF4.Dataset(path) as ds:
            ts = np.asarray(ds["ts"][-1], dtype=np.float64)
            sic = np.asarray(ds["sic"][-1], dtype=np.float64)
            lat = np.asarray(ds["lat"][:], dtype=np.float64)
        w = np.cos(np.deg2rad(lat))[:, None] * np.ones_like(ts)
        gcm = float((ts * w).sum() / w.sum())
        ocean[r["synchronous"] == "True"].append((gcm, float(((sic < 0.5) * w).sum() / w.sum())))
        s = float(r["flux"]) / 1361.0
        grey = 278.6 * s**0.25 * 0.7**0.25 * (1 + 0.75 * 0.86) ** 0.25
        diffs.append(grey - gcm)
    d = np.array(diffs)
    print(f"{d.size} GCM runs: grey - GCM bias {d.mean():+.1f} K, scatter {d.std():.1f} K, "
          f"RMSE {np.sqrt((d**2).mean()):.1f} K")
    for locked, runs in ocean.items():
        frozen = [t for t, f in runs if f == 0.0]
        liquid = [(t, f) for t, f in runs if f > 0.0]
        coldest = min(liquid) if liquid else (float("nan"), 0.0)
        print(f"{'tidally locked' if locked else 'rotating'} runs ({len(runs)}): warmest without open ocean "
              f"{max(frozen) if frozen else float('nan'):.1f} K; coldest with open ocean {coldest[0]:.1f} K "
              f"({coldest[1]:.0%} of the surface)")


if __name__ == "__main__":
    main()
