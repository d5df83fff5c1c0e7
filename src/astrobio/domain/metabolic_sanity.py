"""Metabolic sanity checks a genome-scale model must pass before its fluxes are used.

Each check grows the model in a defined medium (the model's mineral base medium plus the named
substrates) and compares what comes out with what chemistry allows:

* ``carbon_source``: with H2 but no carbon source (no CO2, HCO3- or organics) the model must neither
  grow nor release CH4 (no product carbon without a carbon source);
* ``methanogenesis_stoichiometry``: under H2 + CO2 only, CH4 released <= 1/4 of H2 taken up
  (4 H2 + CO2 -> CH4 + 2 H2O);
* ``energy_source``: with CO2 and minerals but no electron donor, light or organics, no growth
  (no ATP from nothing);
* ``cardinal_temperature``: no growth outside the organism class' cardinal temperatures.

The base medium is part of the environment: carbon-bearing exchanges (organics) are removed from it
at ingest down to a trace supply of growth factors (:func:`mineral_base_medium`), so no model gets
free acetate unless the environment has it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from astrobio.domain.metabolism import FbaOutcome

GROWTH_TOL_PER_H = 1e-6
#: Organic growth factors a reconstruction lists in its medium (vitamins, a required amino acid) stay
#: available at this trace uptake (mmol gDW^-1 h^-1): enough as cofactors, negligible as food.
TRACE_ORGANIC_CAP = 1.0e-3
FLUX_TOL = 1e-6
CH4_PER_H2_MAX = 0.25
SANITY_CHECKS = ("carbon_source", "methanogenesis_stoichiometry", "energy_source", "cardinal_temperature")
#: Carbon-bearing species that are not organic carbon (CO2 and the carbonate system).
_INORGANIC_CARBON = frozenset({"CO2", "CHO3", "CO3", "HCO3"})
_CARBON = re.compile(r"C(?![a-z])")


@dataclass(frozen=True, slots=True, kw_only=True)
class SanityCheck:
    """One check: ``passed`` and what was measured, in words (``message``)."""

    name: str
    passed: bool
    message: str


def has_organic_carbon(formula: str) -> bool:
    """True when ``formula`` (Hill-like, e.g. ``C2H3O2``) carries carbon that is not CO2/carbonate."""
    return bool(formula) and formula not in _INORGANIC_CARBON and bool(_CARBON.search(formula))


def mineral_base_medium(
    base: Mapping[str, float], network: Mapping[str, Any]
) -> tuple[dict[str, float], list[str]]:
    """The base medium with organic-carbon exchanges cut to trace supply, and the ids cut.

    ``network``: the parsed model's ``reactions`` (id, stoichiometry) and ``formulas``. An exchange
    whose single metabolite has no formula is kept (nothing says it carries carbon).
    """
    formulas: Mapping[str, str] = network.get("formulas", {})
    mets = {r["id"]: list(r["stoichiometry"]) for r in network.get("reactions", ())}
    kept: dict[str, float] = {}
    removed: list[str] = []
    for rid, cap in base.items():
        species = mets.get(rid, [])
        if len(species) == 1 and has_organic_carbon(formulas.get(species[0], "")):
            removed.append(rid)
            kept[rid] = min(cap, TRACE_ORGANIC_CAP)
        else:
            kept[rid] = cap
    return kept, sorted(removed)


def _grows(o: FbaOutcome) -> bool:
    return o.status == "optimal" and o.growth_per_h > GROWTH_TOL_PER_H


def check_carbon_source(o: FbaOutcome) -> SanityCheck:
    ch4 = o.exchange_fluxes.get("ch4", 0.0) if o.status == "optimal" else 0.0
    ok = not _grows(o) and ch4 <= FLUX_TOL
    return SanityCheck(name="carbon_source", passed=ok,
                       message="no growth and no CH4 without a carbon source" if ok else
                       f"without any carbon source the model grows at {o.growth_per_h:.3g} 1/h and releases "
                       f"CH4 at {ch4:.3g} mmol/gDW/h")


def check_methanogenesis(o: FbaOutcome) -> SanityCheck:
    h2 = -o.exchange_fluxes.get("h2", 0.0) if o.status == "optimal" else 0.0
    ch4 = o.exchange_fluxes.get("ch4", 0.0) if o.status == "optimal" else 0.0
    if h2 <= FLUX_TOL:
        ok = ch4 <= FLUX_TOL
        return SanityCheck(name="methanogenesis_stoichiometry", passed=ok,
                           message="takes up no H2 under H2 + CO2" if ok else
                           f"releases CH4 ({ch4:.3g}) under H2 + CO2 without taking up H2")
    ratio = ch4 / h2
    ok = ratio <= CH4_PER_H2_MAX + 1e-6
    return SanityCheck(name="methanogenesis_stoichiometry", passed=ok,
                       message=f"CH4/H2 = {ratio:.3f} under H2 + CO2 (<= 0.25 allowed by 4 H2 + CO2 -> CH4)")


def check_energy_source(o: FbaOutcome) -> SanityCheck:
    ok = not _grows(o)
    return SanityCheck(name="energy_source", passed=ok,
                       message="no growth without an electron donor, light or organics" if ok else
                       f"grows at {o.growth_per_h:.3g} 1/h with no electron donor, light or organics")


def check_cardinal(
    growth_cold_per_h: float, growth_hot_per_h: float, tmin_k: float, tmax_k: float
) -> SanityCheck:
    ok = growth_cold_per_h <= GROWTH_TOL_PER_H and growth_hot_per_h <= GROWTH_TOL_PER_H
    return SanityCheck(name="cardinal_temperature", passed=ok,
                       message=f"no growth below {tmin_k:.0f} K or above {tmax_k:.0f} K" if ok else
                       f"grows outside its cardinal temperatures ({growth_cold_per_h:.3g} 1/h below "
                       f"{tmin_k:.0f} K, {growth_hot_per_h:.3g} 1/h above {tmax_k:.0f} K)")


def failed(checks: tuple[SanityCheck, ...]) -> tuple[SanityCheck, ...]:
    return tuple(c for c in checks if not c.passed)
