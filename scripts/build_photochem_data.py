"""Build data/photochemistry/stellar_uv_bands.json from ../shared/data (deterministic).

For each stellar template (the Gueymard solar spectrum and the MUSCLES M dwarfs as distributed with
VULCAN) this integrates, per W m^-2 of bolometric flux received, the photon fluxes and the
photolysis rate coefficients the reduced photochemistry of ``astrobio.domain.photochemistry`` needs:

* ``par_photons_m2_s_per_w``: photons 400-700 nm (PAR) per W of bolometric flux;
* ``j_o1d_trop_s_per_w``: O3 + hv -> O(1D) below an Earth ozone column (300 DU, slant path x2),
  O(1D) quantum yield 0.9 up to 306 nm falling linearly to 0 at 330 nm (JPL 19-5, simplified);
* ``j_n2o_s_per_w``: N2O photolysis, unshielded, 180-240 nm;
* ``j_ch4_s_per_w``: CH4 photolysis, unshielded (Lyman alpha dominated), < 150 nm;
* ``nuv_200_300_w_per_w`` and ``lya_w_per_w``: fractional energy in 200-300 nm and 118-125 nm.

Cross sections: VULCAN (exoclime/VULCAN@6951abd, thermo/photo_cross, GPL-3.0), copied unmodified
into data/opacity/uv_photoabsorption/. Run: ``.venv/bin/python scripts/build_photochem_data.py``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "data" / "photochemistry" / "stellar_uv_bands.json"
XS_DIR = ROOT / "data" / "opacity" / "uv_photoabsorption"
STARS = {
    "sun": ("vulcan_Gueymard_solar.txt", 5772.0),
    "gj436": ("vulcan_sflux-GJ436.txt", 3416.0),
    "gj876": ("vulcan_sflux-GJ876.txt", 3129.0),
    "gj1214": ("vulcan_sflux-GJ1214.txt", 3250.0),
    "gj551": ("vulcan_sflux-GJ551.txt", 2980.0),
}
MOLECULES = ("O3", "CH4", "N2O")
H, C, K = 6.62607015e-34, 2.99792458e8, 1.380649e-23
O3_COLUMN_CM2 = 300 * 2.687e16


def _planck_w_m2_nm(wl_nm: np.ndarray, t: float) -> np.ndarray:
    lam = wl_nm * 1e-9
    return np.pi * 2 * H * C**2 / lam**5 / np.expm1(H * C / (lam * K * t)) * 1e-9


def _trapz(y: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def _star(name: str, teff: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Wavelength (nm), spectral flux (W m^-2 nm^-1, any scale) and its bolometric integral."""
    d = np.loadtxt(SHARED / "stellar_spectra" / STARS[name][0], comments="#")
    wl, f = d[:, 0], d[:, 1] * 1e-3  # erg cm^-2 s^-1 nm^-1 -> W m^-2 nm^-1
    keep = wl <= 5500.0
    wl, f = wl[keep], f[keep]
    # Beyond the template's red end: a blackbody at Teff matched to its last 50 nm.
    tail = wl > wl[-1] - 50.0
    scale = np.mean(f[tail]) / np.mean(_planck_w_m2_nm(wl[tail], teff))
    wl_ext = np.geomspace(wl[-1], 1.0e6, 400)
    bol = _trapz(f, wl) + _trapz(scale * _planck_w_m2_nm(wl_ext, teff), wl_ext)
    return wl, f, bol


def _xs(mol: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.loadtxt(XS_DIR / f"{mol}_cross.csv", delimiter=",", comments="#")
    return d[:, 0], d[:, 1], d[:, 2]


def _on(wl: np.ndarray, xs: tuple[np.ndarray, np.ndarray, np.ndarray], col: int) -> np.ndarray:
    return np.interp(wl, xs[0], xs[col], left=0.0, right=0.0)


def main() -> None:
    XS_DIR.mkdir(parents=True, exist_ok=True)
    for mol in MOLECULES:
        src = SHARED / "opacity" / "uv_photoabsorption" / f"{mol}_cross.csv"
        dst = XS_DIR / f"{mol}_cross.csv"
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
    xs = {m: _xs(m) for m in MOLECULES}
    out: dict[str, object] = {"stars": {}, "inputs": {}}
    for name, (fname, teff) in STARS.items():
        wl, f, bol = _star(name, teff)
        photons = f / bol * (wl * 1e-9) / (H * C) * 1e-4  # photons cm^-2 s^-1 nm^-1 per W m^-2
        grid = np.arange(100.0, 760.0, 0.05)
        ph = np.interp(grid, wl, photons)
        par = (grid >= 400) & (grid <= 700)
        sig_o3 = _on(grid, xs["O3"], 2)
        phi = np.clip(np.where(grid <= 306, 0.9, 0.9 * (330 - grid) / 24.0), 0.0, 0.9)
        band = (grid >= 200) & (grid <= 340)
        j_o1d = _trapz((ph * sig_o3 * phi * np.exp(-2.0 * sig_o3 * O3_COLUMN_CM2))[band], grid[band])
        n2o = (grid >= 180) & (grid <= 240)
        j_n2o = _trapz((ph * _on(grid, xs["N2O"], 2))[n2o], grid[n2o])
        fine = (wl >= 100) & (wl <= 150)
        j_ch4 = _trapz((photons * _on(wl, xs["CH4"], 2))[fine], wl[fine])
        lya = (wl >= 118) & (wl <= 125)
        nuv = (wl >= 200) & (wl <= 300)
        out["stars"][name] = {  # type: ignore[index]
            "teff_k": teff,
            "par_photons_m2_s_per_w": _trapz(ph[par], grid[par]) * 1e4,
            "j_o1d_trop_s_per_w": j_o1d,
            "j_n2o_s_per_w": j_n2o,
            "j_ch4_s_per_w": j_ch4,
            "nuv_200_300_w_per_w": _trapz(f[nuv], wl[nuv]) / bol,
            "lya_w_per_w": _trapz(f[lya], wl[lya]) / bol,
        }
        out["inputs"][fname] = hashlib.sha256((SHARED / "stellar_spectra" / fname).read_bytes()).hexdigest()  # type: ignore[index]
    for mol in MOLECULES:
        digest = hashlib.sha256((XS_DIR / f"{mol}_cross.csv").read_bytes()).hexdigest()
        out["inputs"][f"{mol}_cross.csv"] = digest  # type: ignore[index]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(json.dumps(out["stars"], indent=1))


if __name__ == "__main__":
    main()
