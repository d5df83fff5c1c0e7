"""COBRApy implementation of :class:`~astrobio.application.ports.metabolism.FbaEngine`.

cobra is imported inside the methods (it costs ~1 s). Parsed models are cached per process by
the sha256 of their SBML (parsing iJO1366 takes seconds); each solve runs inside
``with model:`` under a per-model lock, so bound changes never leak between calls or threads.
"""

from __future__ import annotations

import gzip
import logging
import math
import re
import threading
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from astrobio.application.ports.metabolism import FbaEngine, ParsedSbml
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.metabolism import GAS_KEYS, FbaOutcome, MetabolicModel, ModelQuality

#: Substrate key -> metabolite ids (compartment suffix stripped) across BiGG / AGORA / older BiGG
#: (``_DASH_``) naming. Verified against every bundled SBML (tests/integration/test_cobra_engine.py).
SUBSTRATE_METABOLITES: dict[str, tuple[str, ...]] = {
    "h2": ("h2",), "co2": ("co2",), "hco3": ("hco3",), "ch4": ("ch4",), "o2": ("o2",), "n2": ("n2",),
    "h2s": ("h2s",), "nh4": ("nh4",), "n2o": ("n2o",), "photon": ("photon",),
    "glucose": ("glc__D", "glc_DASH_D", "glc_D", "glc"), "acetate": ("ac",), "methanol": ("meoh",),
    "formate": ("for",), "ethanol": ("etoh",), "pyruvate": ("pyr",), "succinate": ("succ",),
    "lactate": ("lac__L", "lac_DASH_L", "lac_L", "lac__D", "lac_D"), "co": ("co",),
}
_BY_METABOLITE = {m: key for key, mets in SUBSTRATE_METABOLITES.items() for m in mets}
_COMPARTMENT = re.compile(r"(?:_e|\[e\]|\(e\)|_e0|\[e0\])$")
_NUTRIENTS = ("nh4", "h2s")
_SOLVER_LOG = logging.getLogger("cobra")


def read_sbml_text(path: str) -> str:
    """The SBML text of ``path`` (gzip detected by magic), checked to be well-formed XML."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidDataset(f"{path}: cannot read: {exc.strerror or exc}", field="path") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InvalidDataset(f"{path}: truncated or corrupt gzip: {exc}", field="path") from None
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        hint = "truncated" if "no element found" in str(exc) else "malformed or truncated"
        raise InvalidDataset(f"{path}: {hint} SBML (XML error: {exc})", field="path") from None
    if not root.tag.endswith("sbml"):
        raise InvalidDataset(f"{path}: not SBML (root element <{root.tag}>)", field="path")
    return raw.decode("utf-8", errors="replace")


def substrate_key(metabolite_id: str) -> str | None:
    return _BY_METABOLITE.get(_COMPARTMENT.sub("", metabolite_id))


def exchange_map(model: Any) -> dict[str, str]:
    """Substrate key -> exchange reaction id, from the exchanges' metabolites."""
    out: dict[str, str] = {}
    for rxn in sorted(model.exchanges, key=lambda r: r.id):
        mets = list(rxn.metabolites)
        if len(mets) != 1:
            continue
        key = substrate_key(mets[0].id)
        if key is not None:
            out.setdefault(key, rxn.id)
    return out


def derived_base_medium(model: Any, exchanges: Mapping[str, str]) -> dict[str, float]:
    """The default medium without what the environment controls (gases, light, organics)."""
    controlled = {rid for key, rid in exchanges.items() if key not in _NUTRIENTS}
    medium: dict[str, float] = model.medium
    return {rid: float(cap) for rid, cap in sorted(medium.items())
            if rid not in controlled and "biomass" not in rid.lower()}


def quality_of(model: Any) -> ModelQuality:
    from cobra.flux_analysis import find_blocked_reactions

    objective = [r for r in model.reactions if r.objective_coefficient != 0]
    growth = float(model.slim_optimize(error_value=0.0)) if objective else 0.0
    blocked = len(find_blocked_reactions(model, open_exchanges=False, processes=1))
    skip = {r.id for r in model.boundary} | {r.id for r in objective}
    mass, charge, examples = 0, 0, list[str]()
    for rxn in model.reactions:
        if rxn.id in skip or rxn.id.startswith(("DM_", "SK_", "sink_", "EX_")):
            continue
        imbalance = rxn.check_mass_balance()
        if not imbalance:
            continue
        elements = [k for k in imbalance if k != "charge"]
        mass += bool(elements)
        charge += "charge" in imbalance
        if len(examples) < 20:
            examples.append(rxn.id)
    return ModelQuality(objective_present=bool(objective), default_growth_per_h=max(growth, 0.0),
                        blocked_reactions=blocked, mass_imbalanced=mass, charge_imbalanced=charge,
                        imbalanced_examples=tuple(examples))


def reaction_network(model: Any) -> dict[str, Any]:
    """The model's reactions as plain mappings (the ``reaction_network`` validator's input).

    Every species is declared (an empty formula when the SBML gives none); boundary reactions
    (exchange, demand, sink) and the objective are exempt from balance checks by listing their
    ids among the ``exchange_prefixes``.
    """
    from astrobio.adapters.quality.reactions import BOUNDARY_PREFIXES

    objective = {r.id for r in model.reactions if r.objective_coefficient}
    exempt = sorted({r.id for r in model.boundary} | objective)
    return {
        "reactions": [
            {
                "id": r.id,
                "stoichiometry": {m.id: float(c) for m, c in r.metabolites.items()},
                "lower_bound": float(r.lower_bound),
                "upper_bound": float(r.upper_bound),
            }
            for r in model.reactions
        ],
        "formulas": {m.id: m.formula or "" for m in model.metabolites},
        "charges": {m.id: float(m.charge) for m in model.metabolites if m.charge is not None},
        "exchange_prefixes": [*BOUNDARY_PREFIXES, *exempt],
    }


def _taxid(model: Any) -> int | None:
    value = model.annotation.get("taxonomy")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    digits = str(value).rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


class CobraFbaEngine(FbaEngine):
    """FBA with COBRApy (GLPK by default), parsed models cached in the process."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, str], _Cached] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    def _read(self, path: str) -> Any:
        return self._read_text(path, read_sbml_text(path))

    def _read_text(self, path: str, text: str) -> Any:
        from cobra.io import read_sbml_model
        from cobra.io.sbml import CobraSBMLError

        _SOLVER_LOG.setLevel(logging.ERROR)
        try:
            return read_sbml_model(text)
        except (CobraSBMLError, OSError, ValueError, KeyError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InvalidDataset(f"{path}: invalid SBML model: {first}", field="path") from None

    def parse(self, path: str) -> ParsedSbml:
        text = read_sbml_text(path)
        model = self._read_text(path, text)
        if not model.reactions:
            raise InvalidDataset(f"{path}: the SBML has no reactions", field="path")
        objective = [r.id for r in model.reactions if r.objective_coefficient != 0]
        exchanges = exchange_map(model)
        return ParsedSbml(
            model_id=model.id, name=model.name or model.id, organism=model.name or None,
            ncbi_taxid=_taxid(model), objective=objective[0] if objective else None,
            n_reactions=len(model.reactions), n_metabolites=len(model.metabolites), n_genes=len(model.genes),
            exchanges=exchanges, default_medium={k: float(v) for k, v in model.medium.items()},
            derived_base_medium=derived_base_medium(model, exchanges), quality=quality_of(model),
            reaction_ids=frozenset(r.id for r in model.reactions), network=reaction_network(model),
            document=text.encode("utf-8"))

    def _loaded(self, model: MetabolicModel) -> _Cached:
        key = (model.sbml_sha256, model.objective)
        with self._guard:
            cached = self._models.get(key)
            lock = self._locks.setdefault(key, threading.Lock())
        if cached is None:
            with lock:
                cached = self._models.get(key)
                if cached is None:
                    cached = _Cached(self._read(model.sbml_uri), model.objective, lock)
                    with self._guard:
                        self._models[key] = cached
        return cached

    def simulate(self, model: MetabolicModel, uptake_caps: Mapping[str, float]) -> FbaOutcome:
        cached = self._loaded(model)
        unknown = sorted(set(uptake_caps) - cached.exchange_ids)
        if unknown:
            raise InvalidDataset(f"model {model.id}: unknown exchange reaction(s) {unknown}",
                                 field="base_medium")
        medium = {rid: cap for rid, cap in uptake_caps.items() if cap > 0.0}
        wanted = {key: rid for key, rid in model.exchanges.items() if key in GAS_KEYS or key == "photon"}
        with cached.lock, warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # cobra warns on every infeasible solve
            fba, pfba = cached.fba, cached.pfba
            with fba:
                fba.medium = medium
                growth = float(fba.slim_optimize(error_value=float("nan")))
                status = str(fba.solver.status)
                if status != "optimal" or math.isnan(growth):
                    return FbaOutcome(status=status, growth_per_h=0.0)
                fluxes = {key: float(fba.reactions.get_by_id(rid).flux) for key, rid in wanted.items()}
            if growth > 1e-6:
                # Parsimonious FBA: least total flux at (just under, for solver tolerance) the optimum.
                with pfba:
                    pfba.medium = medium
                    pfba.reactions.get_by_id(model.objective).lower_bound = growth * (1.0 - 1e-7)
                    pfba.slim_optimize(error_value=float("nan"))
                    if pfba.solver.status == "optimal":
                        fluxes = {key: float(pfba.reactions.get_by_id(rid).flux)
                                  for key, rid in wanted.items()}
            return FbaOutcome(status="optimal", growth_per_h=max(growth, 0.0), exchange_fluxes=fluxes)


class _Cached:
    """One parsed model twice: maximising its objective (FBA) and minimising total flux (pFBA).

    Keeping the pFBA objective built avoids re-creating it (thousands of coefficients) per solve;
    each call only changes bounds, inside ``with model:`` so they are restored afterwards.
    """

    def __init__(self, model: Any, objective: str, lock: threading.Lock) -> None:
        from optlang.symbolics import Zero

        model.objective = model.reactions.get_by_id(objective)
        self.fba = model
        self.pfba = model.copy()
        variables = [v for r in self.pfba.reactions for v in (r.forward_variable, r.reverse_variable)]
        self.pfba.objective = self.pfba.problem.Objective(Zero, direction="min", sloppy=True)
        self.pfba.objective.set_linear_coefficients({v: 1.0 for v in variables})
        self.exchange_ids = frozenset(r.id for r in model.exchanges)
        self.lock = lock
