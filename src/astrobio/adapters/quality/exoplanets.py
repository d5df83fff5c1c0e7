"""Quality of an exoplanet table (a :class:`~astrobio.domain.catalog.CatalogSnapshot`).

* validity: physical ranges with pandera (a radius above 30 R_earth or a period in years read as
  days is how the archive's past unit mix-ups show up);
* consistency: mass-radius within 3 sigma of Chen & Kipping (2017, ApJ 834, 17) forecaster
  relation; Kepler's third law a^3 = M_star P^2 within a factor 1.5; L = R^2 (Teff / 5772 K)^4
  within a factor 1.5 where a luminosity is given (the insolation check S = L / a^2 relies on it);
* uniqueness (planet names), completeness of the core fields, timeliness (snapshot age),
  outliers (IQR, z-score on log quantities; IsolationForest reported for inspection).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import numpy as np

from astrobio.application.ports.governance import QualityValidator
from astrobio.domain.catalog import CatalogSnapshot
from astrobio.domain.planet import Planet
from astrobio.domain.quality import QualityIssue, QualityMetrics, QualityReport, Severity

CORE_FIELDS = (
    "radius_earth",
    "mass_earth",
    "orbital_period_days",
    "semi_major_axis_au",
    "star_teff_k",
    "star_radius_sun",
    "star_mass_sun",
    "distance_pc",
)
#: (low, high) physical/unit-sanity ranges, exclusive of anything outside.
RANGES: dict[str, tuple[float, float]] = {
    "radius_earth": (0.1, 30.0),
    "mass_earth": (1e-4, 25_426.0),  # up to 80 M_jup
    "orbital_period_days": (0.05, 1e9),
    "semi_major_axis_au": (1e-3, 1e4),
    "eccentricity": (0.0, 0.9999),
    "star_teff_k": (300.0, 60_000.0),
    "star_radius_sun": (0.005, 200.0),
    "star_mass_sun": (0.01, 100.0),
    "distance_pc": (0.5, 50_000.0),
}
#: Chen & Kipping (2017) Table 1: transition masses (M_earth), slopes, log-R scatter; Terran C = 0.00346.
CK_TRANSITIONS = (2.04, 0.414 * 317.828, 0.0800 * 332_946.0)
CK_SLOPES = (0.2790, 0.589, -0.044)
CK_SCATTER_DEX = (0.0403, 0.146, 0.0737)
CK_C0 = 0.00346
UNIT_MIXUP_SHARE = 0.05  # a field out of range in more rows than this is an ERROR
KEPLER_ERROR_SHARE = 0.10


def chen_kipping_log_radius(mass_earth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Predicted log10 R (R_earth) and its intrinsic scatter (dex) for masses in M_earth."""
    logm = np.log10(mass_earth)
    t1, t2 = np.log10(CK_TRANSITIONS[0]), np.log10(CK_TRANSITIONS[1])
    c1 = CK_C0
    c2 = c1 + (CK_SLOPES[0] - CK_SLOPES[1]) * t1
    c3 = c2 + (CK_SLOPES[1] - CK_SLOPES[2]) * t2
    pred = np.where(
        logm < t1,
        c1 + CK_SLOPES[0] * logm,
        np.where(logm < t2, c2 + CK_SLOPES[1] * logm, c3 + CK_SLOPES[2] * logm),
    )
    sigma = np.where(logm < t1, CK_SCATTER_DEX[0], np.where(logm < t2, CK_SCATTER_DEX[1], CK_SCATTER_DEX[2]))
    return pred, sigma


def _columns(planets: tuple[Planet, ...]) -> dict[str, np.ndarray]:
    def col(get: Any) -> np.ndarray:
        return np.array([np.nan if (v := get(p)) is None else float(v) for p in planets], dtype=float)

    return {
        "radius_earth": col(lambda p: p.radius_earth),
        "mass_earth": col(lambda p: p.mass_earth),
        "mass_is_minimum": np.array([p.mass_is_minimum for p in planets], dtype=bool),
        "orbital_period_days": col(lambda p: p.orbital_period_days),
        "semi_major_axis_au": col(lambda p: p.semi_major_axis_au),
        "eccentricity": col(lambda p: p.eccentricity),
        "star_teff_k": col(lambda p: p.star.teff_k),
        "star_radius_sun": col(lambda p: p.star.radius_sun),
        "star_mass_sun": col(lambda p: p.star.mass_sun),
        "star_luminosity_sun": col(lambda p: p.star.luminosity_sun),
        "distance_pc": col(lambda p: p.star.distance_pc),
        "discovery_year": col(lambda p: p.discovery_year),
    }


def _range_failures(cols: dict[str, np.ndarray]) -> dict[str, int]:
    """Out-of-range cell counts per field, checked with a pandera schema."""
    import pandas as pd
    import pandera.pandas as pa

    frame = pd.DataFrame({k: cols[k] for k in RANGES})
    schema = pa.DataFrameSchema(
        {k: pa.Column(float, pa.Check.in_range(lo, hi), nullable=True) for k, (lo, hi) in RANGES.items()}
    )
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["check"].astype(str).str.startswith("in_range")]
        return {str(k): int(v) for k, v in cases.groupby("column").size().items()}
    return {}


def _snapshot_date(source: str) -> datetime | None:
    m = re.search(r"(20\d\d)-(0[1-9]|1[0-2])(?:-(\d\d))?", source)
    if m is None:
        return None
    return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1), tzinfo=UTC)


def _outliers(cols: dict[str, np.ndarray]) -> tuple[np.ndarray, int]:
    """Rows flagged by IQR (3 x IQR) or |z| > 4 on log quantities; IsolationForest count."""
    fields = ("radius_earth", "mass_earth", "orbital_period_days", "star_teff_k", "distance_pc")
    n = len(cols["radius_earth"])
    flagged = np.zeros(n, dtype=bool)
    logs = {}
    for f in fields:
        x = cols[f]
        ok = np.isfinite(x) & (x > 0)
        if ok.sum() < 10:
            continue
        lx = np.full(n, np.nan)
        lx[ok] = np.log10(x[ok])
        logs[f] = lx
        q1, q3 = np.nanpercentile(lx, [25, 75])
        iqr = q3 - q1
        z = (lx - np.nanmean(lx)) / (np.nanstd(lx) or 1.0)
        with np.errstate(invalid="ignore"):
            flagged |= ok & ((lx < q1 - 3 * iqr) | (lx > q3 + 3 * iqr) | (np.abs(z) > 4))
    forest = 0
    keys = [f for f in ("radius_earth", "orbital_period_days", "star_teff_k") if f in logs]
    if len(keys) == 3:
        x = np.column_stack([logs[k] for k in keys])
        ok = np.all(np.isfinite(x), axis=1)
        if ok.sum() >= 50:
            from sklearn.ensemble import IsolationForest

            model = IsolationForest(n_estimators=100, contamination=0.01, random_state=0)
            forest = int((model.fit_predict(x[ok]) == -1).sum())
    return flagged, forest


class ExoplanetTableValidator(QualityValidator):
    kind = "exoplanet_table"

    def __init__(self, now: Any = None) -> None:
        self._now = now or (lambda: datetime.now(UTC))

    def validate(self, subject: str, data: Any) -> QualityReport:
        snapshot: CatalogSnapshot = data
        planets = snapshot.planets
        n = len(planets)
        issues: list[QualityIssue] = []
        now = self._now()
        if n == 0:
            issues.append(
                QualityIssue(severity=Severity.ERROR, code="empty", message="the table has no rows")
            )
            metrics = QualityMetrics(
                completeness=0.0,
                validity=0.0,
                consistency=0.0,
                uniqueness=0.0,
                timeliness=0.0,
                outlier_fraction=0.0,
            )
            return QualityReport(
                kind=self.kind,
                subject=subject,
                metrics=metrics,
                issues=tuple(issues),
                created_at=now,
                validator=type(self).__name__,
            )
        cols = _columns(planets)
        # completeness and validity
        present = {f: np.isfinite(cols[f]) for f in CORE_FIELDS}
        completeness = float(np.mean([present[f].mean() for f in CORE_FIELDS]))
        for f in CORE_FIELDS:
            missing = int((~present[f]).sum())
            if missing:
                issues.append(
                    QualityIssue(
                        severity=Severity.INFO,
                        code="missing",
                        field=f,
                        count=missing,
                        message=f"{missing} of {n} rows have no {f}",
                    )
                )
        failures = _range_failures(cols)
        checked = sum(int(np.isfinite(cols[f]).sum()) for f in RANGES)
        validity = 1.0 - sum(failures.values()) / max(checked, 1)
        for f, k in sorted(failures.items()):
            severe = k > UNIT_MIXUP_SHARE * n
            lo, hi = RANGES[f]
            issues.append(
                QualityIssue(
                    severity=Severity.ERROR if severe else Severity.WARNING,
                    code="out_of_range",
                    field=f,
                    count=k,
                    message=f"{k} rows have {f} outside [{lo:g}, {hi:g}]"
                    + ("; unit mix-up?" if severe else ""),
                )
            )
        if snapshot.rejected:
            issues.append(
                QualityIssue(
                    severity=Severity.WARNING,
                    code="rejected_rows",
                    count=len(snapshot.rejected),
                    message=f"{len(snapshot.rejected)} source rows rejected by the parser",
                )
            )
        consistency, cons_issues = _consistency(cols, n)
        issues += cons_issues
        # uniqueness
        names = [p.name.casefold() for p in planets]
        dups = n - len(set(names))
        if dups:
            issues.append(
                QualityIssue(
                    severity=Severity.ERROR,
                    code="duplicate_key",
                    field="name",
                    count=dups,
                    message=f"{dups} duplicate planet names",
                )
            )
        # timeliness: full marks within a year, none after five
        taken = _snapshot_date(snapshot.source)
        if taken is None:
            timeliness = 1.0
            issues.append(
                QualityIssue(
                    severity=Severity.INFO,
                    code="timeliness_unknown",
                    message="snapshot date unknown (no YYYY-MM in the source name)",
                )
            )
        else:
            age_years = max((now - taken).days, 0) / 365.25
            timeliness = float(np.clip(1.0 - (age_years - 1.0) / 4.0, 0.0, 1.0))
        future = int(np.sum(cols["discovery_year"] > now.year))
        if future:
            issues.append(
                QualityIssue(
                    severity=Severity.WARNING,
                    code="future_date",
                    field="discovery_year",
                    count=future,
                    message=f"{future} discovery years in the future",
                )
            )
        flagged, forest = _outliers(cols)
        if flagged.any():
            issues.append(
                QualityIssue(
                    severity=Severity.INFO,
                    code="outlier",
                    count=int(flagged.sum()),
                    message=f"{int(flagged.sum())} rows are IQR / z-score outliers (log scale)",
                )
            )
        if forest:
            issues.append(
                QualityIssue(
                    severity=Severity.INFO,
                    code="isolation_forest",
                    count=forest,
                    message=f"IsolationForest isolates {forest} rows (R, P, Teff)",
                )
            )
        issues.append(
            QualityIssue(
                severity=Severity.INFO,
                code="no_uncertainties",
                count=0,
                message="the table carries no uncertainties",
            )
        )
        metrics = QualityMetrics(
            completeness=completeness,
            validity=validity,
            consistency=consistency,
            uniqueness=1.0 - dups / n,
            timeliness=timeliness,
            outlier_fraction=float(flagged.mean()),
            uncertainty_coverage=0.0,
        )
        return QualityReport(
            kind=self.kind,
            subject=subject,
            metrics=metrics,
            issues=tuple(issues),
            rows=n,
            created_at=now,
            validator=type(self).__name__,
            details={"isolation_forest_outliers": float(forest)},
        )


def _consistency(cols: dict[str, np.ndarray], n: int) -> tuple[float, list[QualityIssue]]:
    issues: list[QualityIssue] = []
    checks = fails = 0
    r, m = cols["radius_earth"], cols["mass_earth"]
    ok = (
        np.isfinite(r)
        & np.isfinite(m)
        & (r > 0)
        & (m > 0)
        & ~cols["mass_is_minimum"]
        & (m < CK_TRANSITIONS[2])
    )
    if ok.any():
        pred, sigma = chen_kipping_log_radius(m[ok])
        bad = int(np.sum(np.abs(np.log10(r[ok]) - pred) > 3 * sigma))
        checks, fails = checks + int(ok.sum()), fails + bad
        if bad:
            issues.append(
                QualityIssue(
                    severity=Severity.WARNING,
                    code="mass_radius",
                    count=bad,
                    field="radius_earth",
                    message=f"{bad} planets lie > 3 sigma from the "
                    "Chen & Kipping (2017) mass-radius relation",
                )
            )
    a, p, ms = cols["semi_major_axis_au"], cols["orbital_period_days"], cols["star_mass_sun"]
    ok = np.isfinite(a) & np.isfinite(p) & np.isfinite(ms) & (a > 0) & (p > 0) & (ms > 0)
    if ok.any():
        a_kepler = np.cbrt(ms[ok] * (p[ok] / 365.25) ** 2)
        bad = int(np.sum(np.abs(np.log10(a[ok] / a_kepler)) > np.log10(1.5)))
        checks, fails = checks + int(ok.sum()), fails + bad
        if bad:
            severe = bad > KEPLER_ERROR_SHARE * ok.sum()
            issues.append(
                QualityIssue(
                    severity=Severity.ERROR if severe else Severity.WARNING,
                    code="kepler",
                    field="semi_major_axis_au",
                    count=bad,
                    message=f"{bad} planets break Kepler's third law by > x1.5 "
                    "(period or axis in the wrong unit?)",
                )
            )
    lum, rs, t = cols["star_luminosity_sun"], cols["star_radius_sun"], cols["star_teff_k"]
    ok = np.isfinite(lum) & np.isfinite(rs) & np.isfinite(t) & (lum > 0)
    if ok.any():
        bad = int(np.sum(np.abs(np.log10(lum[ok] / (rs[ok] ** 2 * (t[ok] / 5772.0) ** 4))) > np.log10(1.5)))
        checks, fails = checks + int(ok.sum()), fails + bad
        if bad:
            issues.append(
                QualityIssue(
                    severity=Severity.WARNING,
                    code="luminosity",
                    field="star_luminosity_sun",
                    count=bad,
                    message=f"{bad} hosts have L far from R^2 (Teff/5772 K)^4",
                )
            )
    return (1.0 - fails / checks if checks else 1.0), issues
