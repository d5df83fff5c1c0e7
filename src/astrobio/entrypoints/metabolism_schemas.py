"""msgspec DTOs of the metabolism API (HTTP bodies, CLI ``--json`` output, env files)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

import msgspec

from astrobio.application.use_cases.metabolism import SimulateMetabolismCommand
from astrobio.domain.metabolism import MetabolicModel, MetabolismResult
from astrobio.domain.metabolism_environment import BiomassAssumption, PlanetEnvironment


class EnvironmentBody(msgspec.Struct, forbid_unknown_fields=True):
    """A planetary surface environment. Gases: h2, co2, ch4, o2, n2, h2s, nh3 (bar)."""

    temperature_k: float
    pressure_bar: float
    partial_pressures_bar: dict[str, float] = msgspec.field(default_factory=dict)
    ph: float | None = None
    photon_flux_umol_m2_s: float | None = None
    organics_mmol_gdw_h: dict[str, float] = msgspec.field(default_factory=dict)

    def to_domain(self) -> PlanetEnvironment:
        return PlanetEnvironment(
            temperature_k=self.temperature_k, pressure_bar=self.pressure_bar,
            partial_pressures_bar=dict(self.partial_pressures_bar), ph=self.ph,
            photon_flux_umol_m2_s=self.photon_flux_umol_m2_s,
            organics_mmol_gdw_h=dict(self.organics_mmol_gdw_h))


class SimulateBody(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /metabolism/simulate``: ``models`` (ids; default all) grown in ``environment``."""
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("E. coli core at 288 K under 1 bar of air, fed glucose",
         {"environment": {"temperature_k": 288.0,
                          "pressure_bar": 1.0,
                          "partial_pressures_bar": {"n2": 0.78, "o2": 0.21, "co2": 0.0004, "h2": 0.001},
                          "ph": 7.0,
                          "organics_mmol_gdw_h": {"glucose": 10.0}},
          "models": ["e_coli_core"]}),
    ]

    environment: EnvironmentBody
    models: list[str] | None = None
    biomass_gdw_m2: Annotated[float, msgspec.Meta(gt=0)] = 10.0

    def to_command(self) -> SimulateMetabolismCommand:
        return SimulateMetabolismCommand(environment=self.environment.to_domain(), model_ids=self.models,
                                         biomass=BiomassAssumption(biomass_gdw_m2=self.biomass_gdw_m2))


class QualityRead(msgspec.Struct):
    objective_present: bool
    grows_on_default_medium: bool
    default_growth_per_h: float
    blocked_reactions: int
    mass_imbalanced: int
    charge_imbalanced: int
    imbalanced_examples: list[str]


class ModelSummaryRead(msgspec.Struct):
    id: str
    name: str
    organism: str | None
    ncbi_taxid: int | None
    organism_class: str
    n_reactions: int
    default_growth_per_h: float

    @classmethod
    def from_domain(cls, m: MetabolicModel) -> ModelSummaryRead:
        return cls(id=m.id, name=m.name, organism=m.organism, ncbi_taxid=m.ncbi_taxid,
                   organism_class=m.organism_class, n_reactions=m.n_reactions,
                   default_growth_per_h=m.quality.default_growth_per_h)


class ModelRead(msgspec.Struct):
    id: str
    name: str
    organism: str | None
    ncbi_taxid: int | None
    organism_class: str
    objective: str
    n_reactions: int
    n_metabolites: int
    n_genes: int
    exchanges: dict[str, str]
    base_medium: dict[str, float]
    quality: QualityRead
    sbml_sha256: str
    source: str
    license: str | None
    reference: str | None
    ingested_at: datetime

    @classmethod
    def from_domain(cls, m: MetabolicModel) -> ModelRead:
        q = m.quality
        return cls(
            id=m.id, name=m.name, organism=m.organism, ncbi_taxid=m.ncbi_taxid,
            organism_class=m.organism_class, objective=m.objective, n_reactions=m.n_reactions,
            n_metabolites=m.n_metabolites, n_genes=m.n_genes, exchanges=dict(m.exchanges),
            base_medium=dict(m.base_medium),
            quality=QualityRead(objective_present=q.objective_present,
                                grows_on_default_medium=q.grows_on_default_medium,
                                default_growth_per_h=q.default_growth_per_h,
                                blocked_reactions=q.blocked_reactions, mass_imbalanced=q.mass_imbalanced,
                                charge_imbalanced=q.charge_imbalanced,
                                imbalanced_examples=list(q.imbalanced_examples)),
            sbml_sha256=m.sbml_sha256, source=m.source, license=m.license, reference=m.reference,
            ingested_at=m.ingested_at)


class ModelListRead(msgspec.Struct):
    items: list[ModelSummaryRead]
    total: int


class ResultRead(msgspec.Struct):
    """One model's response. Fluxes: positive = released to the environment."""

    model_id: str
    grows: bool
    feasible: bool
    growth_per_h: float
    status: str
    message: str
    temperature_factor: float
    capacity_factor: float
    gas_flux_mmol_gdw_h: dict[str, float]
    surface_flux_mol_m2_s: dict[str, float]
    surface_flux_molecules_cm2_s: dict[str, float]
    uptake_caps_mmol_gdw_h: dict[str, float]

    @classmethod
    def from_domain(cls, r: MetabolismResult) -> ResultRead:
        return cls(model_id=r.model_id, grows=r.grows, feasible=r.feasible, growth_per_h=r.growth_per_h,
                   status=r.status, message=r.message, temperature_factor=r.temperature_factor,
                   capacity_factor=r.capacity_factor, gas_flux_mmol_gdw_h=r.gas_flux_mmol_gdw_h,
                   surface_flux_mol_m2_s=r.surface_flux_mol_m2_s,
                   surface_flux_molecules_cm2_s=r.surface_flux_molecules_cm2_s,
                   uptake_caps_mmol_gdw_h=r.uptake_caps_mmol_gdw_h)


class SimulationRead(msgspec.Struct):
    """Per-model results, and the assumption that turned them into surface fluxes."""

    results: list[ResultRead]
    biomass_gdw_m2: float
    biomass_assumption: str = ("surface flux = specific flux x biomass_gdw_m2 of active biomass per m^2 "
                               "(Seager, Bains & Hu 2013, ApJ 775, 104)")
