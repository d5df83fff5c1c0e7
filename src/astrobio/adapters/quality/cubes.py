"""Quality of a climate cube (an ``xarray.Dataset`` with CF names), with xarray-native checks.

* validity: physical ranges of known variables (temperatures 20-1000 K, fractions in [0, 1],
  non-negative precipitation and fluxes) and their units;
* completeness: 1 - NaN fraction over every variable;
* consistency: global energy balance at the top of the atmosphere, the area-weighted
  (cos latitude) time mean of absorbed shortwave ``rst`` against outgoing longwave ``rlut``
  (score 1 within 5 %, minus the excess beyond; a WARNING, since runs still spinning up are
  legitimately out of balance);
* signal-to-noise: time mean over temporal standard deviation of the global-mean ``ts``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from astrobio.application.ports.governance import QualityValidator
from astrobio.domain.quality import QualityIssue, QualityMetrics, QualityReport, Severity

#: variable -> (low, high, expected units)
CUBE_RANGES: dict[str, tuple[float, float, str]] = {
    "ts": (20.0, 1000.0, "K"),
    "tas": (20.0, 1000.0, "K"),
    "ta": (20.0, 1000.0, "K"),
    "clt": (0.0, 1.0, "1"),
    "alb": (0.0, 1.0, "1"),
    "sic": (0.0, 1.0, "1"),
    "cl": (0.0, 1.0, "1"),
    "pr": (0.0, 1e-2, "m s-1"),
    "prw": (0.0, 1e4, "kg m-2"),
    "hus": (0.0, 1.0, "1"),
    "rst": (-1.0, 1e5, "W m-2"),
    "ps": (1e-3, 1e6, "hPa"),
}
ENERGY_TOLERANCE = 0.05  # |ASR - OLR| / ASR within 5 %: in equilibrium
#: Spellings of the same unit (CF / UDUNITS accept both).
UNIT_ALIASES = {
    "kg/kg": "1",
    "kg kg-1": "1",
    "kg kg**-1": "1",
    "w/m2": "W m-2",
    "w m-2": "W m-2",
    "w m**-2": "W m-2",
    "m/s": "m s-1",
    "kg/m2": "kg m-2",
    "fraction": "1",
    "0-1": "1",
    "": "1",
}


def _global_mean(da: Any) -> Any:
    weights = np.cos(np.deg2rad(da["lat"]))
    return da.weighted(weights).mean(("lat", "lon"))


class ClimateCubeValidator(QualityValidator):
    kind = "climate_cube"

    def validate(self, subject: str, data: Any) -> QualityReport:
        import xarray as xr

        ds: xr.Dataset = data if isinstance(data, xr.Dataset) else xr.open_dataset(data)
        issues: list[QualityIssue] = []
        nan_cells = total = bad_cells = checked = 0
        for name, da in ds.data_vars.items():
            values = np.asarray(da.values, dtype=float)
            nan = int(np.isnan(values).sum())
            nan_cells, total = nan_cells + nan, total + values.size
            if nan:
                issues.append(
                    QualityIssue(
                        severity=Severity.WARNING if nan < values.size else Severity.ERROR,
                        code="nan",
                        field=str(name),
                        count=nan,
                        message=f"{name}: {nan / values.size:.1%} NaN",
                    )
                )
            if name in CUBE_RANGES:
                lo, hi, units = CUBE_RANGES[str(name)]
                finite = values[np.isfinite(values)]
                out = int(np.sum((finite < lo) | (finite > hi)))
                bad_cells, checked = bad_cells + out, checked + finite.size
                if out:
                    issues.append(
                        QualityIssue(
                            severity=Severity.ERROR if out > 0.05 * finite.size else Severity.WARNING,
                            code="out_of_range",
                            field=str(name),
                            count=out,
                            message=f"{name}: {out} values outside [{lo:g}, {hi:g}] {units}",
                        )
                    )
                got = str(da.attrs.get("units", "")).strip()
                if got and UNIT_ALIASES.get(got.lower(), got) != units:
                    issues.append(
                        QualityIssue(
                            severity=Severity.WARNING,
                            code="units",
                            field=str(name),
                            message=f"{name}: units {got!r}, expected {units!r}",
                        )
                    )
        consistency = 1.0
        details: dict[str, float] = {}
        if {"rst", "rlut"} <= set(ds.data_vars) and "lat" in ds.dims:
            asr = float(_global_mean(ds["rst"]).mean())
            olr = abs(float(_global_mean(ds["rlut"]).mean()))
            rel = abs(asr - olr) / max(abs(asr), 1e-9)
            details.update(asr_w_m2=asr, olr_w_m2=olr, toa_imbalance_fraction=rel)
            consistency = float(np.clip(1.0 - max(rel - ENERGY_TOLERANCE, 0.0), 0.0, 1.0))
            if rel > ENERGY_TOLERANCE:
                # A run still spinning up is out of balance: worth knowing, not a data defect.
                issues.append(
                    QualityIssue(
                        severity=Severity.WARNING,
                        code="energy_balance",
                        message=f"TOA imbalance {rel:.1%}: absorbed SW {asr:.1f} vs OLR {olr:.1f} W m-2",
                    )
                )
        else:
            issues.append(
                QualityIssue(
                    severity=Severity.INFO,
                    code="energy_balance_unchecked",
                    message="no rst and rlut: energy balance not checked",
                )
            )
        snr = None
        if "ts" in ds.data_vars and "time" in ds["ts"].dims and ds.sizes.get("time", 0) > 1:
            series = np.asarray(_global_mean(ds["ts"]).values, dtype=float)
            sd = float(np.nanstd(series))
            snr = float(np.nanmean(series) / sd) if sd > 0 else None
            if snr is not None:
                details["ts_global_mean_k"] = float(np.nanmean(series))
        metrics = QualityMetrics(
            completeness=1.0 - nan_cells / max(total, 1),
            validity=1.0 - bad_cells / max(checked, 1),
            consistency=consistency,
            uniqueness=1.0,
            timeliness=1.0,
            outlier_fraction=0.0,
            snr=snr,
        )
        return QualityReport(
            kind=self.kind,
            subject=subject,
            metrics=metrics,
            issues=tuple(issues),
            rows=int(ds.sizes.get("time", 0)),
            created_at=datetime.now(UTC),
            validator=type(self).__name__,
            details=details,
        )


def cube_entries(ds: Any) -> list[Any]:
    """Manifest entries of a cube: SHA-256 of each variable's values (C order, its dtype, little
    endian), shape, dtype, summary statistics and attributes."""
    import hashlib

    from astrobio.domain.dataset_version import ManifestEntry

    out = []
    for name in sorted(map(str, ds.data_vars)):
        da = ds[name]
        values = np.ascontiguousarray(da.values)
        le = values.astype(values.dtype.newbyteorder("<"), copy=False)
        digest = hashlib.sha256(le.tobytes()).hexdigest()
        finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values.ravel()
        stats = {"nan_fraction": float(1.0 - finite.size / max(values.size, 1))}
        if finite.size:
            stats.update(
                mean=float(finite.mean()),
                min=float(finite.min()),
                max=float(finite.max()),
                std=float(finite.std()),
            )
        attrs = {
            "dims": ",".join(map(str, da.dims)),
            **{k: str(v) for k, v in da.attrs.items() if k in {"units", "standard_name", "long_name"}},
        }
        out.append(
            ManifestEntry(
                name=name,
                sha256=digest,
                size_bytes=int(values.nbytes),
                kind="array",
                shape=tuple(values.shape),
                dtype=str(values.dtype),
                stats=stats,
                attrs=attrs,
            )
        )
    return out


class XarrayCubeInspector:
    """Opens NetCDF sources with xarray (several files combined by coordinates) for the gate."""

    def __init__(self, validator: ClimateCubeValidator | None = None) -> None:
        self._validator = validator or ClimateCubeValidator()

    def inspect(self, sources: Any, subject: str) -> tuple[QualityReport, tuple[Any, ...]]:
        import xarray as xr

        from astrobio.domain.errors import InvalidDataset

        paths = [str(s) for s in sources]
        try:
            ds = (
                xr.open_dataset(paths[0])
                if len(paths) == 1
                else xr.open_mfdataset(paths, combine="by_coords")
            ).load()
        except (OSError, ValueError, TypeError, KeyError) as exc:
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            where = paths[0] if len(paths) == 1 else paths
            raise InvalidDataset(f"{where}: cannot be read as a cube: {why}", field="sources") from exc
        try:
            return self._validator.validate(subject, ds), tuple(cube_entries(ds))
        finally:
            ds.close()
