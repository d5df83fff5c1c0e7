"""Genome-scale models through COBRApy, pinned to published growth and known stoichiometry.

* e_coli_core grows at 0.874 h^-1 on its default (glucose, aerobic) medium (Orth et al. 2010).
* Hydrogenotrophic methanogenesis: 4 H2 + CO2 -> CH4 + 2 H2O, so CH4 released <= 1/4 of H2 taken
  up (the rest of the electrons reduce CO2 into biomass) and close to it.
* Oxygenic photosynthesis: photosynthetic quotient O2/CO2 = 1.0-1.1 on ammonium and ~1.4 on
  nitrate (Laws 1991, Deep-Sea Res. 38, 143; Burris 1981).
* No electron donor, no growth; a hyperthermophile does not grow at 30 degC.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from astrobio.adapters.memory.metabolism import InMemoryMetabolicModelRepository
from astrobio.adapters.metabolism.bundled import bundled_sbml_commands
from astrobio.adapters.metabolism.cobra_engine import CobraFbaEngine
from astrobio.adapters.metabolism.sbml_store import LocalSbmlStore
from astrobio.application.ports.metabolism import BiosignatureFluxes
from astrobio.application.use_cases.metabolism import (
    IngestSbml,
    IngestSbmlCommand,
    SimulateMetabolism,
    SimulateMetabolismCommand,
)
from astrobio.domain.errors import InvalidDataset, InvalidQuantity, NotFound
from astrobio.domain.metabolism import MetabolismResult
from astrobio.domain.metabolism_environment import PlanetEnvironment

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "data" / "metabolic_models"
#: AGORA2 M. smithii is held at ingest by the sanity checks (tests/integration/test_metabolism_sanity.py).
FAST = ("e_coli_core", "iAF692", "iJN678", "T_Maritima")


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def engine() -> CobraFbaEngine:
    return CobraFbaEngine()


@pytest.fixture(scope="module")
def registry(engine: CobraFbaEngine,
             tmp_path_factory: pytest.TempPathFactory) -> InMemoryMetabolicModelRepository:
    repo = InMemoryMetabolicModelRepository()
    ingest = IngestSbml(repo, LocalSbmlStore(tmp_path_factory.mktemp("sbml")), engine, FixedClock())
    for command in bundled_sbml_commands(MODELS):
        if command.model_id in FAST:
            ingest.execute(command)
    return repo


@pytest.fixture(scope="module")
def simulate(registry: InMemoryMetabolicModelRepository, engine: CobraFbaEngine) -> SimulateMetabolism:
    return SimulateMetabolism(registry, engine)


def run(sim: SimulateMetabolism, model_id: str, env: PlanetEnvironment) -> MetabolismResult:
    (result,) = sim.execute(SimulateMetabolismCommand(environment=env, model_ids=[model_id]))
    return result


HYDROGENOTROPHIC = PlanetEnvironment(temperature_k=310.0, pressure_bar=1.0,
                                     partial_pressures_bar={"h2": 0.05, "co2": 0.1, "n2": 0.8})


def test_e_coli_core_grows_at_its_published_rate_on_the_default_medium(
        registry: InMemoryMetabolicModelRepository) -> None:
    model = registry.get("e_coli_core")
    assert model is not None
    assert model.quality.objective_present
    assert model.quality.default_growth_per_h == pytest.approx(0.874, abs=0.001)
    assert model.ncbi_taxid == 511145 and model.exchanges["o2"] == "EX_o2_e"


def test_bundled_models_carry_ids_organisms_taxids_and_verified_exchange_ids(
        registry: InMemoryMetabolicModelRepository) -> None:
    barkeri = registry.get("iAF692")
    assert barkeri is not None and barkeri.organism == "Methanosarcina barkeri str. Fusaro"
    assert {barkeri.exchanges[k] for k in ("h2", "co2", "ch4")} == {"EX_h2_e", "EX_co2_e", "EX_ch4_e"}
    cyano = registry.get("iJN678")
    assert cyano is not None and cyano.exchanges["photon"] == "EX_photon_e"
    for m in registry.list():
        assert m.quality.blocked_reactions > 0 and m.quality.mass_imbalanced >= 0


def test_methanogen_releases_a_quarter_of_its_h2_uptake_as_ch4(simulate: SimulateMetabolism) -> None:
    r = run(simulate, "iAF692", HYDROGENOTROPHIC)
    assert r.grows and r.feasible
    h2_uptake, ch4 = -r.gas_flux_mmol_gdw_h["h2"], r.gas_flux_mmol_gdw_h["ch4"]
    assert h2_uptake > 0 and ch4 > 0
    assert ch4 / h2_uptake <= 0.25 + 1e-9  # 4 H2 + CO2 -> CH4 + 2 H2O is the ceiling
    # Growth yields of ~5-8 gDW per mol CH4 put ~10-20 % of the H2 electrons into biomass (Thauer
    # et al. 2008, Nat Rev Microbiol 6, 579): CH4/H2 between 0.2 and 0.25, never lower than ~0.18.
    assert ch4 / h2_uptake >= 0.18
    assert r.gas_flux_mmol_gdw_h["co2"] < 0  # CO2 is consumed
    assert r.surface_flux_molecules_cm2_s["ch4"] > 0


def test_biosignature_fluxes_port_gives_supply_limited_surface_fluxes(simulate: SimulateMetabolism) -> None:
    """The methanogens' CH4 is their FBA yield (CH4 per H2) x the H2 the planet supplies (outgassing,
    default 1e10 cm^-2 s^-1, nearly all drawn into the ocean; Kharecha et al. 2005), not growth x biomass."""
    port: BiosignatureFluxes = simulate
    one = port.surface_fluxes(HYDROGENOTROPHIC, model_ids=["iAF692"])
    assert 0.18e10 <= one.flux_molecules_cm2_s["ch4"] <= 0.25e10
    assert one.flux_mol_m2_s["ch4"] == pytest.approx(one.flux_molecules_cm2_s["ch4"] * 1e4 / 6.02214076e23)
    assert "outgassing" in one.limits["ch4"] and not one.oxygenic
    both = port.surface_fluxes(HYDROGENOTROPHIC, model_ids=["iAF692", "e_coli_core"], biomass_gdw_m2=1.0)
    assert both.flux_molecules_cm2_s["ch4"] == pytest.approx(one.flux_molecules_cm2_s["ch4"])
    more = PlanetEnvironment(temperature_k=310.0, pressure_bar=1.0, h2_outgassing_molecules_cm2_s=1e11,
                             partial_pressures_bar={"h2": 0.05, "co2": 0.1, "n2": 0.8})
    assert port.surface_fluxes(more, model_ids=["iAF692"]).flux_molecules_cm2_s["ch4"] == pytest.approx(
        10 * one.flux_molecules_cm2_s["ch4"], rel=0.05)


def test_no_growth_without_an_electron_donor(simulate: SimulateMetabolism) -> None:
    no_h2 = PlanetEnvironment(temperature_k=310.0, pressure_bar=1.0,
                              partial_pressures_bar={"co2": 0.1, "n2": 0.8})
    r = run(simulate, "iAF692", no_h2)
    assert not r.grows and r.growth_per_h == 0.0
    assert "no growth under these conditions" in r.message
    assert all(v == 0.0 for v in r.gas_flux_mmol_gdw_h.values())


def test_cyanobacterium_evolves_o2_at_a_photosynthetic_quotient_near_one(
        simulate: SimulateMetabolism) -> None:
    lit = dict(temperature_k=303.0, pressure_bar=1.0, photon_flux_umol_m2_s=500.0)
    on_nh4 = run(simulate, "iJN678", PlanetEnvironment(
        **lit, partial_pressures_bar={"co2": 0.01, "n2": 0.78, "o2": 0.01, "nh3": 1e-6}))  # type: ignore[arg-type]
    assert on_nh4.grows
    pq = on_nh4.gas_flux_mmol_gdw_h["o2"] / -on_nh4.gas_flux_mmol_gdw_h["co2"]
    assert pq == pytest.approx(1.05, abs=0.1)
    on_no3 = run(simulate, "iJN678", PlanetEnvironment(
        **lit, partial_pressures_bar={"co2": 0.01, "n2": 0.78, "o2": 0.01}))  # type: ignore[arg-type]
    pq_no3 = on_no3.gas_flux_mmol_gdw_h["o2"] / -on_no3.gas_flux_mmol_gdw_h["co2"]
    assert 1.3 <= pq_no3 <= 1.6
    dark = run(simulate, "iJN678", PlanetEnvironment(
        temperature_k=303.0, pressure_bar=1.0, partial_pressures_bar={"co2": 0.01, "n2": 0.78}))
    assert not dark.grows


def test_hyperthermophile_grows_only_when_hot(simulate: SimulateMetabolism) -> None:
    base = {"pressure_bar": 1.0, "partial_pressures_bar": {"co2": 0.01, "n2": 0.8},
            "organics_mmol_gdw_h": {"glucose": 10.0}}
    hot = run(simulate, "T_Maritima", PlanetEnvironment(temperature_k=353.0, **base))  # type: ignore[arg-type]
    mild = run(simulate, "T_Maritima", PlanetEnvironment(temperature_k=303.0, **base))  # type: ignore[arg-type]
    assert hot.grows and hot.temperature_factor == pytest.approx(1.0, abs=0.01)
    assert hot.gas_flux_mmol_gdw_h["h2"] > 0  # T. maritima ferments glucose to acetate, CO2 and H2
    assert not mild.grows and mild.temperature_factor == 0.0


def test_unknown_model_and_unknown_organic_are_refused(simulate: SimulateMetabolism) -> None:
    with pytest.raises(NotFound):
        run(simulate, "no_such_model", HYDROGENOTROPHIC)
    env = PlanetEnvironment(temperature_k=310.0, pressure_bar=1.0, organics_mmol_gdw_h={"unobtainium": 1.0})
    with pytest.raises(InvalidQuantity) as err:
        simulate.execute(SimulateMetabolismCommand(environment=env))
    assert err.value.field == "organics_mmol_gdw_h.unobtainium"


@pytest.fixture
def empty(engine: CobraFbaEngine,
          tmp_path: Path) -> Iterator[tuple[IngestSbml, InMemoryMetabolicModelRepository, Path]]:
    repo, store = InMemoryMetabolicModelRepository(), tmp_path / "store"
    yield IngestSbml(repo, LocalSbmlStore(store), engine, FixedClock()), repo, store


def _sbml_text() -> str:
    return gzip.decompress((MODELS / "e_coli_core.xml.gz").read_bytes()).decode()


def test_truncated_sbml_is_refused_and_writes_nothing(empty, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest, repo, store = empty
    text = _sbml_text()
    bad = tmp_path / "truncated.xml"
    bad.write_text(text[: len(text) // 2])
    with pytest.raises(InvalidDataset, match="truncated"):
        ingest.execute(IngestSbmlCommand(path=str(bad)))
    assert repo.list() == [] and not store.exists()


def test_malformed_and_non_sbml_files_are_refused(empty, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest, repo, _ = empty
    (tmp_path / "a.xml").write_text("<sbml><model id='x'><listOfReactions></model></sbml>")
    (tmp_path / "b.xml").write_text("<html><body>not a model</body></html>")
    (tmp_path / "c.xml.gz").write_bytes(gzip.compress(b"<sbml>")[:-6])
    for name, word in (("a.xml", "malformed"), ("b.xml", "not SBML"), ("c.xml.gz", "gzip")):
        with pytest.raises(InvalidDataset, match=word):
            ingest.execute(IngestSbmlCommand(path=str(tmp_path / name)))
    assert repo.list() == []


def test_sbml_without_an_objective_is_refused(empty, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest, repo, store = empty
    text = _sbml_text()
    start, end = text.index("<fbc:listOfObjectives"), text.index("</fbc:listOfObjectives>")
    no_obj = tmp_path / "no_objective.xml"
    no_obj.write_text(text[:start] + text[end + len("</fbc:listOfObjectives>"):])
    with pytest.raises(InvalidDataset) as err:
        ingest.execute(IngestSbmlCommand(path=str(no_obj)))
    assert err.value.field == "objective" and "objective" in err.value.message
    assert repo.list() == [] and not store.exists()


def test_catalog_naming_unknown_exchange_reactions_is_refused(empty) -> None:  # type: ignore[no-untyped-def]
    ingest, repo, store = empty
    command = IngestSbmlCommand(path=str(MODELS / "e_coli_core.xml.gz"),
                                base_medium={"EX_unobtainium_e": 10.0})
    with pytest.raises(InvalidDataset) as err:
        ingest.execute(command)
    assert err.value.field == "base_medium" and "EX_unobtainium_e" in err.value.message
    assert repo.list() == [] and not store.exists()


def test_reingesting_the_same_file_is_idempotent(empty) -> None:  # type: ignore[no-untyped-def]
    ingest, repo, store = empty
    a = ingest.execute(IngestSbmlCommand(path=str(MODELS / "e_coli_core.xml.gz")))
    b = ingest.execute(IngestSbmlCommand(path=str(MODELS / "e_coli_core.xml.gz")))
    assert a == b and [m.id for m in repo.list()] == ["e_coli_core"]
    assert len(list(store.rglob("*.xml.gz"))) == 1
