"""The pipeline's HTML report: ranked table, spectra of the top targets, Teff-instellation HZ diagram.

One self-contained page (plots are inline base64 PNGs from matplotlib's Agg backend, imported here
only), written atomically (temporary file in the same directory, then ``os.replace``).
"""

from __future__ import annotations

import base64
import html
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from astrobio.application.ports.pipeline import ReportWriter
from astrobio.domain.biosignature_ranking import Verdict
from astrobio.domain.habitability import HzLimit, effective_flux
from astrobio.domain.pipeline_run import PipelineRun, PlanetResult

SPECTRA_SHOWN = 5
#: Spectra are binned onto this many log-spaced bins per plot for readability.
PLOT_BINS = 60


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _binned(wl: np.ndarray, y: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    idx = np.digitize(wl, edges) - 1
    centres, means = [], []
    for i in range(len(edges) - 1):
        sel = idx == i
        if np.any(sel):
            centres.append(float(np.sqrt(edges[i] * edges[i + 1])))
            means.append(float(np.mean(y[sel])))
    return np.asarray(centres), np.asarray(means)


def spectra_figure(results: Sequence[PlanetResult]) -> str:
    """One panel per top target: transit depth with binned 1-sigma JWST error bars.

    The noise is the best mode's at the run's number of transits.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [r for r in results if r.stages.get("spectrum")][:SPECTRA_SHOWN]
    fig, axes = plt.subplots(
        max(len(shown), 1), 1, figsize=(9, 2.2 * max(len(shown), 1)), sharex=True, squeeze=False
    )
    for ax, r in zip(axes[:, 0], shown, strict=False):
        spec, noise = r.stages["spectrum"], r.stages.get("detectability", {}).get("noise", {})
        wl, depth = np.asarray(spec["wavelength_um"]), np.asarray(spec["transit_depth_ppm"])
        ax.plot(wl, depth, lw=0.8, color="tab:blue", label="model")
        if noise.get("wavelength_um"):
            nwl, sig = np.asarray(noise["wavelength_um"]), np.asarray(noise["sigma_ppm"])
            edges = np.geomspace(nwl.min(), nwl.max() * 1.0001, PLOT_BINS)
            c, d = _binned(nwl, np.interp(nwl, wl, depth), edges)
            _, var = _binned(nwl, sig**2, edges)
            counts = np.histogram(nwl, edges)[0]
            # The noise of a bin mean: sqrt(mean sigma^2 / n).
            ax.errorbar(
                c,
                d,
                yerr=np.sqrt(var / counts[counts > 0]),
                fmt="o",
                ms=2,
                color="tab:red",
                elinewidth=0.7,
                label=f"{noise.get('mode')}, 1-sigma",
            )
        ax.set_ylabel("depth (ppm)")
        ax.set_title(r.planet_name, fontsize=9, loc="left")
        ax.legend(fontsize=7, loc="upper right")
    axes[-1, 0].set_xscale("log")
    axes[-1, 0].set_xlabel("wavelength (um)")
    out = _png(fig)
    plt.close(fig)
    return out


def hz_figure(results: Sequence[PlanetResult]) -> str:
    """Every assessed planet on a Teff-instellation plane with the Kopparapu et al. (2014) HZ limits."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    teff = np.linspace(2600.0, 7200.0, 100)
    for limit, style in (
        (HzLimit.RECENT_VENUS, ":"),
        (HzLimit.RUNAWAY_GREENHOUSE_1_ME, "-"),
        (HzLimit.MAXIMUM_GREENHOUSE, "-"),
        (HzLimit.EARLY_MARS, ":"),
    ):
        ax.plot([effective_flux(limit, t) for t in teff], teff, style, color="green", lw=1)
    groups: dict[str, tuple[list[float], list[float]]] = {
        "screened": ([], []),
        "modelled": ([], []),
        "top": ([], []),
    }
    ranked = [r for r in results if r.verdict is Verdict.MODELLED]
    top = {r.planet_name for r in ranked[:10]}
    for r in results:
        s, t = r.summary.get("insolation_earth"), r.summary.get("teff_k")
        if s is None or t is None or s <= 0:
            continue
        key = "top" if r.planet_name in top else "modelled" if r.verdict is Verdict.MODELLED else "screened"
        groups[key][0].append(s)
        groups[key][1].append(t)
    ax.scatter(*groups["screened"], s=3, color="0.75", label="screened out")
    ax.scatter(*groups["modelled"], s=8, color="tab:blue", label="modelled")
    ax.scatter(*groups["top"], s=30, color="tab:red", marker="*", label="top 10")
    ax.set_xscale("log")
    ax.set_xlim(1e3, 1e-2)
    ax.set_ylim(2300, 7500)
    ax.set_xlabel("instellation (S_earth)")
    ax.set_ylabel("stellar Teff (K)")
    ax.set_title("Planets and the habitable zone (solid: conservative, dotted: optimistic)")
    ax.legend(fontsize=8, loc="upper left")
    out = _png(fig)
    plt.close(fig)
    return out


def _cell(x: Any) -> str:
    if x is None:
        return "&ndash;"
    if isinstance(x, float):
        return f"{x:.3g}"
    return html.escape(str(x))


def _interval(summary: dict[str, Any]) -> str:
    med, lo, hi = (summary.get(k) for k in ("potential_median", "potential_p16", "potential_p84"))
    if med is None or lo is None or hi is None:
        return "—"
    return f"{float(med):.3g} [{float(lo):.3g}, {float(hi):.3g}]"


def _biosphere_limit(metabolism: dict[str, Any]) -> str:
    """The atmospheric state (oxic / anoxic) and what limits the biosphere's CH4 flux (docs/metabolism.md)."""
    state = (metabolism.get("atmosphere_state") or {}).get("state", "")
    limit = (metabolism.get("limits") or {}).get("ch4", "")
    return "; ".join(x for x in (state, limit) if x)


def render(run: PipelineRun, results: Sequence[PlanetResult], *, top: int) -> str:
    ranked = [r for r in results if r.verdict is Verdict.MODELLED][:top]
    failures = [r for r in results if r.verdict is Verdict.FAILED]
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    rows = []
    for i, r in enumerate(ranked, 1):
        best = r.stages.get("detectability", {}).get("best", {})
        clim = r.stages.get("climate", {})
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{_cell(v)}</td>"
                for v in (
                    i,
                    r.planet_name,
                    r.potential,
                    _interval(r.summary),
                    r.summary.get("p_top10"),
                    r.summary.get("p_habitable"),
                    r.habitability,
                    r.detectability,
                    r.summary.get("planet_class"),
                    r.summary.get("radius_earth"),
                    r.summary.get("insolation_earth"),
                    clim.get("ts_k"),
                    clim.get("ts_sigma_k"),
                    best.get("gas"),
                    best.get("mode"),
                    best.get("snr"),
                    best.get("transits"),
                    _biosphere_limit(r.stages.get("metabolism", {})),
                )
            )
            + "</tr>"
        )
    head = (
        "#",
        "planet",
        "E[potential]",
        "median [16-84 %]",
        "P(top 10)",
        "P(habitable)",
        "habitability (nominal)",
        "detectability (nominal)",
        "class",
        "R (R_earth)",
        "S (S_earth)",
        "Ts (K)",
        "sigma Ts (K)",
        "best gas",
        "mode",
        "SNR",
        "transits to 5 sigma",
        "atmosphere; CH4 limited by",
    )
    fails = "".join(f"<li>{html.escape(r.planet_name)}: {html.escape(r.error or '')}</li>" for r in failures)
    prov = "".join(
        f"<li><b>{html.escape(str(k))}</b>: {_prov_value(v)}</li>" for k, v in run.provenance.items()
    )
    count_text = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>astrobio pipeline report {html.escape(run.id)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;font-size:13px}}th{{background:#eee}}</style></head>
<body>
<h1>Biosignature targets</h1>
<p id="run">Run <code>{html.escape(run.id)}</code>, status {run.status.value}, {run.n_done} of {run.n_planets}
planets ({html.escape(count_text)}).</p>
<p>Potential = habitability &times; detectability. Habitability is a gate: P(a surface: rocky or
water-rich, from mass and radius against the Zeng et al. composition curves) &times;
P(273.15 K &le; T<sub>s</sub> &le; boiling), and 0 above the mass-dependent runaway-greenhouse limit
(Kopparapu et al. 2014).
Detectability is the best biogenic-gas (O2, O3, CH4, N2O) feature SNR over 5 in a mode the star does not
saturate, at the transits a programme can co-add (cap and JWST field-of-regard windows), capped at 1.
E[potential] is the mean over the Monte Carlo draws of the catalog's error columns and the models'
errors; the interval is the 16th-84th percentile; P(top 10) the share of draws in which the planet
ranks among the first ten.</p>
<h2>Ranked targets</h2>
<table id="ranking"><thead><tr>{"".join(f"<th>{h}</th>" for h in head)}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Spectra of the top targets</h2>
<img id="spectra" alt="transmission spectra with error bars"
 src="data:image/png;base64,{spectra_figure(ranked)}">
<h2>Habitable-zone diagram</h2>
<img id="hz" alt="Teff versus instellation with HZ limits" src="data:image/png;base64,{hz_figure(results)}">
<h2>Failures</h2><ul id="failures">{fails or "<li>none</li>"}</ul>
<h2>Provenance</h2><ul id="provenance">{prov}</ul>
</body></html>
"""


def _prov_value(value: Any) -> str:
    """A provenance value as HTML: lists (models, dataset versions) and mappings as nested lists."""
    if isinstance(value, dict):
        items = "".join(f"<li>{html.escape(str(k))}: {_prov_value(v)}</li>" for k, v in value.items())
        return f"<ul>{items}</ul>"
    if isinstance(value, list | tuple):
        if not value:
            return "none"
        return "<ul>" + "".join(f"<li>{_prov_value(v)}</li>" for v in value) + "</ul>"
    return "—" if value is None else html.escape(str(value))


class HtmlReportWriter(ReportWriter):
    def write(self, run: PipelineRun, results: Sequence[PlanetResult], path: str, *, top: int) -> str:
        target = Path(path).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        text = render(run, results, top=top)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return str(target)
