"""Ports of the metabolism stage: model registry, SBML store, FBA engine, biosignature fluxes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from astrobio.domain.metabolic_sanity import SanityCheck
from astrobio.domain.metabolism import FbaOutcome, MetabolicModel, ModelQuality
from astrobio.domain.metabolism_environment import PlanetEnvironment


class MetabolicModelRepository(Protocol):
    """Model metadata. ``add`` inserts or replaces by id (re-ingesting is idempotent)."""

    def add(self, model: MetabolicModel) -> None: ...

    def get(self, model_id: str) -> MetabolicModel | None: ...

    def list(self, *, ncbi_taxid: int | None = None) -> Sequence[MetabolicModel]:
        """Every model (or those of one NCBI taxon), ordered by id."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredSbml:
    sha256: str
    uri: str


class SbmlStore(Protocol):
    """Content-addressed SBML files: the same bytes always land at the same place.

    ``put`` copies a (possibly gzip-compressed) SBML file in atomically and returns the sha256
    of its uncompressed bytes and where it now lives.
    """

    def put(self, path: str) -> StoredSbml: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedSbml:
    """What the engine reads from an SBML file, before the registry names it."""

    model_id: str
    name: str
    organism: str | None
    ncbi_taxid: int | None
    objective: str | None
    n_reactions: int
    n_metabolites: int
    n_genes: int
    exchanges: dict[str, str]
    default_medium: dict[str, float]
    derived_base_medium: dict[str, float]
    quality: ModelQuality
    reaction_ids: frozenset[str] = frozenset()
    #: The model's reactions as plain mappings for the ``reaction_network`` quality validator
    #: (``reactions`` with ``id``, ``stoichiometry``, bounds; ``formulas``; ``charges``;
    #: ``exchange_prefixes`` exempting boundary reactions from balance checks).
    network: Mapping[str, Any] = field(default_factory=dict)
    #: The SBML document as read (uncompressed bytes).
    document: bytes = b""
    #: Metabolic sanity checks run at ingest (:mod:`astrobio.domain.metabolic_sanity`).
    sanity: tuple[SanityCheck, ...] = ()
    #: Organic-carbon exchanges removed from the base medium (the environment supplies organics).
    removed_organics: tuple[str, ...] = ()


class FbaEngine(Protocol):
    """Reads SBML and solves flux balance problems.

    ``parse`` validates the file (readable, well-formed, has reactions) and runs the quality
    check; it raises :class:`~astrobio.domain.errors.InvalidDataset` naming the file and the
    problem. ``simulate`` sets every exchange's uptake to ``uptake_caps`` (exchange id ->
    cap, others closed to uptake, secretion open), maximises ``model.objective`` and, when
    the model grows, takes fluxes from parsimonious FBA.
    """

    def parse(self, path: str) -> ParsedSbml: ...

    def simulate(self, model: MetabolicModel, uptake_caps: Mapping[str, float]) -> FbaOutcome: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class SurfaceFluxes:
    """Net surface flux per gas (positive = into the atmosphere), summed over the models run."""

    flux_molecules_cm2_s: dict[str, float] = field(default_factory=dict)
    flux_mol_m2_s: dict[str, float] = field(default_factory=dict)
    biomass_gdw_m2: float = 10.0
    #: What limits each gas's flux (supply, energy, light, no producer), in words.
    limits: dict[str, str] = field(default_factory=dict)
    #: Whether an oxygenic producer runs (the atmosphere is then oxic).
    oxygenic: bool = False


class BiosignatureFluxes(Protocol):
    """What the atmosphere stage needs: an environment in, biogenic surface fluxes out."""

    def surface_fluxes(self, environment: PlanetEnvironment, *, model_ids: Sequence[str] | None = None,
                       biomass_gdw_m2: float | None = None) -> SurfaceFluxes: ...
