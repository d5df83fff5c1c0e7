"""Build the compact opacity and stellar-template files used by the spectra feature.

Reads the shared raw data (``../shared/data/opacity`` and ``../shared/data/stellar_spectra``) and
writes ``data/opacity/spectra_opacity_r100.npz`` and ``data/stellar_spectra/templates_r300.npz``.

* Grid: wavenumber bins of constant resolution R = nu / dnu = 100 from 0.5 to 100 um.
* H2O, CO2, CH4: HITRAN2012 cross sections (Fujii TOOLBOX, R~100) interpolated in log sigma onto the
  grid, at 5 pressures x 3 temperatures. The missing H2O 1000 mbar / 250 K table is the log-mean of
  the 200 K and 300 K tables at 1000 mbar. Below 1 um (nu > 10000 cm-1) the tables have no data: 0.
* O2, CO: bin-mean cross sections sum(S_i(T)) / dnu_bin from the complete HITRAN2012 line lists,
  with S(T) scaled from 296 K by the Boltzmann factor of the lower state, stimulated emission and a
  linear-molecule rotational partition function Q ~ T. The bin mean does not depend on pressure.
* O3: the VULCAN UV/visible photoabsorption cross section (Chappuis band to 0.9 um), T- and
  P-independent; no infrared O3 data are available.
* CIA: N2-N2 (HITRAN 2018, nearest-temperature block), O2-O2 (HITRAN 2018b, headerless, mean of
  the blocks), H2-H2 and H2-He (Borysow, cm-1 amagat-2 converted to cm5 molecule-2).
* Stellar templates: Gueymard solar and MUSCLES GJ 1214 / GJ 436 / GJ 876 / GJ 551 shapes binned to
  R = 300 from 0.3 to 5.45 um; the absolute scale is discarded (renormalised to sigma Teff^4 at use).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "data"
R = 100.0
LOSCHMIDT_CM3 = 2.6867811e19
C2 = 1.4387769


def grid() -> tuple[np.ndarray, np.ndarray]:
    lo, hi = 1e4 / 100.0, 1e4 / 0.5
    n = int(np.ceil(np.log(hi / lo) * R))
    edges = lo * np.exp(np.arange(n + 1) / R)
    return 0.5 * (edges[1:] + edges[:-1]), edges


def fujii(nu: np.ndarray) -> np.ndarray:
    d = SHARED / "opacity" / "xsec_hitran2012_fujii"
    out = np.zeros((3, 5, 3, nu.size))
    for m, mol in enumerate(("H2O", "CO2", "CH4")):
        for i, p in enumerate(("01", "1", "10", "100", "1000")):
            for j, t in enumerate((200, 250, 300)):
                f = d / f"{mol}_mbar{p}_T{t}_R100.txt"
                if not f.exists():
                    continue
                tab = np.loadtxt(f)
                ls = np.log(np.maximum(tab[:, 1], 1e-40))
                v = np.exp(np.interp(nu, tab[:, 0], ls, left=np.log(1e-40), right=np.log(1e-40)))
                v[nu > tab[-1, 0]] = 0.0
                out[m, i, j] = np.where(v <= 1e-39, 0.0, v)
    miss = out[0, 4, 1]
    if not miss.any():
        a, b = out[0, 4, 0], out[0, 4, 2]
        out[0, 4, 1] = np.where((a > 0) & (b > 0), np.sqrt(a * np.maximum(b, 1e-300)), 0.5 * (a + b))
    return out


def hitran_lines(path: Path) -> tuple[np.ndarray, np.ndarray]:
    nus, ss, es = [], [], []
    for line in path.read_text().splitlines():
        if len(line) < 55:
            continue
        nus.append(float(line[3:15]))
        ss.append(float(line[15:25]))
        es.append(float(line[45:55]))
    return np.array(nus), np.array([ss, es])


def line_xsec(path: Path, edges: np.ndarray, temps: tuple[float, ...]) -> np.ndarray:
    nu, (s296, elow) = hitran_lines(path)
    out = np.zeros((len(temps), edges.size - 1))
    dnu = np.diff(edges)
    for j, t in enumerate(temps):
        s = (
            s296
            * (296.0 / t)
            * np.exp(-C2 * elow * (1.0 / t - 1.0 / 296.0))
            * (1 - np.exp(-C2 * nu / t))
            / (1 - np.exp(-C2 * nu / 296.0))
        )
        idx = np.searchsorted(edges, nu) - 1
        ok = (idx >= 0) & (idx < dnu.size)
        np.add.at(out[j], idx[ok], s[ok])
        out[j] /= dnu
    return out


G_EDGES = np.array([0.0, 0.5, 0.8, 0.95, 0.99, 1.0])


def kdist_ratios(fine_nu: np.ndarray, fine_x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(G, N) mean of each sub-bin quantile interval of the sorted fine cross sections / the bin mean."""
    out = np.ones((G_EDGES.size - 1, edges.size - 1))
    idx = np.searchsorted(edges, fine_nu) - 1
    order = np.argsort(idx, kind="stable")
    idx, vals = idx[order], fine_x[order]
    for b in range(edges.size - 1):
        v = np.sort(vals[idx == b])
        if v.size < 2 or v.mean() <= 0:
            continue
        cuts = np.minimum(np.round(G_EDGES * v.size).astype(int), v.size - 1)
        cuts[-1] = v.size
        means = [v[a : max(c, a + 1)].mean() for a, c in zip(cuts[:-1], cuts[1:], strict=True)]  # noqa: RUF007
        out[:, b] = np.array(means) / v.mean()
    w = np.diff(G_EDGES)
    return out / (w @ out)[None, :]


def line_fine(path: Path, t: float) -> tuple[np.ndarray, np.ndarray]:
    e = np.arange(100.0, 20001.0, 1.0)
    return 0.5 * (e[1:] + e[:-1]), line_xsec(path, e, (t,))[0]


def hitran_cia(path: Path, nu: np.ndarray, temps: np.ndarray) -> np.ndarray:
    blocks: list[tuple[float, np.ndarray]] = []
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        head = lines[i].split()
        n, t = int(head[3]), float(head[4])
        tab = np.array([[float(x) for x in ln.split()[:2]] for ln in lines[i + 1 : i + 1 + n]])
        blocks.append((t, tab))
        i += 1 + n
    out = np.zeros((temps.size, nu.size))
    for k, tg in enumerate(temps):
        best = np.full(nu.size, np.inf)
        for t, tab in blocks:
            inside = (nu >= tab[0, 0]) & (nu <= tab[-1, 0]) & (abs(t - tg) < best)
            out[k, inside] = np.interp(nu[inside], tab[:, 0], tab[:, 1])
            best[inside] = abs(t - tg)
    return np.maximum(out, 0.0)


def headerless_cia(path: Path, nu: np.ndarray) -> np.ndarray:
    tab = np.loadtxt(path)
    cuts = np.flatnonzero(np.diff(tab[:, 0]) < 0) + 1
    acc, cnt = np.zeros(nu.size), np.zeros(nu.size)
    for b in np.split(tab, cuts):
        inside = (nu >= b[0, 0]) & (nu <= b[-1, 0])
        acc[inside] += np.interp(nu[inside], b[:, 0], b[:, 1])
        cnt[inside] += 1
    return np.maximum(np.where(cnt > 0, acc / np.maximum(cnt, 1), 0.0), 0.0)


def borysow(path: Path, nu: np.ndarray, temps: np.ndarray) -> np.ndarray:
    text = path.read_text().splitlines()
    t_line = text[text.index("@TEMPERATURES") + 1]
    tt = np.array([float(x) for x in t_line.split()])
    data = np.array([[float(x) for x in ln.split()] for ln in text[text.index("@DATA") + 1 :] if ln.strip()])
    out = np.zeros((temps.size, nu.size))
    for k, tg in enumerate(temps):
        col = np.array([np.interp(tg, tt, row[1:]) for row in data])
        v = np.interp(nu, data[:, 0], col, left=0.0, right=0.0)
        out[k] = v / LOSCHMIDT_CM3**2
    return out


def o3_visible(nu: np.ndarray) -> np.ndarray:
    tab = np.loadtxt(SHARED / "opacity" / "uv_photoabsorption" / "O3_cross.csv", delimiter=",", comments="#")
    wn = 1e7 / tab[::-1, 0]
    return np.interp(nu, wn, tab[::-1, 1], left=0.0, right=0.0)


def stellar_templates() -> dict[str, np.ndarray]:
    files = {
        "sun": "vulcan_Gueymard_solar.txt",
        "gj1214": "vulcan_sflux-GJ1214.txt",
        "gj436": "vulcan_sflux-GJ436.txt",
        "gj876": "vulcan_sflux-GJ876.txt",
        "gj551": "vulcan_sflux-GJ551.txt",
    }
    lo, hi = 0.3, 5.45
    n = int(np.log(hi / lo) * 300)
    edges = lo * np.exp(np.arange(n + 1) / 300)
    out: dict[str, np.ndarray] = {"wavelength_um": np.sqrt(edges[1:] * edges[:-1])}
    for key, name in files.items():
        tab = np.loadtxt(SHARED / "stellar_spectra" / name, comments="#")
        wl, f = tab[:, 0] / 1e3, tab[:, 1]
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(wl))])
        c = np.interp(edges, 0.5 * (wl[1:] + wl[:-1]), cum[1:])
        out[key] = np.maximum(np.diff(c) / np.diff(edges), 0.0)
    return out


def main() -> int:
    nu, edges = grid()
    temps = (200.0, 250.0, 300.0)
    x = fujii(nu)
    op = SHARED / "opacity" / "linelists"
    o2 = line_xsec(op / "HITRAN2012_07_hit12.par", edges, temps)
    co = line_xsec(op / "HITRAN2012_05_hit12.par", edges, temps)
    o3 = o3_visible(nu)
    fine = SHARED / "opacity" / "xsec_hitran2012_fujii"
    ratios = np.ones((6, G_EDGES.size - 1, nu.size))
    for k, mol in enumerate(("H2O", "CO2", "CH4")):
        tab = np.loadtxt(fine / f"{mol}_mbar100_T250_native1cm.txt")
        ratios[k] = kdist_ratios(tab[:, 0], tab[:, 1], edges)
    for k, name in ((3, "HITRAN2012_07_hit12.par"), (4, "HITRAN2012_05_hit12.par")):
        ratios[k] = kdist_ratios(*line_fine(op / name, 250.0), edges)
    xsec = np.zeros((6, 5, 3, nu.size))
    xsec[:3] = x
    xsec[3] = o2[None, :, :]
    xsec[4] = co[None, :, :]
    xsec[5] = o3[None, None, :]
    cia_t = np.array([100.0, 150.0, 200.0, 250.0, 300.0, 350.0, 400.0])
    c = SHARED / "opacity" / "cia"
    n2n2 = hitran_cia(c / "HITRAN_N2-N2_2018.cia", nu, cia_t)
    o2o2 = np.broadcast_to(headerless_cia(c / "HITRAN_O2-O2_2018b_headerless.cia", nu), n2n2.shape)
    h2h2 = borysow(c / "pyratbay_CIA_Borysow_H2H2_0060-7000K_0.6-500um.dat", nu, cia_t)
    h2he = borysow(c / "pyratbay_CIA_Borysow_H2He_0050-7000K_0.5-031um.dat", nu, cia_t)
    (OUT / "opacity").mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT / "opacity" / "spectra_opacity_r100.npz",
        wavenumber_cm1=nu,
        species=np.array(["H2O", "CO2", "CH4", "O2", "CO", "O3"]),
        pressure_bar=np.array([1e-4, 1e-3, 1e-2, 1e-1, 1.0]),
        temperature_k=np.array(temps),
        xsec_cm2=xsec,
        cia_pairs=np.array(["N2-N2", "O2-O2", "H2-H2", "H2-He"]),
        cia_temperature_k=cia_t,
        kdist_weight=np.diff(G_EDGES),
        kdist_ratio=ratios,
        cia_cm5=np.stack([n2n2, o2o2, h2h2, h2he]),
    )
    (OUT / "stellar_spectra").mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "stellar_spectra" / "templates_r300.npz", **stellar_templates())
    return 0


if __name__ == "__main__":
    sys.exit(main())
