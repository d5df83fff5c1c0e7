"""Bin the HITRAN2012 cross sections (Fujii TOOLBOX, R~100 tables at 100 mbar) onto the JWST model grid.

Writes ``data/jwst/opacity_grid.json``: for H2O, CO2 and CH4 at 200, 250 and 300 K, the mean
cross section (cm^2/molecule) of the table points inside each grid bin. Run from the repository root:
``python scripts/build_jwst_opacity.py [../shared/data/opacity/xsec_hitran2012_fujii]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from astrobio.adapters.jwst.forward import MODEL_GRID

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/opacity/xsec_hitran2012_fujii")
TEMPERATURES_K = (200, 250, 300)


def main() -> None:
    edges = MODEL_GRID.edges_um
    out: dict[str, object] = {
        "grid": {"min_um": MODEL_GRID.min_um, "max_um": MODEL_GRID.max_um, "n_bins": MODEL_GRID.n_bins},
        "temperatures_k": list(TEMPERATURES_K),
        "pressure_mbar": 100,
        "source": "HITRAN2012 cross sections, Y. Fujii TOOLBOX commit 6adcefc, *_mbar100_T*_R100",
        "xsec_cm2": {},
    }
    for mol in ("H2O", "CO2", "CH4"):
        per_t = []
        for t in TEMPERATURES_K:
            nu, sigma = np.loadtxt(SOURCE / f"{mol}_mbar100_T{t}_R100.txt", unpack=True)
            wl = 1e4 / nu
            idx = np.searchsorted(edges, wl, side="right") - 1
            inside = (idx >= 0) & (idx < MODEL_GRID.n_bins)
            counts = np.bincount(idx[inside], minlength=MODEL_GRID.n_bins)
            sums = np.bincount(idx[inside], weights=sigma[inside], minlength=MODEL_GRID.n_bins)
            if (counts == 0).any():
                raise SystemExit(f"{mol} {t} K: table does not cover every grid bin")
            per_t.append([float(f"{v:.5e}") for v in np.maximum(sums / counts, 1e-35)])
        out["xsec_cm2"][mol.lower()] = per_t  # type: ignore[index]
    Path("data/jwst").mkdir(parents=True, exist_ok=True)
    Path("data/jwst/opacity_grid.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
