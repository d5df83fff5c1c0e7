"""Metabolic models: IngestSbml, ListMetabolicModels, GetMetabolicModel, SimulateMetabolism."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from astrobio.application.ports.clock import Clock
from astrobio.application.ports.metabolism import (
    FbaEngine,
    MetabolicModelRepository,
    ParsedSbml,
    SbmlStore,
    SurfaceFluxes,
)
from astrobio.domain.errors import InvalidDataset, InvalidQuantity, NotFound
from astrobio.domain.metabolism import (
    GAS_KEYS,
    REPORTED_GASES,
    MetabolicModel,
    MetabolismResult,
    require_model_id,
)
from astrobio.domain.metabolism_environment import (
    BiomassAssumption,
    PlanetEnvironment,
    organism_class,
    uptake_limits,
)

#: Environment-controlled keys that also stay in the base medium as nutrients (fixed N, sulfide):
#: the atmosphere's NH3 / H2S can only add to them.
NUTRIENT_KEYS = ("nh4", "h2s")


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestSbmlCommand:
    path: str
    model_id: str | None = None
    organism: str | None = None
    ncbi_taxid: int | None = None
    organism_class: str = "mesophile"
    objective: str | None = None
    base_medium: Mapping[str, float] | None = None
    license: str | None = None
    reference: str | None = None
    source: str | None = None


class IngestSbml:
    """Register a genome-scale model from an SBML file (plain or gzip).

    Rules: the file is parsed and quality-checked first (objective present, growth on its
    default medium, blocked reactions, mass/charge-imbalanced reactions); a malformed or
    truncated file, one without reactions or without an objective, or a catalog naming
    reactions the model lacks is refused and nothing is written. Only then is the file copied
    into the content-addressed store and its metadata recorded. The id is the command's, else
    the SBML's; organism and NCBI taxid come from the command, else the SBML annotation.
    Re-ingesting the same id replaces its record.
    """

    def __init__(self, repo: MetabolicModelRepository, store: SbmlStore, engine: FbaEngine,
                 clock: Clock) -> None:
        self._repo, self._store, self._engine, self._clock = repo, store, engine, clock

    def execute(self, command: IngestSbmlCommand) -> MetabolicModel:
        model, _ = self.prepare(command)
        return self.store(command, model)

    def prepare(self, command: IngestSbmlCommand) -> tuple[MetabolicModel, ParsedSbml]:
        """Parse and check the file (nothing is written): the model to register and the parse."""
        organism_class(command.organism_class)
        if command.model_id is not None:
            require_model_id(command.model_id)
        parsed = self._engine.parse(command.path)
        objective = command.objective or parsed.objective
        if not objective or (command.objective is None and not parsed.quality.objective_present):
            raise InvalidDataset(f"{command.path}: the SBML defines no objective (fbc:listOfObjectives "
                                 "with a non-zero coefficient)", field="objective")
        base = dict(command.base_medium) if command.base_medium is not None else parsed.derived_base_medium
        model = MetabolicModel(
            id=command.model_id or require_model_id(parsed.model_id), name=parsed.name,
            organism=command.organism or parsed.organism,
            ncbi_taxid=command.ncbi_taxid if command.ncbi_taxid is not None else parsed.ncbi_taxid,
            organism_class=command.organism_class, objective=objective, sbml_sha256="0" * 64,
            sbml_uri="", source=command.source or command.path, n_reactions=parsed.n_reactions,
            n_metabolites=parsed.n_metabolites, n_genes=parsed.n_genes, exchanges=dict(parsed.exchanges),
            base_medium=base, quality=parsed.quality, ingested_at=self._clock.now(),
            license=command.license, reference=command.reference)
        missing = [rid for rid in [objective, *base] if rid not in parsed.reaction_ids]
        if missing:
            raise InvalidDataset(f"{command.path}: unknown reaction(s) {sorted(missing)}",
                                 field="objective" if objective in missing else "base_medium")
        return model, parsed

    def store(self, command: IngestSbmlCommand, model: MetabolicModel) -> MetabolicModel:
        """Copy the checked file into the SBML store and record the model."""
        stored = self._store.put(command.path)
        model = replace(model, sbml_sha256=stored.sha256, sbml_uri=stored.uri)
        self._repo.add(model)
        return model


class ListMetabolicModels:
    """Every registered model ordered by id; with ``ncbi_taxid``, only that taxon's (genome links)."""

    def __init__(self, repo: MetabolicModelRepository) -> None:
        self._repo = repo

    def execute(self, ncbi_taxid: int | None = None) -> Sequence[MetabolicModel]:
        if ncbi_taxid is not None and ncbi_taxid <= 0:
            raise InvalidQuantity("ncbi_taxid must be a positive integer", field="ncbi_taxid")
        return self._repo.list(ncbi_taxid=ncbi_taxid)


class GetMetabolicModel:
    """One model by id; :class:`NotFound` when unknown."""

    def __init__(self, repo: MetabolicModelRepository) -> None:
        self._repo = repo

    def execute(self, model_id: str) -> MetabolicModel:
        model = self._repo.get(model_id)
        if model is None:
            raise NotFound(f"metabolic model {model_id!r} not found", field="model_id")
        return model


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulateMetabolismCommand:
    environment: PlanetEnvironment
    model_ids: Sequence[str] | None = None
    biomass: BiomassAssumption = field(default_factory=BiomassAssumption)


class SimulateMetabolism:
    """Grow each model in a planetary environment and report its biosignature gas fluxes.

    Rules: each model's uptake of H2, CO2/HCO3-, CH4, O2, N2, H2S, NH3/NH4+ is capped by
    Henry's-law dissolved concentrations (Sander 2015, van 't Hoff temperature dependence)
    through Michaelis-Menten kinetics; light (phototrophs) and any listed organics likewise;
    all caps are scaled by the organism class' cardinal-temperature (CTMI) and pH response.
    The base medium (minerals, fixed nitrogen, trace vitamins) stays available. FBA gives the
    growth rate, parsimonious FBA the fluxes; an infeasible problem or zero growth is a
    result ("no growth under these conditions"), not an error. Surface fluxes are specific
    fluxes times the biomass surface density (Seager et al. 2013 biomass model).
    Unknown model ids are 404; an organic no model can take up is refused (422).
    """

    def __init__(self, repo: MetabolicModelRepository, engine: FbaEngine) -> None:
        self._repo, self._engine = repo, engine

    def models(self, model_ids: Sequence[str] | None) -> list[MetabolicModel]:
        if model_ids is None:
            return list(self._repo.list())
        get = GetMetabolicModel(self._repo)
        return [get.execute(m) for m in model_ids]

    def execute(self, command: SimulateMetabolismCommand) -> list[MetabolismResult]:
        models = self.models(command.model_ids)
        known = {k for m in models for k in m.exchanges}
        for name in command.environment.organics_mmol_gdw_h:
            if name in GAS_KEYS or name == "photon" or name not in known:
                raise InvalidQuantity(f"no model here has an uptake exchange for organic {name!r}",
                                      field=f"organics_mmol_gdw_h.{name}")
        return [self.simulate_one(m, command.environment, command.biomass) for m in models]

    def simulate_one(self, model: MetabolicModel, env: PlanetEnvironment,
                     biomass: BiomassAssumption) -> MetabolismResult:
        limits = uptake_limits(env, organism_class(model.organism_class))
        caps = dict(model.base_medium)
        for key, cap in limits.caps_mmol_gdw_h.items():
            rid = model.exchanges.get(key)
            if rid is None:
                continue
            caps[rid] = max(caps.get(rid, 0.0), cap) if key in NUTRIENT_KEYS else cap
        outcome = self._engine.simulate(model, caps)
        feasible = outcome.status == "optimal"
        growth = outcome.growth_per_h if feasible else 0.0
        gas = {g: 0.0 for g in REPORTED_GASES}
        if feasible and growth > 1e-6:
            for key, flux in outcome.exchange_fluxes.items():
                name = "nh3" if key == "nh4" else key
                if key == "hco3":
                    name = "co2"  # dissolved inorganic carbon counts as CO2 exchanged with the air
                if name in gas:
                    gas[name] += flux
            message = "grows"
        else:
            growth = 0.0
            message = ("no growth under these conditions" if feasible else
                       f"no growth under these conditions (no feasible steady state: {outcome.status})")
            if limits.capacity_factor == 0.0:
                message += "; temperature or pH outside the organism's cardinal range"
        return MetabolismResult(
            model_id=model.id, feasible=feasible, growth_per_h=growth, status=outcome.status,
            message=message, capacity_factor=limits.capacity_factor,
            temperature_factor=limits.temperature_factor, gas_flux_mmol_gdw_h=gas,
            surface_flux_mol_m2_s={g: biomass.surface_flux_mol_m2_s(v) for g, v in gas.items()},
            surface_flux_molecules_cm2_s={g: biomass.surface_flux_molecules_cm2_s(v) for g, v in gas.items()},
            uptake_caps_mmol_gdw_h=limits.caps_mmol_gdw_h, biomass_gdw_m2=biomass.biomass_gdw_m2)

    def surface_fluxes(self, environment: PlanetEnvironment, *, model_ids: Sequence[str] | None = None,
                       biomass_gdw_m2: float | None = None) -> SurfaceFluxes:
        """:class:`~astrobio.application.ports.metabolism.BiosignatureFluxes`: per-gas net surface flux.

        Each model stands for ``biomass_gdw_m2`` of active biomass, so the fluxes of the models
        that grow add up.
        """
        biomass = BiomassAssumption() if biomass_gdw_m2 is None else BiomassAssumption(
            biomass_gdw_m2=biomass_gdw_m2)
        results = self.execute(SimulateMetabolismCommand(environment=environment, model_ids=model_ids,
                                                         biomass=biomass))
        molecules = {g: sum(r.surface_flux_molecules_cm2_s[g] for r in results) for g in REPORTED_GASES}
        mol = {g: sum(r.surface_flux_mol_m2_s[g] for r in results) for g in REPORTED_GASES}
        return SurfaceFluxes(flux_molecules_cm2_s=molecules, flux_mol_m2_s=mol,
                             biomass_gdw_m2=biomass.biomass_gdw_m2)
