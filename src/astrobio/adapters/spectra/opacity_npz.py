"""Load the bundled opacity tables (``data/opacity/spectra_opacity_r100.npz``)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from astrobio.application.ports.spectra import OpacitySource
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.spectrum import OpacityTables

SOURCE = (
    "HITRAN2012 cross sections (Fujii TOOLBOX, R~100) for H2O/CO2/CH4; O2/CO bin-mean from HITRAN2012 "
    "line lists; O3 visible from VULCAN; CIA HITRAN 2018 (N2-N2, O2-O2) and Borysow (H2-H2, H2-He)"
)


@lru_cache(maxsize=4)
def _load(path: str) -> OpacityTables:
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        with np.load(path) as d:
            return OpacityTables(
                wavenumber_cm1=d["wavenumber_cm1"],
                species=tuple(str(s) for s in d["species"]),
                pressure_bar=d["pressure_bar"],
                temperature_k=d["temperature_k"],
                xsec_cm2=d["xsec_cm2"],
                cia_pairs=tuple(str(s) for s in d["cia_pairs"]),
                cia_temperature_k=d["cia_temperature_k"],
                cia_cm5=d["cia_cm5"],
                kdist_weight=d["kdist_weight"],
                kdist_ratio=d["kdist_ratio"],
                source=f"{SOURCE} [{Path(path).name}]",
                sha256=digest,
            )
    except (OSError, KeyError, ValueError) as exc:
        raise InvalidDataset(f"opacity tables {path} unreadable: {exc}", field="opacity") from exc


class NpzOpacitySource(OpacitySource):
    """Tables from one ``.npz`` file written by ``scripts/build_spectra_data.py`` (cached per process)."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def tables(self) -> OpacityTables:
        return _load(str(self._path))
