"""Metabolic models: IngestSbml, ListMetabolicModels, GetMetabolicModel, SimulateMetabolism."""

from __future__ import annotations

import hashlib
import math
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
from astrobio.domain.biosphere_flux import BiosphereFluxes, ModelYield, combine
from astrobio.domain.errors import InvalidDataset, InvalidQuantity, NotFound
from astrobio.domain.metabolic_sanity import (
    SanityCheck,
    check_carbon_source,
    check_cardinal,
    check_energy_source,
    check_methanogenesis,
    failed,
    mineral_base_medium,
)
from astrobio.domain.metabolism import (
    GAS_KEYS,
    REPORTED_GASES,
    FbaOutcome,
    MetabolicModel,
    MetabolismResult,
    require_model_id,
)
from astrobio.domain.metabolism_environment import (
    AVOGADRO,
    BiomassAssumption,
    PlanetEnvironment,
    organism_class,
    uptake_limits,
)

#: Environment-controlled keys that also stay in the base medium as nutrients (fixed N, sulfide):
#: the atmosphere's NH3 / H2S can only add to them.
NUTRIENT_KEYS = ("nh4", "h2s")
#: Uptake cap (mmol gDW^-1 h^-1) of each substrate in the sanity checks' defined media and in the
#: saturating solves that give a model's yields (ratios, so the value only has to be non-limiting).
SATURATING_CAP = 10.0


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
        model, parsed = self.prepare(command)
        bad = failed(parsed.sanity)
        if bad:
            raise InvalidDataset(f"{command.path}: fails metabolic sanity check(s) "
                                 + "; ".join(f"{c.name}: {c.message}" for c in bad), field=bad[0].name)
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
        declared = (dict(command.base_medium) if command.base_medium is not None
                    else parsed.derived_base_medium)
        base, removed = mineral_base_medium(declared, parsed.network)
        model = MetabolicModel(
            id=command.model_id or require_model_id(parsed.model_id), name=parsed.name,
            organism=command.organism or parsed.organism,
            ncbi_taxid=command.ncbi_taxid if command.ncbi_taxid is not None else parsed.ncbi_taxid,
            organism_class=command.organism_class, objective=objective, sbml_sha256="0" * 64,
            sbml_uri="", source=command.source or command.path, n_reactions=parsed.n_reactions,
            n_metabolites=parsed.n_metabolites, n_genes=parsed.n_genes, exchanges=dict(parsed.exchanges),
            base_medium=base, quality=parsed.quality, ingested_at=self._clock.now(),
            license=command.license, reference=command.reference)
        missing = [rid for rid in [objective, *declared] if rid not in parsed.reaction_ids]
        if missing:
            raise InvalidDataset(f"{command.path}: unknown reaction(s) {sorted(missing)}",
                                 field="objective" if objective in missing else "base_medium")
        digest = hashlib.sha256(parsed.document).hexdigest() if parsed.document else "f" * 64
        probe = replace(model, sbml_uri=command.path, sbml_sha256=digest)
        checks = sanity_checks(self._engine, probe)
        return model, replace(parsed, sanity=checks, removed_organics=tuple(removed))

    def store(self, command: IngestSbmlCommand, model: MetabolicModel) -> MetabolicModel:
        """Copy the checked file into the SBML store and record the model."""
        stored = self._store.put(command.path)
        model = replace(model, sbml_sha256=stored.sha256, sbml_uri=stored.uri)
        self._repo.add(model)
        return model


def _caps(model: MetabolicModel, keys: Sequence[str]) -> dict[str, float]:
    caps = dict(model.base_medium)
    for key in keys:
        rid = model.exchanges.get(key)
        if rid is not None:
            caps[rid] = max(caps.get(rid, 0.0), SATURATING_CAP)
    return caps


def _without(model: MetabolicModel, keys: Sequence[str]) -> dict[str, float]:
    """The base medium with the exchanges of ``keys`` closed (nutrient keys double as donors)."""
    drop = {model.exchanges[k] for k in keys if k in model.exchanges}
    return {rid: cap for rid, cap in model.base_medium.items() if rid not in drop}


def sanity_checks(engine: FbaEngine, model: MetabolicModel) -> tuple[SanityCheck, ...]:
    """Run :mod:`astrobio.domain.metabolic_sanity`'s checks on ``model`` (its base medium already mineral)."""
    carbon = ("co2", "hco3", "ch4", "co")
    no_c = _without(model, carbon)
    if "h2" in model.exchanges:
        no_c[model.exchanges["h2"]] = SATURATING_CAP
    checks = [check_carbon_source(engine.simulate(model, no_c))]
    if "h2" in model.exchanges and "ch4" in model.exchanges:
        checks.append(check_methanogenesis(engine.simulate(model, _caps(model, ("h2", "co2", "hco3")))))
    donors = _without(model, ("h2s", "h2", "photon"))
    checks.append(check_energy_source(engine.simulate(model, {**donors, **{
        model.exchanges[k]: SATURATING_CAP for k in ("co2", "hco3") if k in model.exchanges}})))
    card = organism_class(model.organism_class)
    rich = {"h2": 0.01, "co2": 0.05, "o2": 0.05}
    organics: dict[str, float] = {
        k: SATURATING_CAP for k in ("glucose", "acetate", "methanol") if k in model.exchanges}
    growth = []
    for t in (card.tmin_k - 1.0, card.tmax_k + 1.0):
        env = PlanetEnvironment(temperature_k=t, pressure_bar=1.0, partial_pressures_bar=rich,
                                photon_flux_umol_m2_s=1000.0, organics_mmol_gdw_h=organics)
        growth.append(grow(engine, model, env).growth_per_h)
    checks.append(check_cardinal(growth[0], growth[1], card.tmin_k, card.tmax_k))
    return tuple(checks)


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


def grow(engine: FbaEngine, model: MetabolicModel, env: PlanetEnvironment) -> MetabolismResult:
    """FBA of ``model`` under ``env``'s Michaelis-Menten uptake caps; every uptake, the base medium's
    included, is scaled by the temperature (CTMI) and pH response. Surface fluxes are left at 0:
    :func:`astrobio.domain.biosphere_flux.combine` sets them from the planet's limits."""
    limits = uptake_limits(env, organism_class(model.organism_class))
    k = limits.capacity_factor
    caps = {rid: cap * k for rid, cap in model.base_medium.items()}
    for key, cap in limits.caps_mmol_gdw_h.items():
        rid = model.exchanges.get(key)
        if rid is None:
            continue
        caps[rid] = max(caps.get(rid, 0.0), cap) if key in NUTRIENT_KEYS else cap
    outcome = engine.simulate(model, caps)
    feasible = outcome.status == "optimal"
    growth = outcome.growth_per_h if feasible else 0.0
    gas = _gas_fluxes(outcome) if feasible and growth > 1e-6 else {g: 0.0 for g in REPORTED_GASES}
    if feasible and growth > 1e-6:
        message = "grows"
    else:
        growth = 0.0
        message = ("no growth under these conditions" if feasible else
                   f"no growth under these conditions (no feasible steady state: {outcome.status})")
        if k == 0.0:
            message += "; temperature or pH outside the organism's cardinal range"
    zero = {g: 0.0 for g in REPORTED_GASES}
    return MetabolismResult(
        model_id=model.id, feasible=feasible, growth_per_h=growth, status=outcome.status,
        message=message, capacity_factor=k, temperature_factor=limits.temperature_factor,
        gas_flux_mmol_gdw_h=gas, surface_flux_mol_m2_s=dict(zero), surface_flux_molecules_cm2_s=dict(zero),
        uptake_caps_mmol_gdw_h=limits.caps_mmol_gdw_h, biomass_gdw_m2=0.0)


def _gas_fluxes(outcome: FbaOutcome) -> dict[str, float]:
    gas = {g: 0.0 for g in REPORTED_GASES}
    for key, flux in outcome.exchange_fluxes.items():
        name = "nh3" if key == "nh4" else "co2" if key == "hco3" else key  # DIC counts as CO2
        if name in gas:
            gas[name] += flux
    return gas


def present_substrates(env: PlanetEnvironment) -> tuple[str, ...]:
    """Substrate keys the environment offers (a gas at > 0 bar, outgassed H2, light, organics), sorted."""
    keys = {g for g, p in env.partial_pressures_bar.items() if p > 0}
    if env.h2_outgassing_molecules_cm2_s > 0:
        keys.add("h2")  # geological H2 reaches the ocean even where the air holds little
    if "co2" in keys:
        keys.add("hco3")
    if "nh3" in keys:
        keys.discard("nh3")
        keys.add("nh4")
    if (env.photon_flux_umol_m2_s or 0.0) > 0:
        keys.add("photon")
    keys.update(k for k, v in env.organics_mmol_gdw_h.items() if v > 0)
    return tuple(sorted(keys))


def model_yield(outcome: FbaOutcome, model_id: str) -> ModelYield:
    """A saturating FBA solve read as a role and per-substrate yields (see :class:`ModelYield`)."""
    if outcome.status != "optimal" or outcome.growth_per_h <= 1e-6:
        return ModelYield(model_id=model_id, role="none")
    gas = _gas_fluxes(outcome)
    if outcome.exchange_fluxes.get("photon", 0.0) < 0 and gas["o2"] > 1e-9 and gas["co2"] < 0:
        return ModelYield(model_id=model_id, role="oxygenic_phototroph",
                          yields={g: v / -gas["co2"] for g, v in gas.items()})
    if gas["h2"] < -1e-9:
        return ModelYield(model_id=model_id, role="hydrogenotroph",
                          yields={g: v / -gas["h2"] for g, v in gas.items()})
    return ModelYield(model_id=model_id, role="other")


def liquid_water(temperature_k: float, pressure_bar: float) -> bool:
    """Between freezing and the Clausius-Clapeyron boiling point at ``pressure_bar`` (L = 40.7 kJ/mol)."""
    if pressure_bar < 0.006:
        return False
    boil = 1.0 / (1.0 / 373.15 - 8.314 * math.log(pressure_bar / 1.01325) / 40.7e3)
    return 273.15 <= temperature_k <= boil


@dataclass(frozen=True, slots=True, kw_only=True)
class BiosphereSimulation:
    """Per-model FBA results and the planet's supply-limited biosphere fluxes."""

    results: list[MetabolismResult]
    biosphere: BiosphereFluxes


class SimulateMetabolism:
    """Grow each model in a planetary environment and report its biosignature gas fluxes.

    Rules: each model's uptake of H2, CO2/HCO3-, CH4, O2, N2, H2S, NH3/NH4+ is capped by
    Henry's-law dissolved concentrations (Sander 2015, van 't Hoff temperature dependence)
    through Michaelis-Menten kinetics; light (phototrophs) and any listed organics likewise;
    every cap, the mineral base medium's included, is scaled by the organism class'
    cardinal-temperature (CTMI) and pH response. FBA gives the growth rate, parsimonious FBA
    the specific fluxes; an infeasible problem or zero growth is a result ("no growth under
    these conditions"), not an error.

    Surface fluxes are not growth x biomass: FBA at saturating substrate gives each model's
    role and yields (CH4 per H2, O2 per CO2 fixed), and the planet gives the rate: H2 supply
    (geological outgassing, air-sea transfer with Kharecha et al. 2005 piston velocities),
    the Gibbs energy of methanogenesis at the planet's partial pressures, and PAR light for
    oxygenic photosynthesis (see ``docs/metabolism.md``). Saturating solves are cached by
    (model, substrates present), which is exact. Unknown model ids are 404; an organic no model
    can take up is refused (422).
    """

    def __init__(self, repo: MetabolicModelRepository, engine: FbaEngine) -> None:
        self._repo, self._engine = repo, engine
        self._yields: dict[tuple[str, str, tuple[str, ...]], ModelYield] = {}

    def models(self, model_ids: Sequence[str] | None) -> list[MetabolicModel]:
        if model_ids is None:
            return list(self._repo.list())
        get = GetMetabolicModel(self._repo)
        return [get.execute(m) for m in model_ids]

    def execute(self, command: SimulateMetabolismCommand) -> list[MetabolismResult]:
        return self.simulate(command).results

    def simulate(
        self, command: SimulateMetabolismCommand, *, with_growth: bool = True
    ) -> BiosphereSimulation:
        """Per-model growth (``with_growth``; one FBA + pFBA per model) and the planet's biosphere
        (cached saturating solves only: what a catalog-wide run needs)."""
        models = self.models(command.model_ids)
        env = command.environment
        known = {k for m in models for k in m.exchanges}
        for name in env.organics_mmol_gdw_h:
            if name in GAS_KEYS or name == "photon" or name not in known:
                raise InvalidQuantity(f"no model here has an uptake exchange for organic {name!r}",
                                      field=f"organics_mmol_gdw_h.{name}")
        results = [grow(self._engine, m, env) for m in models] if with_growth else []
        yields = [self.yield_of(m, env) for m in models]
        bio = combine(yields, temperature_k=env.temperature_k, surface_pressure_bar=env.pressure_bar,
                      partial_pressures_bar=env.partial_pressures_bar,
                      par_umol_m2_s=env.photon_flux_umol_m2_s or 0.0,
                      liquid_water=liquid_water(env.temperature_k, env.pressure_bar),
                      h2_outgassing=env.h2_outgassing_molecules_cm2_s)
        out = []
        for r in results:
            flux = {g: float(bio.per_model_flux.get(r.model_id, {}).get(g, 0.0)) for g in REPORTED_GASES}
            out.append(replace(r, surface_flux_molecules_cm2_s=flux,
                               surface_flux_mol_m2_s={g: v * 1e4 / AVOGADRO for g, v in flux.items()},
                               biomass_gdw_m2=bio.maintained_biomass_gdw_m2.get(r.model_id, 0.0)))
        return BiosphereSimulation(results=out, biosphere=bio)

    def yield_of(self, model: MetabolicModel, env: PlanetEnvironment) -> ModelYield:
        """The model's role and yields at saturating supply of what ``env`` offers (cached, exact)."""
        if uptake_limits(env, organism_class(model.organism_class)).capacity_factor <= 0.0:
            return ModelYield(model_id=model.id, role="none")
        keys = present_substrates(env)
        if "photon" in keys and "photon" in model.exchanges:
            # A phototroph splits water: its H2 uptake would be capped by the planet's small H2
            # supply, so its role is read with H2 closed (oxygenic if it then evolves O2).
            keys = tuple(k for k in keys if k != "h2")
        key = (model.id, model.sbml_sha256, keys)
        if key not in self._yields:
            self._yields[key] = model_yield(self._engine.simulate(model, _caps(model, keys)), model.id)
        return self._yields[key]

    def simulate_one(self, model: MetabolicModel, env: PlanetEnvironment,
                     biomass: BiomassAssumption) -> MetabolismResult:
        return grow(self._engine, model, env)

    def surface_fluxes(self, environment: PlanetEnvironment, *, model_ids: Sequence[str] | None = None,
                       biomass_gdw_m2: float | None = None) -> SurfaceFluxes:
        """:class:`~astrobio.application.ports.metabolism.BiosignatureFluxes`: per-gas net surface flux
        of the supply-limited biosphere (``biomass_gdw_m2`` is kept for the port's signature; the
        maintained biomass follows from the limits)."""
        sim = self.simulate(SimulateMetabolismCommand(environment=environment, model_ids=model_ids),
                            with_growth=False)
        bio = sim.biosphere
        molecules = {g: float(bio.flux_molecules_cm2_s.get(g, 0.0)) for g in REPORTED_GASES}
        return SurfaceFluxes(flux_molecules_cm2_s=molecules,
                             flux_mol_m2_s={g: v * 1e4 / AVOGADRO for g, v in molecules.items()},
                             biomass_gdw_m2=sum(bio.maintained_biomass_gdw_m2.values()),
                             limits=dict(bio.limits), oxygenic=bio.oxygenic)
