"""Genome-scale metabolic models and the outcome of simulating them in an environment.

A :class:`MetabolicModel` describes an ingested SBML model (its content-addressed file lives
in a store; the solver reads it lazily). ``exchanges`` maps a substrate key (``h2``, ``co2``,
``hco3``, ``ch4``, ``o2``, ``n2``, ``h2s``, ``nh4``, ``n2o``, ``photon``, or an organic such
as ``glucose``) to the model's exchange reaction id, so simulations and results speak one
vocabulary whatever the reconstruction's naming (BiGG ``EX_h2_e``, AGORA ``EX_h2(e)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.metabolism_environment import ORGANISM_CLASSES
from astrobio.domain.quantities import require_finite

_MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")

#: Substrate keys an environment controls (gases as their aqueous species, light).
GAS_KEYS = ("h2", "co2", "hco3", "ch4", "o2", "n2", "h2s", "nh4", "n2o")
#: Exchange fluxes reported per gas (``nh4`` is reported as the gas ``nh3``).
REPORTED_GASES = ("h2", "co2", "ch4", "o2", "n2", "h2s", "nh3", "n2o")


def require_model_id(value: str) -> str:
    if not isinstance(value, str) or not _MODEL_ID.match(value):
        raise InvalidQuantity(
            f"model id {value!r} must be 1-128 characters of letters, digits, '_', '.', '-'",
            field="model_id")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelQuality:
    """What the ingest check found (recorded with the model, never silently fixed).

    ``default_growth_per_h``: optimal objective flux on the model's own default medium
    (0 when infeasible). ``blocked_reactions``: reactions that carry no flux in any
    solution on that medium. ``mass_imbalanced`` / ``charge_imbalanced``: internal reactions
    (not exchange, demand, sink or the objective) whose elements / charges do not balance;
    ``imbalanced_examples``: up to 20 of their ids.
    """

    objective_present: bool
    default_growth_per_h: float
    blocked_reactions: int
    mass_imbalanced: int
    charge_imbalanced: int
    imbalanced_examples: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require_finite(self.default_growth_per_h, "default_growth_per_h")
        for name in ("blocked_reactions", "mass_imbalanced", "charge_imbalanced"):
            if getattr(self, name) < 0:
                raise InvalidQuantity(f"{name} must be >= 0", field=name)

    @property
    def grows_on_default_medium(self) -> bool:
        return self.default_growth_per_h > 1e-6


@dataclass(frozen=True, slots=True, kw_only=True)
class MetabolicModel:
    """An ingested genome-scale model and what the simulations need to use it.

    ``base_medium``: exchange id -> uptake cap (mmol gDW^-1 h^-1) of the nutrients assumed
    always available (minerals, trace vitamins); the environment adds gases, light and
    organics on top. ``objective``: the reaction maximised in simulations (the SBML's own
    objective unless the catalog names another, e.g. Synechocystis' autotrophic biomass).
    """

    id: str
    name: str
    organism: str | None
    ncbi_taxid: int | None
    organism_class: str
    objective: str
    sbml_sha256: str
    sbml_uri: str
    source: str
    n_reactions: int
    n_metabolites: int
    n_genes: int
    exchanges: dict[str, str]
    base_medium: dict[str, float]
    quality: ModelQuality
    ingested_at: datetime
    license: str | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        require_model_id(self.id)
        if self.organism_class not in ORGANISM_CLASSES:
            raise InvalidQuantity(f"unknown organism class {self.organism_class!r} "
                                  f"(use {sorted(ORGANISM_CLASSES)})", field="organism_class")
        if self.ncbi_taxid is not None and self.ncbi_taxid <= 0:
            raise InvalidQuantity("ncbi_taxid must be a positive integer", field="ncbi_taxid")
        if not re.fullmatch(r"[0-9a-f]{64}", self.sbml_sha256):
            raise InvalidQuantity("sbml_sha256 must be 64 hex digits", field="sbml_sha256")
        if not self.objective:
            raise InvalidQuantity("a model needs an objective reaction", field="objective")
        for rid, cap in self.base_medium.items():
            if require_finite(cap, f"base_medium.{rid}") < 0:
                raise InvalidQuantity(f"base medium cap of {rid} must be >= 0", field=f"base_medium.{rid}")
        if self.ingested_at.tzinfo is None:
            raise InvalidQuantity("ingested_at must be timezone-aware", field="ingested_at")

    @property
    def is_phototroph(self) -> bool:
        return "photon" in self.exchanges


@dataclass(frozen=True, slots=True, kw_only=True)
class FbaOutcome:
    """One FBA (+ parsimonious FBA) solve: growth and the exchange fluxes (mmol gDW^-1 h^-1).

    ``exchange_fluxes``: substrate key -> flux, positive = released to the environment,
    negative = taken up. ``status``: the solver status (``optimal``, ``infeasible`` ...).
    """

    status: str
    growth_per_h: float
    exchange_fluxes: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class MetabolismResult:
    """A model's response to an environment.

    ``feasible`` is False when the constraints admit no steady state (e.g. maintenance ATP
    cannot be met); ``grows`` when the optimal growth rate is > 1e-6 h^-1. Both "no growth"
    cases are results, with ``message`` saying why. Gas fluxes are per gram dry weight
    (mmol gDW^-1 h^-1, positive = released); surface fluxes apply ``biomass_gdw_m2``.
    """

    model_id: str
    feasible: bool
    growth_per_h: float
    status: str
    message: str
    capacity_factor: float
    temperature_factor: float
    gas_flux_mmol_gdw_h: dict[str, float]
    surface_flux_mol_m2_s: dict[str, float]
    surface_flux_molecules_cm2_s: dict[str, float]
    uptake_caps_mmol_gdw_h: dict[str, float]
    biomass_gdw_m2: float

    @property
    def grows(self) -> bool:
        return self.feasible and self.growth_per_h > 1e-6
