"""msgspec DTOs of the metabolism API (HTTP bodies, CLI ``--json`` output, env files)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

import msgspec

from astrobio.application.use_cases.metabolism import BiosphereSimulation, SimulateMetabolismCommand
from astrobio.application.use_cases.planet_biosphere import PlanetBiosphere
from astrobio.domain.errors import InvalidQuantity
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
    #: Geological H2 supply (molecules cm^-2 s^-1) that methanogens can draw on.
    h2_outgassing_molecules_cm2_s: float = 1.0e10

    def to_domain(self) -> PlanetEnvironment:
        return PlanetEnvironment(
            temperature_k=self.temperature_k, pressure_bar=self.pressure_bar,
            partial_pressures_bar=dict(self.partial_pressures_bar), ph=self.ph,
            photon_flux_umol_m2_s=self.photon_flux_umol_m2_s,
            organics_mmol_gdw_h=dict(self.organics_mmol_gdw_h),
            h2_outgassing_molecules_cm2_s=self.h2_outgassing_molecules_cm2_s)

    @classmethod
    def from_domain(cls, e: PlanetEnvironment) -> EnvironmentBody:
        return cls(temperature_k=e.temperature_k, pressure_bar=e.pressure_bar,
                   partial_pressures_bar=dict(e.partial_pressures_bar), ph=e.ph,
                   photon_flux_umol_m2_s=e.photon_flux_umol_m2_s,
                   organics_mmol_gdw_h=dict(e.organics_mmol_gdw_h),
                   h2_outgassing_molecules_cm2_s=e.h2_outgassing_molecules_cm2_s)


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

    environment: EnvironmentBody | None = None
    models: list[str] | None = None
    biomass_gdw_m2: Annotated[float, msgspec.Meta(gt=0)] = 10.0
    #: A stored planet: its environment is built from the catalog and its climate estimate
    #: (give either ``environment`` or ``planet_name``).
    planet_name: str | None = None

    def to_command(self) -> SimulateMetabolismCommand:
        if self.environment is None or self.planet_name is not None:
            raise InvalidQuantity("give exactly one of environment or planet_name", field="environment")
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
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("the E. coli core model",
         {
             "id": "e_coli_core",
             "name": "E. coli core metabolism",
             "organism": "Escherichia coli str. K-12 substr. MG1655",
             "ncbi_taxid": 511145,
             "organism_class": "heterotroph",
             "objective": "BIOMASS_Ecoli_core_w_GAM",
             "n_reactions": 95,
             "n_metabolites": 72,
             "n_genes": 137,
             "exchanges": {"o2": "EX_o2_e", "glucose": "EX_glc__D_e"},
             "base_medium": {"EX_glc__D_e": 10.0, "EX_o2_e": 1000.0},
             "quality": {
                 "objective_present": True,
                 "grows_on_default_medium": True,
                 "default_growth_per_h": 0.874,
                 "blocked_reactions": 9,
                 "mass_imbalanced": 0,
                 "charge_imbalanced": 0,
                 "imbalanced_examples": [],
             },
             "sbml_sha256": "9f72e9b3f113139853041a89ab032c91ae495270fa3f081e73c59015a8d15507",
             "source": "BiGG Models",
             "license": "CC BY 4.0",
             "reference": "Orth et al. 2010, EcoSal Plus 4(1)",
             "ingested_at": "2026-12-04T08:00:00Z",
         }),
    ]

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
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("one bundled model",
         {
             "items": [
                 {
                     "id": "e_coli_core",
                     "name": "E. coli core metabolism",
                     "organism": "Escherichia coli str. K-12 substr. MG1655",
                     "ncbi_taxid": 511145,
                     "organism_class": "heterotroph",
                     "n_reactions": 95,
                     "default_growth_per_h": 0.874,
                 },
             ],
             "total": 1,
         }),
    ]

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


class BiosphereRead(msgspec.Struct):
    """The planet's biosphere: net surface fluxes (molecules cm^-2 s^-1, + into the air), what limits
    each, whether it is oxygenic (the atmosphere is then oxic), NPP and the biomass the fluxes maintain."""

    flux_molecules_cm2_s: dict[str, float]
    limits: dict[str, str]
    oxygenic: bool
    npp_c_cm2_s: float
    maintained_biomass_gdw_m2: dict[str, float]
    delta_g_methanogenesis_kj_mol: float | None

    @classmethod
    def from_domain(cls, sim: BiosphereSimulation) -> BiosphereRead:
        b = sim.biosphere
        return cls(flux_molecules_cm2_s=dict(b.flux_molecules_cm2_s), limits=dict(b.limits),
                   oxygenic=b.oxygenic, npp_c_cm2_s=b.npp_c_cm2_s,
                   maintained_biomass_gdw_m2=dict(b.maintained_biomass_gdw_m2),
                   delta_g_methanogenesis_kj_mol=b.delta_g_kj_mol)


class PlanetContextRead(msgspec.Struct):
    """How a stored planet's environment was built, and its steady-state atmosphere."""

    planet_name: str
    environment: EnvironmentBody
    climate_source: str
    surface_temperature_sigma_k: float
    insolation_earth: float
    teff_k: float
    atmosphere: dict[str, Any]

    @classmethod
    def from_domain(cls, p: PlanetBiosphere) -> PlanetContextRead:
        return cls(planet_name=p.planet_name, environment=EnvironmentBody.from_domain(p.environment),
                   climate_source=p.climate_source, surface_temperature_sigma_k=p.surface_temperature_sigma_k,
                   insolation_earth=p.insolation_earth, teff_k=p.teff_k, atmosphere=dict(p.atmosphere))


class SimulationRead(msgspec.Struct):
    """Per-model results, and the assumption that turned them into surface fluxes."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("aerobic growth at 298 K",
         {
             "results": [
                 {
                     "model_id": "e_coli_core",
                     "grows": True,
                     "feasible": True,
                     "growth_per_h": 0.874,
                     "status": "optimal",
                     "message": "",
                     "temperature_factor": 1.0,
                     "capacity_factor": 1.0,
                     "gas_flux_mmol_gdw_h": {"O2": -21.8, "CO2": 22.8},
                     "surface_flux_mol_m2_s": {"O2": -6.1e-06, "CO2": 6.3e-06},
                     "surface_flux_molecules_cm2_s": {"O2": -360000000000000.0, "CO2": 380000000000000.0},
                     "uptake_caps_mmol_gdw_h": {"O2": 1000.0},
                 },
             ],
             "biomass_gdw_m2": 1.0,
         }),
    ]

    results: list[ResultRead]
    biomass_gdw_m2: float
    biomass_assumption: str = ("surface flux = FBA yield x the planet's supply (H2 outgassing, air-sea "
                               "transfer), energy (Gibbs energy) and light limits; not growth x biomass")
    biosphere: BiosphereRead | None = None
    planet: PlanetContextRead | None = None

    @classmethod
    def from_simulation(cls, sim: BiosphereSimulation, biomass_gdw_m2: float,
                        planet: PlanetBiosphere | None = None) -> SimulationRead:
        return cls(results=[ResultRead.from_domain(r) for r in sim.results], biomass_gdw_m2=biomass_gdw_m2,
                   biosphere=BiosphereRead.from_domain(sim),
                   planet=None if planet is None else PlanetContextRead.from_domain(planet))
