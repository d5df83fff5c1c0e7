"""Build ``data/opacity/opacity_r100.npz``: k-distribution opacity tables, CIA and the H2O continuum.

Reads the shared raw opacity data (``../shared/data/opacity``, see its PROVENANCE.txt) and writes one
compact table (float32, ~10 MB) used by the spectra feature. Every method below is also stated in the
table's ``method`` strings, which reach each spectrum's ``provenance``.

Grid
    Wavenumber bins of constant resolution R = nu/dnu = 100 from 0.2 to 100 um (622 bins).
    T = 100-2000 K (11 nodes), P = 1e-6-100 bar (9 nodes, one per decade), 8 g-points (the two
    4-point Gauss-Legendre sets on [0, 0.95] and [0.95, 1] of the HELIOS-K tables).

Molecules (k(P, T, g, bin), cm^2 per molecule)
    * H2O, CO2, CH4 -- the band means of the HELIOS-K k-tables (HITEMP; CO2 sub-Lorentzian wings, H2O
      plinth removed for use with MT_CKD) at every (P, T) node, distributed over the R~100 bins of each
      band by the HITRAN2012 R~100 cross sections (Fujii TOOLBOX; nearest of their 1e-4-1 bar /
      200-300 K nodes, nu <= 10000 cm-1). Sub-bin distribution at the 8 g-intervals: the one of the
      1 cm-1 native tables (100 mbar, 250 K) at >= 0.1 bar, the k-table's own (Doppler cores resolved)
      at <= 1e-3 bar, a geometric blend in log P between. Above 10000 cm-1, and at the table nodes above
      300 K (where hot bands fill the cold windows the R~100 shape has), the k-table itself (coarse,
      R ~ 5-20); between 300 and 400 K the two are interpolated linearly in T.
    * O3, N2O, NH3 -- HELIOS-K k-tables (HITRAN2016 / HITRAN) resampled: every R~100 bin inherits
      the k-distribution of the k-table band that contains it (coarse, R ~ 5-20); log k bilinear in
      (log P, T). O3 k-tables stop at 1000 K.
    * O2, CO, PH3 -- line by line from the complete HITRAN2012 line lists: Voigt profiles
      (scipy.special.voigt_profile), Lorentz HWHM gamma_air (296/T)^n_air P, Doppler width of the
      isotopologue mass, line cut-off min(25 cm-1, 200 HWHM), line intensities scaled from 296 K with
      the lower-state Boltzmann factor, stimulated emission and rigid-rotor x harmonic-oscillator
      partition functions. Sampled at R = 1e5 (1000 points per bin); Doppler cores narrower than one
      sample are broadened to it in quadrature (area conserved). k-distribution = sorted sub-bin
      means at the 8 g-intervals. Computed at P = 1e-4, 1e-2, 1, 100 bar and T = 100, 200, 300, 500,
      1000, 2000 K and interpolated in log k onto the table nodes; below 1e-4 bar the Doppler limit
      (pressure-independent) is used.
    * UV/visible electronic cross sections (VULCAN compilation of MPI-Mainz / Leiden data),
      bin-averaged and added to every g-point, T- and P-independent: O3 Hartley-Huggins and Chappuis
      (0.2-0.9 um), O2, H2O, CO2, CH4, N2O, NH3 below 0.24 um.

Collision-induced absorption and continuum (cm^5 per molecule^2 on the same T nodes)
    HITRAN .cia files (N2-N2 2011 incl. the 2000-2698 cm-1 fundamental; O2-O2 2018b; O2-N2 2021;
    CO2-CO2 2018): bin averages, linear in T between the measured block temperatures, the nearest
    block held outside them; the measured range per bin is stored so a spectrum flags layers outside
    it, widened by 15 K (bands measured at one temperature: +-50 K). H2-H2 / H2-He: Borysow
    tables (60/50-7000 K). H2O: MT_CKD_4.3 self and foreign continuum (AER) as two pair terms:
    k_self = nu tanh(c2 nu / 2T) C_self (296/T)^n / n_ref, k_foreign = nu tanh(c2 nu / 2T) C_for / n_ref
    with n_ref the number density at 1013 hPa and 296 K; foreign partner = N2 + O2 + Ar (air).

Run: ``python scripts/build_opacity.py [CACHE_DIR]`` (about 4 minutes on one core, most of it the PH3
line-by-line step; with CACHE_DIR the line-by-line k-distributions are kept there and reused).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import h5py
import netCDF4
import numpy as np
from scipy.special import voigt_profile

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "opacity"
OUT = Path(__file__).resolve().parents[1] / "data" / "opacity" / "opacity_r100.npz"
R, R_FINE = 100, 100_000
WL_MIN_UM, WL_MAX_UM = 0.2, 100.0
T_GRID = np.array([100.0, 150.0, 200.0, 250.0, 300.0, 400.0, 500.0, 700.0, 1000.0, 1500.0, 2000.0])
LOG10P_GRID = np.arange(-6.0, 3.0)
SPECIES = ("H2O", "CO2", "CH4", "O2", "CO", "O3", "N2O", "NH3", "PH3")
CIA = ("N2-N2", "O2-O2", "O2-N2", "CO2-CO2", "H2-H2", "H2-He", "H2O-H2O", "H2O-air")
C2, K_B, AMU, C_CM = 1.4387769, 1.380649e-23, 1.66053906660e-27, 2.99792458e10
LOSCHMIDT_CM3 = 2.6867811e19
SINGLE_T_MARGIN_K = 50.0  # a band measured at one temperature is used within +-50 K of it
MULTI_T_MARGIN_K = 15.0  # bands measured at several temperatures: +-15 K beyond the measured range


def grids() -> tuple[np.ndarray, np.ndarray]:
    lo, hi = 1e4 / WL_MAX_UM, 1e4 / WL_MIN_UM
    n = int(np.ceil(np.log(hi / lo) * R))
    edges = lo * np.exp(np.arange(n + 1) / R)
    return 0.5 * (edges[1:] + edges[:-1]), edges


# ---------------------------------------------------------------- k-tables (HELIOS-K, photochem)
def ktable(mol: str) -> dict[str, np.ndarray]:
    with h5py.File(SHARED / "ktables_photochem" / f"{mol}.h5", "r") as f:
        return {k: np.asarray(f[k][()]) for k in ("wavelengths", "weights", "T", "log10P", "log10k")}


def ktable_on_grid(kt: dict[str, np.ndarray], nu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P, T, G, N) k from the band containing each bin centre (log k bilinear in log P, T); (N,) band id."""
    wl_edges = kt["wavelengths"].astype(float)
    band = np.clip(np.searchsorted(wl_edges, 1e4 / nu) - 1, 0, wl_edges.size - 2)
    lk = kt["log10k"].astype(float)  # (bands, T, P, G)
    tn, pn = kt["T"].astype(float), kt["log10P"].astype(float)
    out = np.empty((LOG10P_GRID.size, T_GRID.size, lk.shape[3], nu.size))
    for i, lp in enumerate(LOG10P_GRID):
        pi = np.clip(np.searchsorted(pn, lp) - 1, 0, pn.size - 2)
        fp = np.clip((lp - pn[pi]) / (pn[pi + 1] - pn[pi]), 0, 1)
        for j, t in enumerate(T_GRID):
            tj = np.clip(np.searchsorted(tn, t) - 1, 0, tn.size - 2)
            ft = np.clip((t - tn[tj]) / (tn[tj + 1] - tn[tj]), 0, 1)  # O3 above 1000 K: held, flagged
            v = (
                lk[:, tj, pi] * (1 - ft) * (1 - fp)
                + lk[:, tj + 1, pi] * ft * (1 - fp)
                + lk[:, tj, pi + 1] * (1 - ft) * fp
                + lk[:, tj + 1, pi + 1] * ft * fp
            )
            out[i, j] = (10.0**v)[band].T
    return out, band


# ---------------------------------------------------------------- Fujii R~100 cross sections
FUJII_P_MBAR = (("01", 0.1), ("1", 1.0), ("10", 10.0), ("100", 100.0), ("1000", 1000.0))
FUJII_T = (200.0, 250.0, 300.0)
#: Above this the 200-300 K R~100 shape and sub-bin distribution are not used (k-table only, coarse).
HOT_K = 300.0


def fujii(mol: str, nu: np.ndarray) -> np.ndarray:
    d = SHARED / "xsec_hitran2012_fujii"
    out = np.full((len(FUJII_P_MBAR), len(FUJII_T), nu.size), np.nan)
    for i, (p, _) in enumerate(FUJII_P_MBAR):
        for j, t in enumerate(FUJII_T):
            f = d / f"{mol}_mbar{p}_T{int(t)}_R100.txt"
            if not f.exists():
                continue
            tab = np.loadtxt(f)
            v = np.exp(np.interp(nu, tab[:, 0], np.log(np.maximum(tab[:, 1], 1e-40))))
            out[i, j] = np.where((v <= 1e-39) | (nu > tab[-1, 0]), 0.0, v)
    for i in range(len(FUJII_P_MBAR)):  # one missing file (H2O 1000 mbar 250 K): log-mean of 200/300 K
        if np.isnan(out[i, 1]).all():
            a, b = out[i, 0], out[i, 2]
            out[i, 1] = np.sqrt(a * b)
    return out


def g_edges(weights: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(weights)])


def subbin_ratio(fine: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(G, N) from (N, M) fine samples: mean of each sorted g-interval over the bin mean."""
    n, m = fine.shape
    s = np.sort(fine, axis=1)
    cuts = np.round(g_edges(weights) * m).astype(int)
    cuts = np.maximum.accumulate(np.clip(cuts, 0, m))
    out = np.ones((weights.size, n))
    mean = s.mean(axis=1)
    for g in range(weights.size):
        a, b = cuts[g], max(cuts[g + 1], cuts[g] + 1)
        a = min(a, m - 1)
        out[g] = s[:, a:b].mean(axis=1)
    ok = mean > 0
    out[:, ok] /= mean[ok]
    out[:, ~ok] = 1.0
    return out / (weights @ out)[None, :]


def fujii_ratio(mol: str, edges: np.ndarray, weights: np.ndarray) -> np.ndarray:
    tab = np.loadtxt(SHARED / "xsec_hitran2012_fujii" / f"{mol}_mbar100_T250_native1cm.txt")
    out = np.ones((weights.size, edges.size - 1))
    idx = np.searchsorted(edges, tab[:, 0]) - 1
    for b in np.unique(idx[(idx >= 0) & (idx < edges.size - 1)]):
        v = tab[idx == b, 1]
        if v.size >= 4 and v.mean() > 0:
            out[:, b] = subbin_ratio(v[None, :], weights)[:, 0]
    return out


def hybrid(mol: str, nu: np.ndarray, edges: np.ndarray, kt: dict[str, np.ndarray]) -> np.ndarray:
    """R~100 shape of the HITRAN2012 cross sections, normalised to the k-table's band means.

    k(bin, P, T, g) = F(bin; P', T') x Kbar(band; P, T) / Fbar(band; P', T') x r(g, bin): F is the Fujii
    R~100 cross section at the nearest node (P', T') inside its grid, Fbar its wavenumber-mean over the
    bins of the k-table band, Kbar the band's g-weighted mean k at the requested node, r the sub-bin
    distribution (1 cm-1 one at >= 0.1 bar, the k-table's at <= 1e-3 bar, blended between: the 1 cm-1
    sampling of the R~100 tables cannot resolve Doppler-limited lines). The normalisation replaces the
    pure-Lorentz far wings of the R~100 tables (CO2 and CH4 windows too opaque by 1e2-1e5; H2O windows
    counting the continuum twice) by the HELIOS-K wings (CO2 sub-Lorentzian, H2O plinth removed for use
    with MT_CKD).
    """
    w = kt["weights"].astype(float)
    kk, band = ktable_on_grid(kt, nu)  # (P, T, G, N)
    kmean = np.einsum("g,ptgn->ptn", w, kk)
    fj = fujii(mol, nu)  # (5, 3, N)
    ratio = fujii_ratio(mol, edges, w)  # (G, N)
    fp = np.log10([p for _, p in FUJII_P_MBAR]) - 3.0
    out = kk.copy()
    has = nu <= 10000.0
    bands = np.unique(band[has])
    for i, lp in enumerate(LOG10P_GRID):
        pc = float(np.clip(lp, fp[0], fp[-1]))
        pi = int(np.clip(np.searchsorted(fp, pc) - 1, 0, fp.size - 2))
        wp = (pc - fp[pi]) / (fp[pi + 1] - fp[pi])
        for j, t in enumerate(T_GRID):
            if t > HOT_K:
                continue  # hot bands fill the cold windows: the k-table's own bands and g-distribution
            tc = float(np.clip(t, FUJII_T[0], FUJII_T[-1]))
            tj = int(np.clip(np.searchsorted(FUJII_T, tc) - 1, 0, 1))
            wt = (tc - FUJII_T[tj]) / (FUJII_T[tj + 1] - FUJII_T[tj])
            sig = (
                fj[pi, tj] * (1 - wp) * (1 - wt)
                + fj[pi, tj + 1] * (1 - wp) * wt
                + fj[pi + 1, tj] * wp * (1 - wt)
                + fj[pi + 1, tj + 1] * wp * wt
            )
            for b in bands:
                m = has & (band == b)
                fbar = float(np.sum(sig[m] * nu[m]) / np.sum(nu[m]))
                if fbar <= 0:
                    continue  # no R~100 structure: the k-table band itself
                scale = kmean[i, j, m][0] / fbar
                # sub-bin distribution: the 1 cm-1 (100 mbar) one at >= 0.1 bar, the k-table's (Doppler
                # cores resolved) at <= 1e-3 bar, geometric blend in log P between
                wk = float(np.clip((-1.0 - lp) / 2.0, 0.0, 1.0))
                spread = ratio[:, m] ** (1 - wk) * (kk[i, j][:, m] / kmean[i, j, m][None, :]) ** wk
                spread /= (w @ spread)[None, :]
                out[i, j][:, m] = (sig[m] * scale)[None, :] * spread
    return out


def _kmean_at(kt: dict[str, np.ndarray], p_bar: float, t: float, nu: np.ndarray) -> np.ndarray:
    wl_edges = kt["wavelengths"].astype(float)
    band = np.clip(np.searchsorted(wl_edges, 1e4 / nu) - 1, 0, wl_edges.size - 2)
    lk, tn, pn = kt["log10k"].astype(float), kt["T"].astype(float), kt["log10P"].astype(float)
    lp = np.log10(p_bar)
    pi = int(np.clip(np.searchsorted(pn, lp) - 1, 0, pn.size - 2))
    fp = float(np.clip((lp - pn[pi]) / (pn[pi + 1] - pn[pi]), 0, 1))
    tj = int(np.clip(np.searchsorted(tn, t) - 1, 0, tn.size - 2))
    ft = float(np.clip((t - tn[tj]) / (tn[tj + 1] - tn[tj]), 0, 1))
    v = (
        lk[:, tj, pi] * (1 - ft) * (1 - fp)
        + lk[:, tj + 1, pi] * ft * (1 - fp)
        + lk[:, tj, pi + 1] * (1 - ft) * fp
        + lk[:, tj + 1, pi + 1] * ft * fp
    )
    return np.asarray((10.0**v) @ kt["weights"].astype(float))[band]


# ---------------------------------------------------------------- line by line (HITRAN .par)
#: Rigid rotor x harmonic oscillator: (B cm-1 or None, rotor exponent, vibrational modes cm-1 with degeneracy)
PARTITION = {
    "O2": (1.4377, 1.0, ((1556.4, 1),)),
    "CO": (1.9313, 1.0, ((2143.3, 1),)),
    "PH3": (None, 1.5, ((2323.0, 1), (992.0, 1), (2328.0, 2), (1118.0, 2))),
}
MASS_AMU = {"O2": 32.0, "CO": 28.0, "PH3": 34.0}
LBL_FILES = {
    "O2": "HITRAN2012_07_hit12.par",
    "CO": "HITRAN2012_05_hit12.par",
    "PH3": "HITRAN2012_28_PH3_hit12.par",
}
LBL_T = np.array([100.0, 200.0, 300.0, 500.0, 1000.0, 2000.0])
LBL_LOG10P = np.array([-4.0, -2.0, 0.0, 2.0])


def q_ratio(mol: str, t: float) -> float:
    """Q(296 K) / Q(T), rigid rotor x harmonic oscillator."""
    b, expo, modes = PARTITION[mol]

    def q(tt: float) -> float:
        rot = (tt ** expo) if b is None else (0.695035 * tt / b + 1.0 / 3.0)
        vib = 1.0
        for w, g in modes:
            vib *= (1.0 - np.exp(-C2 * w / tt)) ** (-g)
        return float(rot * vib)

    return q(296.0) / q(t)


def read_par(path: Path) -> dict[str, np.ndarray]:
    rows = [ln for ln in path.read_text().splitlines() if len(ln) >= 67]
    col = {
        "nu": (3, 15),
        "s": (15, 25),
        "g_air": (35, 40),
        "elow": (45, 55),
        "n_air": (55, 59),
    }
    return {k: np.array([float(r[a:b]) for r in rows]) for k, (a, b) in col.items()}


def lbl_kdist(mol: str, edges: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(len(LBL_LOG10P), len(LBL_T), G, N) k-distribution in cm^2 per molecule."""
    ln = read_par(SHARED / "linelists" / LBL_FILES[mol])
    n_bins = edges.size - 1
    fine_edges = edges[0] * np.exp(np.arange(n_bins * (R_FINE // R) + 1) / R_FINE)
    fine = 0.5 * (fine_edges[1:] + fine_edges[:-1])
    keep = (ln["nu"] > edges[0] - 25) & (ln["nu"] < edges[-1] + 25) & (ln["s"] > 0)
    nu0, s296, gam, elow, nair = (ln[k][keep] for k in ("nu", "s", "g_air", "elow", "n_air"))
    out = np.zeros((LBL_LOG10P.size, LBL_T.size, weights.size, n_bins))
    m_kg = MASS_AMU[mol] * AMU
    for j, t in enumerate(LBL_T):
        s = (
            s296
            * q_ratio(mol, t)
            * np.exp(-C2 * elow * (1.0 / t - 1.0 / 296.0))
            * -np.expm1(-C2 * nu0 / t)
            / -np.expm1(-C2 * nu0 / 296.0)
        )
        strong = s > s.max() * 1e-9
        for i, lp in enumerate(LBL_LOG10P):
            p_atm = 10.0**lp / 1.01325
            gl = gam * p_atm * (296.0 / t) ** nair
            dnu_f = nu0 / R_FINE
            sd = nu0 / C_CM * np.sqrt(K_B * t / m_kg) * 1e2  # Gaussian sigma, cm-1
            sd = np.sqrt(sd**2 + (0.5 * dnu_f) ** 2)  # sub-sample cores broadened to the sampling
            hw = 0.5346 * gl + np.sqrt(0.2166 * gl**2 + (1.1774 * sd) ** 2)
            cut = np.minimum(25.0, 200.0 * hw)
            acc = np.zeros(fine.size)
            sel = np.flatnonzero(strong)
            lo = np.searchsorted(fine, nu0[sel] - cut[sel])
            hi = np.searchsorted(fine, nu0[sel] + cut[sel])
            counts = hi - lo
            for chunk in np.array_split(np.arange(sel.size), max(1, int(counts.sum() // 4_000_000) + 1)):
                c = counts[chunk]
                if c.sum() == 0:
                    continue
                line = np.repeat(sel[chunk], c)
                start = np.repeat(lo[chunk], c)
                offs = np.arange(c.sum()) - np.repeat(np.cumsum(c) - c, c)
                idx = start + offs
                prof = voigt_profile(fine[idx] - nu0[line], sd[line], gl[line])
                acc += np.bincount(idx, weights=s[line] * prof, minlength=fine.size)
            blk = acc.reshape(n_bins, R_FINE // R)
            mean = blk.mean(axis=1)
            out[i, j] = subbin_ratio(blk, weights) * mean[None, :]
        print(f"  {mol} T={t:.0f} K done", flush=True)
    return out


def lbl_on_grid(k: np.ndarray) -> np.ndarray:
    """Interpolate (in log k) from the LBL nodes onto (LOG10P_GRID, T_GRID); Doppler limit below 1e-4 bar."""
    lk = np.log(np.maximum(k, 1e-45))
    out = np.empty((LOG10P_GRID.size, T_GRID.size, *k.shape[2:]))
    for i, lp in enumerate(LOG10P_GRID):
        pc = float(np.clip(lp, LBL_LOG10P[0], LBL_LOG10P[-1]))
        pi = int(np.clip(np.searchsorted(LBL_LOG10P, pc) - 1, 0, LBL_LOG10P.size - 2))
        wp = (pc - LBL_LOG10P[pi]) / (LBL_LOG10P[pi + 1] - LBL_LOG10P[pi])
        for j, t in enumerate(T_GRID):
            tj = int(np.clip(np.searchsorted(LBL_T, t) - 1, 0, LBL_T.size - 2))
            wt = (t - LBL_T[tj]) / (LBL_T[tj + 1] - LBL_T[tj])
            v = (
                lk[pi, tj] * (1 - wp) * (1 - wt)
                + lk[pi, tj + 1] * (1 - wp) * wt
                + lk[pi + 1, tj] * wp * (1 - wt)
                + lk[pi + 1, tj + 1] * wp * wt
            )
            out[i, j] = np.exp(v)
    out[out < 1e-44] = 0.0
    return out


# ---------------------------------------------------------------- UV / visible electronic
UV = ("O3", "O2", "H2O", "CO2", "CH4", "N2O", "NH3", "CO")


def uv_xsec(mol: str, edges: np.ndarray) -> np.ndarray:
    tab = np.loadtxt(SHARED / "uv_photoabsorption" / f"{mol}_cross.csv", delimiter=",", comments="#")
    wn, x = 1e7 / tab[::-1, 0], tab[::-1, 1]
    sub = edges[0] * np.exp((np.arange((edges.size - 1) * 20) + 0.5) / (20 * R))
    v = np.interp(sub, wn, x, left=0.0, right=0.0)
    return np.asarray(v.reshape(edges.size - 1, 20).mean(axis=1))


# ---------------------------------------------------------------- CIA
def hitran_cia_blocks(path: Path) -> list[tuple[float, np.ndarray]]:
    lines = path.read_text().splitlines()
    blocks, i = [], 0
    while i < len(lines):
        head = lines[i].split()
        n, t = int(head[3]), float(head[4])
        tab = np.array([[float(x) for x in ln.split()[:2]] for ln in lines[i + 1 : i + 1 + n]])
        blocks.append((t, tab))
        i += 1 + n
    return blocks


def cia_table(blocks: list[tuple[float, np.ndarray]], edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(T, N) bin-averaged coefficients, linear in T between blocks; (N, 2) measured T range per bin."""
    n = edges.size - 1
    sub = edges[0] * np.exp((np.arange(n * 20) + 0.5) / (20 * R))
    vals, temps = [], []
    for t, tab in blocks:
        inside = (sub >= tab[0, 0]) & (sub <= tab[-1, 0])
        v = np.where(inside, np.interp(sub, tab[:, 0], np.maximum(tab[:, 1], 0.0)), np.nan)
        vals.append(v.reshape(n, 20))
        temps.append(t)
    stack = np.array(vals)  # (B, N, 20)
    tt = np.array(temps)
    out = np.zeros((T_GRID.size, n))
    valid = np.full((n, 2), np.nan)
    for b in range(n):
        cov = ~np.isnan(stack[:, b]).all(axis=1)
        if not cov.any():
            continue
        vb = np.nan_to_num(stack[cov, b]).mean(axis=1)
        tb = tt[cov]
        order = np.argsort(tb)
        tb, vb = tb[order], vb[order]
        out[:, b] = np.interp(T_GRID, tb, vb)
        lo, hi = tb[0], tb[-1]
        margin = SINGLE_T_MARGIN_K if hi - lo < 1.0 else MULTI_T_MARGIN_K
        lo, hi = lo - margin, hi + margin
        valid[b] = (lo, hi)
    return out, valid


def borysow(path: Path, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    text = path.read_text().splitlines()
    tt = np.array([float(x) for x in text[text.index("@TEMPERATURES") + 1].split()])
    data = np.array([[float(x) for x in ln.split()] for ln in text[text.index("@DATA") + 1 :] if ln.strip()])
    n = edges.size - 1
    sub = edges[0] * np.exp((np.arange(n * 20) + 0.5) / (20 * R))
    out = np.zeros((T_GRID.size, n))
    for k, tg in enumerate(T_GRID):
        col = np.array([np.interp(tg, tt, row[1:]) for row in data])
        v = np.interp(sub, data[:, 0], col, left=0.0, right=0.0).reshape(n, 20).mean(axis=1)
        out[k] = v / LOSCHMIDT_CM3**2
    covered = (edges[1:] > data[0, 0]) & (edges[:-1] < data[-1, 0])
    valid = np.where(covered[:, None], np.array([tt[0], tt[-1]])[None, :], np.nan)
    return out, valid


def mt_ckd(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Self (T, N), foreign (T, N) cm^5 molecule^-2 and the (N, 2) temperature range used for flags."""
    d = netCDF4.Dataset(SHARED / "continuum_mtckd" / "absco-ref_wv-mt-ckd.nc")
    wn = np.asarray(d.variables["wavenumbers"][:], float)
    cs = np.asarray(d.variables["self_absco_ref"][:], float)
    cf = np.asarray(d.variables["for_absco_ref"][:], float)
    texp = np.asarray(d.variables["self_texp"][:], float)
    p_ref, t_ref = float(d.variables["ref_press"][()]), float(d.variables["ref_temp"][()])
    d.close()
    n_ref = p_ref * 100.0 / (K_B * t_ref) * 1e-6
    n = edges.size - 1
    sub = edges[0] * np.exp((np.arange(n * 20) + 0.5) / (20 * R))
    s_self = np.zeros((T_GRID.size, n))
    s_for = np.zeros((T_GRID.size, n))
    for k, t in enumerate(T_GRID):
        rad = sub * np.tanh(C2 * sub / (2.0 * t))
        ks = np.interp(sub, wn, cs, right=0.0) * (t_ref / t) ** np.interp(sub, wn, texp) * rad / n_ref
        kf = np.interp(sub, wn, cf, right=0.0) * rad / n_ref
        s_self[k] = ks.reshape(n, 20).mean(axis=1)
        s_for[k] = kf.reshape(n, 20).mean(axis=1)
    valid = np.tile([180.0, 350.0], (n, 1))
    return s_self, s_for, valid


def main() -> int:
    t0 = time.perf_counter()
    nu, edges = grids()
    w = ktable("H2O")["weights"].astype(float)
    k = np.zeros((LOG10P_GRID.size, T_GRID.size, len(SPECIES), w.size, nu.size))
    valid_t = np.zeros((len(SPECIES), 2))
    coarse = np.zeros((len(SPECIES), nu.size), dtype=bool)
    methods = {}
    for s, mol in enumerate(SPECIES):
        print(f"{mol} ...", flush=True)
        if mol in ("H2O", "CO2", "CH4"):
            kt = ktable(mol)
            k[:, :, s] = hybrid(mol, nu, edges, kt)
            valid_t[s] = (float(kt["T"][0]), float(kt["T"][-1]))
            coarse[s] = nu > 10000.0
            methods[mol] = (
                "HELIOS-K HITEMP/HITRAN k-table band means (Wogan photochem_clima_data; 80 bands) "
                "distributed "
                "over R~100 bins by the HITRAN2012 R~100 cross sections (Fujii TOOLBOX, nearest of their "
                "1e-4-1 bar / 200-300 K nodes) with their sub-bin distribution, up to 300 K; above 300 K and "
                "below 1 um the k-table bands themselves (R~5-20, coarse)"
            )
        elif mol in ("O3", "N2O", "NH3"):
            kt = ktable(mol)
            k[:, :, s] = ktable_on_grid(kt, nu)[0]
            valid_t[s] = (float(kt["T"][0]), float(kt["T"][-1]))
            coarse[s] = True
            methods[mol] = (
                "HELIOS-K k-table (HITRAN2016/HITRAN, Wogan photochem_clima_data) resampled from 80 bands "
                "(R~5-20, coarse) to R~100 bins"
            )
        else:
            cache = Path(sys.argv[1]) / f"lbl_{mol}.npy" if len(sys.argv) > 1 else None
            if cache is not None and cache.exists():
                raw = np.load(cache)
            else:
                raw = lbl_kdist(mol, edges, w)
                if cache is not None:
                    np.save(cache, raw)
            k[:, :, s] = lbl_on_grid(raw)
            valid_t[s] = (100.0, 2000.0)
            methods[mol] = (
                "line by line from the HITRAN2012 line list (Voigt, cut-off min(25 cm-1, 200 HWHM), "
                "rigid-rotor x harmonic partition functions, air broadening), k-distribution at R=1e5"
            )
        if mol in UV:
            x = uv_xsec(mol, edges)
            k[:, :, s] += x[None, None, None, :]
            if x.any():
                methods[mol] += "; UV/visible electronic cross section (VULCAN compilation, T-independent)"
    c = SHARED / "cia"
    tabs = [
        cia_table(hitran_cia_blocks(c / "HITRAN_N2-N2_2011.cia"), edges),
        cia_table(hitran_cia_blocks(c / "HITRAN_O2-O2_2018b.cia"), edges),
        cia_table(hitran_cia_blocks(c / "HITRAN_O2-N2_2021.cia"), edges),
        cia_table(hitran_cia_blocks(c / "HITRAN_CO2-CO2_2018.cia"), edges),
        borysow(c / "pyratbay_CIA_Borysow_H2H2_0060-7000K_0.6-500um.dat", edges),
        borysow(c / "pyratbay_CIA_Borysow_H2He_0050-7000K_0.5-031um.dat", edges),
    ]
    s_self, s_for, v_mt = mt_ckd(edges)
    cia = np.stack([t for t, _ in tabs] + [s_self, s_for])
    cia_valid = np.stack([v for _, v in tabs] + [v_mt, v_mt])
    cia_methods = {
        "N2-N2": "HITRAN CIA N2-N2 2011 (Richard et al. 2012; fundamental band Lafferty et al. 1996)",
        "O2-O2": "HITRAN CIA O2-O2 2018b (Karman et al. 2019)",
        "O2-N2": "HITRAN CIA O2-N2 2021 (Karman et al. 2019)",
        "CO2-CO2": "HITRAN CIA CO2-CO2 2018 (Karman et al. 2019)",
        "H2-H2": "Borysow et al. H2-H2 CIA (pyratbay table, 60-7000 K)",
        "H2-He": "Borysow et al. H2-He CIA (pyratbay table, 50-7000 K)",
        "H2O-H2O": "MT_CKD_4.3 water self continuum (AER; Mlawer et al. 2012, 2023)",
        "H2O-air": "MT_CKD_4.3 water foreign continuum (AER), partners N2+O2+Ar",
    }
    kmean = np.einsum("g,ptsgn->sptn", w, k)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT,
        wavenumber_cm1=nu,
        species=np.array(SPECIES),
        pressure_bar=10.0**LOG10P_GRID,
        temperature_k=T_GRID,
        kdist_weight=w,
        kcoeff_cm2=k.astype(np.float32),
        xsec_cm2=kmean.astype(np.float32),
        species_valid_t_k=valid_t,
        coarse=coarse,
        methods=np.array([methods[m] for m in SPECIES]),
        cia_pairs=np.array(CIA),
        cia_temperature_k=T_GRID,
        cia_cm5=cia,
        cia_valid_t_k=cia_valid,
        cia_methods=np.array([cia_methods[p] for p in CIA]),
    )
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
