"""Load the bundled opacity tables (``data/opacity/opacity_r100.npz``; the older ``spectra_opacity_r100.npz``
format of cross sections with a fixed sub-bin distribution is still read)."""

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


#: Summary of ``data/opacity/opacity_r100.npz`` (``scripts/build_opacity.py``); per-table methods are
#: in the file.
K_SOURCE = (
    "k-distribution tables (8 g-points, R~100, 0.2-100 um, 100-2000 K, 1e-6-100 bar) built by "
    "scripts/build_opacity.py: HITRAN2012 R~100 + HELIOS-K/HITEMP k-tables (H2O, CO2, CH4), HELIOS-K "
    "k-tables (O3, N2O, NH3; coarse R~5-20), HITRAN2012 line by line (O2, CO, PH3), VULCAN UV/visible, "
    "HITRAN CIA, Borysow H2 CIA, MT_CKD_4.3 H2O continuum"
)


def _load_k(path: str, digest: str, d: np.lib.npyio.NpzFile) -> OpacityTables:
    species = tuple(str(s) for s in d["species"])
    pairs = tuple(str(s) for s in d["cia_pairs"])
    methods = {g: str(m) for g, m in zip(species, d["methods"], strict=True)}
    methods.update({f"cia.{c}": str(m) for c, m in zip(pairs, d["cia_methods"], strict=True)})
    return OpacityTables(
        wavenumber_cm1=d["wavenumber_cm1"],
        species=species,
        pressure_bar=d["pressure_bar"],
        temperature_k=d["temperature_k"],
        xsec_cm2=d["xsec_cm2"],
        cia_pairs=pairs,
        cia_temperature_k=d["cia_temperature_k"],
        cia_cm5=d["cia_cm5"],
        kdist_weight=d["kdist_weight"],
        kcoeff_cm2=d["kcoeff_cm2"],
        species_valid_t_k=d["species_valid_t_k"],
        cia_valid_t_k=d["cia_valid_t_k"],
        methods=methods,
        source=f"{K_SOURCE} [{Path(path).name}]",
        sha256=digest,
    )


@lru_cache(maxsize=4)
def _load(path: str) -> OpacityTables:
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        with np.load(path) as d:
            if "kcoeff_cm2" in d:
                return _load_k(path, digest, d)
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
    """Tables from one ``.npz`` file written by ``scripts/build_opacity.py`` (or the older
    ``scripts/build_spectra_data.py``), cached per process."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def tables(self) -> OpacityTables:
        return _load(str(self._path))
