"""JWST x1d spectra as FITS (astropy, imported lazily), CSV and JSON.

FITS follows the JWST pipeline's x1d layout: a primary HDU and a binary-table extension named
``EXTRACT1D`` with columns ``WAVELENGTH`` (um), ``FLUX`` and ``FLUX_ERROR``. For transit
spectra FLUX carries the transit depth; its ``TUNIT`` decides the scale (``ppm``, ``percent``
or a plain fraction, as ``""``/``"1"``/``"dimensionless"``); other units are refused.
CSV needs a header with ``wavelength_um``, ``depth_ppm``, ``sigma_ppm`` (or the FITS column
names); JSON an object with those three arrays. Every defect raises
:class:`~astrobio.domain.errors.InvalidDataset` or ``InvalidQuantity`` naming the field.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np

from astrobio.application.ports.jwst import SpectrumCodec
from astrobio.domain.errors import InvalidDataset, InvalidQuantity
from astrobio.domain.jwst_spectrum import ObservedSpectrum

#: Largest upload, bytes.
MAX_BYTES = 20 * 1024 * 1024
FORMATS = ("fits", "csv", "json")
_SCALE = {"ppm": 1.0, "percent": 1e4, "%": 1e4, "": 1e6, "1": 1e6, "dimensionless": 1e6}
_ALIASES = {
    "wavelength_um": ("wavelength_um", "wavelength", "WAVELENGTH"),
    "depth_ppm": ("depth_ppm", "flux", "FLUX"),
    "sigma_ppm": ("sigma_ppm", "flux_error", "FLUX_ERROR"),
}


def sniff_format(data: bytes) -> str:
    """``fits`` for a FITS header, ``json`` for a JSON object, otherwise ``csv``."""
    if data[:9] == b"SIMPLE  =":
        return "fits"
    return "json" if data.lstrip()[:1] in (b"{", b"[") else "csv"


class AstropyX1dCodec(SpectrumCodec):
    """Reads and writes :class:`ObservedSpectrum` as x1d FITS, CSV or JSON."""

    def read(self, data: bytes, fmt: str) -> ObservedSpectrum:
        if len(data) > MAX_BYTES:
            raise InvalidDataset(f"file is {len(data)} bytes; the limit is {MAX_BYTES}", field="file")
        if not data:
            raise InvalidDataset("empty file", field="file")
        if fmt not in FORMATS:
            raise InvalidDataset(f"unknown format {fmt!r} (use {', '.join(FORMATS)})", field="format")
        reader = {"fits": self._read_fits, "csv": self._read_csv, "json": self._read_json}[fmt]
        return reader(data)

    def write(self, spectrum: ObservedSpectrum, fmt: str) -> bytes:
        if fmt == "fits":
            return self._write_fits(spectrum)
        if fmt == "csv":
            out = io.StringIO()
            w = csv.writer(out, lineterminator="\n")
            w.writerow(["wavelength_um", "depth_ppm", "sigma_ppm"])
            for row in zip(spectrum.wavelength_um, spectrum.depth_ppm, spectrum.sigma_ppm, strict=True):
                w.writerow([repr(float(v)) for v in row])
            return out.getvalue().encode()
        if fmt == "json":
            return json.dumps(
                {
                    "wavelength_um": spectrum.wavelength_um.tolist(),
                    "depth_ppm": spectrum.depth_ppm.tolist(),
                    "sigma_ppm": spectrum.sigma_ppm.tolist(),
                    "meta": spectrum.meta,
                }
            ).encode()
        raise InvalidDataset(f"unknown format {fmt!r} (use {', '.join(FORMATS)})", field="format")

    @staticmethod
    def _read_fits(data: bytes) -> ObservedSpectrum:
        from astropy.io import fits

        if data[:9] != b"SIMPLE  =":
            raise InvalidDataset("not a FITS file (no SIMPLE card)", field="file")
        try:
            with fits.open(io.BytesIO(data), memmap=False) as hdul:
                if "EXTRACT1D" not in hdul:
                    raise InvalidDataset("no EXTRACT1D extension (not a JWST x1d product)", field="EXTRACT1D")
                hdu = hdul["EXTRACT1D"]
                names = [n.upper() for n in (hdu.columns.names if hdu.columns is not None else [])]
                for col in ("WAVELENGTH", "FLUX", "FLUX_ERROR"):
                    if col not in names:
                        raise InvalidDataset(f"EXTRACT1D has no {col} column", field=col)
                unit = (hdu.columns["FLUX"].unit or "").strip().lower()
                wunit = (hdu.columns["WAVELENGTH"].unit or "um").strip().lower()
                table = hdu.data
                w = np.asarray(table["WAVELENGTH"], dtype=np.float64).ravel()
                f = np.asarray(table["FLUX"], dtype=np.float64).ravel()
                e = np.asarray(table["FLUX_ERROR"], dtype=np.float64).ravel()
                meta = {
                    k: str(hdul[0].header[k])
                    for k in ("TELESCOP", "INSTRUME", "TARGNAME")
                    if k in hdul[0].header
                }
        except InvalidDataset:
            raise
        except Exception as exc:  # astropy raises OSError, ValueError, TypeError, KeyError for bad files
            raise InvalidDataset(f"unreadable FITS file: {exc}", field="file") from exc
        if wunit not in ("um", "micron", "microns"):
            raise InvalidDataset(f"WAVELENGTH unit {wunit!r} is not um", field="WAVELENGTH")
        if unit not in _SCALE:
            raise InvalidDataset(
                f"FLUX unit {unit!r} is not a transit depth (ppm, percent or fraction)", field="FLUX"
            )
        return ObservedSpectrum(
            wavelength_um=w, depth_ppm=f * _SCALE[unit], sigma_ppm=e * _SCALE[unit], meta=meta
        )

    @staticmethod
    def _write_fits(spectrum: ObservedSpectrum) -> bytes:
        from astropy.io import fits

        primary = fits.PrimaryHDU()
        primary.header["TELESCOP"] = "JWST"
        for k, v in spectrum.meta.items():
            if k.upper() in ("INSTRUME", "TARGNAME", "MODEL"):
                primary.header[k.upper()] = str(v)[:60]
        cols = [
            fits.Column(name="WAVELENGTH", format="D", unit="um", array=spectrum.wavelength_um),
            fits.Column(name="FLUX", format="D", unit="ppm", array=spectrum.depth_ppm),
            fits.Column(name="FLUX_ERROR", format="D", unit="ppm", array=spectrum.sigma_ppm),
        ]
        table = fits.BinTableHDU.from_columns(cols, name="EXTRACT1D")
        out = io.BytesIO()
        fits.HDUList([primary, table]).writeto(out)
        return out.getvalue()

    @staticmethod
    def _columns(record: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for field, aliases in _ALIASES.items():
            for a in aliases:
                if a in record:
                    found[field] = record[a]
                    break
            else:
                raise InvalidDataset(f"missing column {field!r}", field=field)
        return found

    def _read_csv(self, data: bytes) -> ObservedSpectrum:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidDataset("CSV is not UTF-8 text (send FITS with format=fits)", field="file") from None
        rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
        if len(rows) < 3:
            raise InvalidDataset("CSV needs a header and at least 2 rows", field="file")
        header = [h.strip() for h in rows[0]]
        cols = self._columns({h: i for i, h in enumerate(header)})
        values: dict[str, list[float]] = {k: [] for k in cols}
        for line, r in enumerate(rows[1:], start=2):
            if len(r) != len(header):
                raise InvalidDataset(
                    f"CSV row {line} has {len(r)} fields, header has {len(header)}", field="file"
                )
            for k, i in cols.items():
                try:
                    values[k].append(float(r[i]))
                except ValueError:
                    raise InvalidQuantity(f"{k} on row {line} is not a number: {r[i]!r}", field=k) from None
        return ObservedSpectrum(
            wavelength_um=np.asarray(values["wavelength_um"]),
            depth_ppm=np.asarray(values["depth_ppm"]),
            sigma_ppm=np.asarray(values["sigma_ppm"]),
        )

    def _read_json(self, data: bytes) -> ObservedSpectrum:
        try:
            doc = json.loads(data)
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidDataset(f"malformed JSON: {exc}", field="file") from None
        if not isinstance(doc, dict):
            raise InvalidDataset("JSON spectrum must be an object of arrays", field="file")
        cols = self._columns(doc)
        for k, v in cols.items():
            if not isinstance(v, list) or any(x is not None and not isinstance(x, int | float) for x in v):
                raise InvalidQuantity(f"{k} must be an array of numbers", field=k)
            cols[k] = [np.nan if x is None else x for x in v]
        raw_meta = doc.get("meta")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        return ObservedSpectrum(
            wavelength_um=np.asarray(cols["wavelength_um"], dtype=np.float64),
            depth_ppm=np.asarray(cols["depth_ppm"], dtype=np.float64),
            sigma_ppm=np.asarray(cols["sigma_ppm"], dtype=np.float64),
            meta={str(k): str(v) for k, v in meta.items()},
        )
