"""The HTTP API over a container whose adapters are in-memory fakes (no services, no files)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import structlog
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.use_cases.assess_planet import AssessPlanet, AssessPlanetCommand
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.catalog import CatalogSnapshot, RejectedRow
from astrobio.domain.errors import CatalogUnreadable, Conflict, UpstreamUnavailable
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import ScoreWeights
from astrobio.domain.star import Star
from astrobio.entrypoints.http import create_app
from astrobio.entrypoints.http.errors import problem_for
from astrobio.entrypoints.schemas import AssessBody, AssessmentRead

# Pecaut & Mamajek (2013) dwarf J-Ks at a few Teff (enough to derive J for these stars).
COLOURS = ColourSequence(teff_k=(2400.0, 3100.0, 4400.0, 5800.0), j_minus_ks=(1.11, 0.87, 0.66, 0.36),
                         source="test colours")

TRAPPIST_1 = Star(name="TRAPPIST-1", teff_k=2566.0, radius_sun=0.1192, mass_sun=0.0898, j_mag=11.354,
                  k_mag=10.296, distance_pc=12.467)


def _planets() -> list[Planet]:
    """Archive (PSCompPars 2025-08) values for a few well-known planets."""
    return [
        Planet(name="TRAPPIST-1 e", star=TRAPPIST_1, radius_earth=0.92, mass_earth=0.692,
               orbital_period_days=6.101013, semi_major_axis_au=0.02925, eccentricity=0.0051,
               discovery_method="Transit", discovery_year=2017),
        Planet(name="TRAPPIST-1 b", star=TRAPPIST_1, radius_earth=1.116, mass_earth=1.374,
               orbital_period_days=1.510826, semi_major_axis_au=0.01154, discovery_method="Transit",
               discovery_year=2016),
        Planet(name="LHS 1140 b",
               star=Star(name="LHS 1140", teff_k=3096.0, radius_sun=0.2159, mass_sun=0.1844, k_mag=8.821,
                         distance_pc=14.9861),
               radius_earth=1.73, mass_earth=5.6, orbital_period_days=24.73723, semi_major_axis_au=0.0946,
               discovery_method="Transit", discovery_year=2017),
        Planet(name="51 Peg b",
               star=Star(name="51 Peg", teff_k=5758.0, radius_sun=1.17561, mass_sun=1.03, k_mag=3.911,
                         distance_pc=15.4614),
               mass_earth=146.2018, orbital_period_days=4.230785, semi_major_axis_au=0.0527,
               discovery_method="Radial Velocity", discovery_year=1995),
    ]


class FakeCatalog:
    def __init__(self, source: str, planets: tuple[Planet, ...]) -> None:
        self._source = source
        self._planets = planets

    @property
    def source(self) -> str:
        return self._source

    def fetch(self) -> CatalogSnapshot:
        if self._source.endswith("unreadable.csv"):
            raise CatalogUnreadable(f"{self._source}: truncated after line 3")
        return CatalogSnapshot(
            source=self._source,
            planets=self._planets,
            rejected=(RejectedRow(line=5, name="Bad b", reason="radius_earth must be > 0"),),
            rows_read=len(self._planets) + 1,
        )


class FakeCatalogs:
    """Every source yields the same three planets plus one rejected row."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def open(self, source: str) -> FakeCatalog:
        self.opened.append(source)
        return FakeCatalog(source, tuple(_planets()[:3]))


def _failing_uow() -> Any:
    raise UpstreamUnavailable("database", "connection refused")


@pytest.fixture
def db() -> InMemoryDatabase:
    database = InMemoryDatabase()
    database.planets = {p.name: p for p in _planets()}
    return database


@pytest.fixture
def catalogs() -> FakeCatalogs:
    return FakeCatalogs()


RANK_WEIGHTS = ScoreWeights(hz=0.5, esi=0.2, detectability=0.2, planet_class=0.1)


@pytest.fixture
def container(tmp_path: Path, db: InMemoryDatabase, catalogs: FakeCatalogs) -> Container:
    # the fake catalogs' files: jobs may only name files inside the import directories
    imports = (Path("/data"), Path("/tmp"))
    c = build_container(Settings(data_dir=tmp_path, rank_weights=RANK_WEIGHTS, import_dirs_paths=imports))
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.catalogs.override(providers.Object(catalogs))
    c.colours.override(providers.Object(COLOURS))
    return c


@pytest.fixture
def app(container: Container) -> Litestar:
    return create_app(container)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=app) as c:
        yield c


ASSESS_BODY: dict[str, Any] = {
    "name": "TRAPPIST-1 e",
    "radius_earth": 0.92,
    "mass_earth": 0.692,
    "orbital_period_days": 6.101013,
    "star": {"teff_k": 2566, "radius_sun": 0.1192, "mass_sun": 0.0898, "k_mag": 10.296,
             "distance_pc": 12.467},
}


def _with(**changes: Any) -> dict[str, Any]:
    body = {**ASSESS_BODY, "star": dict(ASSESS_BODY["star"])}
    for key, value in changes.items():
        target, name = (body["star"], key.removeprefix("star__")) if key.startswith("star__") else (body, key)
        if value is ...:
            target.pop(name)
        else:
            target[name] = value
    return body


# --- health ---------------------------------------------------------------------------------------


def test_health_reports_ok_and_version(client: TestClient[Litestar]) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": "0.1.0", "database": "ok"}


def test_health_is_503_when_the_database_is_unavailable(tmp_path: Path) -> None:
    # nothing listens on port 1: the readiness probe's own connection is refused at once
    unreachable = Settings(data_dir=tmp_path, database_url="postgresql://postgres@127.0.0.1:1/none")
    with TestClient(app=create_app(build_container(unreachable))) as c:
        for path in ("/health", "/health/ready"):
            r = c.get(path)
            assert r.status_code == 503 and r.headers["retry-after"] == "5"
            assert r.json()["database"] == "unavailable"
            assert r.json()["status"] == "degraded"
        live = c.get("/health/live")
        assert live.status_code == 200 and live.json()["status"] == "ok"


# --- planets --------------------------------------------------------------------------------------


def test_lists_planets_ordered_by_name_with_total(client: TestClient[Litestar]) -> None:
    r = client.get("/planets")
    assert r.status_code == 200
    page = r.json()
    assert [p["name"] for p in page["items"]] == ["51 Peg b", "LHS 1140 b", "TRAPPIST-1 b", "TRAPPIST-1 e"]
    assert (page["total"], page["offset"], page["limit"]) == (4, 0, 50)
    first = page["items"][0]
    assert first["star"]["name"] == "51 Peg" and first["radius_earth"] is None


def test_pages_planets_with_offset_and_limit(client: TestClient[Litestar]) -> None:
    page = client.get("/planets", params={"offset": 1, "limit": 2}).json()
    assert [p["name"] for p in page["items"]] == ["LHS 1140 b", "TRAPPIST-1 b"]
    assert (page["total"], page["offset"], page["limit"]) == (4, 1, 2)


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"host_name": "TRAPPIST-1"}, ["TRAPPIST-1 b", "TRAPPIST-1 e"]),
        ({"name_contains": "trappist"}, ["TRAPPIST-1 b", "TRAPPIST-1 e"]),
        ({"min_radius_earth": 1.0}, ["LHS 1140 b", "TRAPPIST-1 b"]),
        ({"max_radius_earth": 1.0}, ["TRAPPIST-1 e"]),
        ({"max_distance_pc": 13}, ["TRAPPIST-1 b", "TRAPPIST-1 e"]),
        ({"discovery_method": "Radial Velocity"}, ["51 Peg b"]),
        ({"discovery_method": "Transit", "min_radius_earth": 1.5}, ["LHS 1140 b"]),
    ],
)
def test_filters_planets(client: TestClient[Litestar], params: dict[str, Any], names: list[str]) -> None:
    page = client.get("/planets", params=params).json()
    assert [p["name"] for p in page["items"]] == names
    assert page["total"] == len(names)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 5000}, "limit"), ({"offset": -1}, "offset"),
     ({"limit": "many"}, "limit"), ({"min_radius_earth": -1}, "min_radius_earth")],
)
def test_rejects_bad_paging_and_filter_values(
    client: TestClient[Litestar], params: dict[str, Any], field: str
) -> None:
    r = client.get("/planets", params=params)
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert r.headers["content-type"].startswith("application/problem+json")


def test_gets_a_planet_by_its_url_encoded_name(client: TestClient[Litestar]) -> None:
    r = client.get("/planets/TRAPPIST-1%20e")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "TRAPPIST-1 e"
    assert body["star"]["teff_k"] == 2566.0
    assert body["orbital_period_days"] == 6.101013


def test_unknown_planet_is_a_404_problem(client: TestClient[Litestar]) -> None:
    r = client.get("/planets/Nowhere%20b")
    assert r.status_code == 404
    assert r.json() == {"title": "Not Found", "status": 404, "detail": "planet 'Nowhere b' not found",
                        "field": "name"}


def test_unknown_route_is_a_404_problem(client: TestClient[Litestar]) -> None:
    r = client.get("/no/such/route")
    assert r.status_code == 404
    assert r.json()["status"] == 404
    assert "x-request-id" in r.headers


# --- assess ---------------------------------------------------------------------------------------


def test_assess_gives_exactly_the_use_case_result(client: TestClient[Litestar]) -> None:
    r = client.post("/assess", json=ASSESS_BODY)
    assert r.status_code == 200
    body = msgspec.json.decode(msgspec.json.encode(ASSESS_BODY), type=AssessBody)
    assessment = AssessPlanet(COLOURS).execute(AssessPlanetCommand(planet=body.to_domain()))
    expected = AssessmentRead.from_domain(assessment)
    assert r.content == msgspec.json.encode(expected)
    assert r.json()["warnings"], "J derived from Ks must be flagged"


def test_assess_output_has_exactly_the_contract_fields(client: TestClient[Litestar]) -> None:
    out = client.post("/assess", json=ASSESS_BODY).json()
    assert set(out) == {"name", "teq_k", "insolation_earth", "semi_major_axis_au", "mass_earth",
                        "mass_is_estimated", "planet_class", "hz", "tsm", "esm", "esi", "warnings",
                        "composition", "runaway_flux_earth", "in_runaway", "tsm_meaningful"}
    assert set(out["hz"]) == {"recent_venus_au", "runaway_greenhouse_au", "maximum_greenhouse_au",
                              "early_mars_au", "conservative", "optimistic", "valid", "rule"}
    # TRAPPIST-1 (2566 K) is below the Kopparapu fit: Teff clamped, e inside the conservative HZ.
    assert out["hz"]["conservative"] is True and out["hz"]["valid"] is False
    assert out["planet_class"] == "rocky"


def test_assess_does_not_touch_the_database(container: Container) -> None:
    def no_database() -> Any:
        raise AssertionError("POST /assess opened a unit of work")

    container.uow_factory.override(providers.Object(no_database))
    with TestClient(app=create_app(container)) as c:
        r = c.post("/assess", json=ASSESS_BODY)
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("content", "status", "field"),
    [
        (b"", 400, None),
        (b"   ", 400, None),
        (b'{"name": "x", "radius_earth": ', 400, None),
        (b"not json", 400, None),
        (msgspec.json.encode(_with(radius_earth=...)), 422, "radius_earth"),
        (msgspec.json.encode(_with(star__teff_k="hot")), 422, "star.teff_k"),
        (msgspec.json.encode(_with(star__teff_k=...)), 422, "star.teff_k"),
        (msgspec.json.encode(_with(radius_earth=-1.0)), 422, "radius_earth"),
        (msgspec.json.encode(_with(radius_earth=0)), 422, "radius_earth"),
        (msgspec.json.encode(_with(orbital_period_days=...)), 422, "orbital_period_days"),
        (msgspec.json.encode(_with(colour="blue")), 422, "colour"),
        (msgspec.json.encode(_with(star__spectral_type="M8V")), 422, "star.spectral_type"),
        (msgspec.json.encode(_with(eccentricity=1.0)), 422, "eccentricity"),
        # unphysically large values (a unit error) are refused, not overflowed into a 500
        (msgspec.json.encode(_with(star__teff_k=1e80)), 422, "star.teff_k"),
        (msgspec.json.encode(_with(star__radius_sun=1e300)), 422, "star.radius_sun"),
        (msgspec.json.encode(_with(radius_earth=1e200)), 422, "radius_earth"),
        (msgspec.json.encode(_with(name="  ")), 422, "name"),
        (b"[]", 422, None),
        (msgspec.json.encode(_with(errors={"radius_earth": [-0.02, 0.03]})), 422, "errors.radius_earth"),
        (msgspec.json.encode(_with(errors={"mass_earth": [0.02, -0.03]})), 422, "errors.mass_earth"),
        (msgspec.json.encode(_with(errors={"mass_earth": [0.02]})), 422, "errors.mass_earth"),
        (msgspec.json.encode(_with(errors={"colour": [0.1, 0.1]})), 422, "errors.colour"),
        # what json.dumps(float("nan")) writes: a value error naming the field, not "malformed JSON"
        (json.dumps(_with(radius_earth=float("nan"))).encode(), 422, "radius_earth"),
        (json.dumps(_with(errors={"mass_earth": [float("nan"), 0.03]})).encode(), 422, "errors.mass_earth.0"),
        (json.dumps(_with(star__teff_k=float("inf"))).encode(), 422, "star.teff_k"),
    ],
    ids=["empty", "blank", "truncated-json", "not-json", "missing-radius", "non-numeric-teff",
         "missing-teff", "negative-radius", "zero-radius", "no-period-no-a", "unknown-field",
         "unknown-star-field", "eccentricity-1", "teff-1e80", "radius-sun-1e300", "radius-1e200",
         "blank-name", "array", "negative-error", "wrong-sign-plus-error", "one-sided-error",
         "unknown-error-field", "nan-radius", "nan-error", "infinite-teff"],
)
def test_assess_rejects_bad_input(
    client: TestClient[Litestar], content: bytes, status: int, field: str | None
) -> None:
    r = client.post("/assess", content=content, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    problem = r.json()
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    assert problem.get("field") == field
    assert "Traceback" not in r.text


def test_empty_assess_body_says_so(client: TestClient[Litestar]) -> None:
    assert "empty body" in client.post("/assess").json()["detail"]


# --- rank -----------------------------------------------------------------------------------------


def test_rank_uses_the_configured_weights_by_default(client: TestClient[Litestar]) -> None:
    r = client.post("/rank", json={})
    assert r.status_code == 200
    out = r.json()
    assert out["weights"] == {"hz": 0.5, "esi": 0.2, "detectability": 0.2, "planet_class": 0.1}
    assert out["considered"] == 4
    assert out["excluded"] == {"missing radius_earth": 1}
    assert [t["rank"] for t in out["targets"]] == [1, 2, 3]
    # TRAPPIST-1 e: inside the conservative HZ with Teff clamped to 2600 K (valid: false), rocky, ESI 0.85.
    assert out["targets"][0]["name"] == "TRAPPIST-1 e" and out["targets"][0]["hz_valid"] is False
    totals = [t["score"]["total"] for t in out["targets"]]
    assert totals == sorted(totals, reverse=True)


def test_rank_with_an_empty_body_means_defaults(client: TestClient[Litestar]) -> None:
    assert client.post("/rank").json() == client.post("/rank", json={}).json()


def test_rank_applies_body_weights_and_filters(client: TestClient[Litestar]) -> None:
    weights = {"hz": 0, "esi": 1, "detectability": 0, "planet_class": 0}
    body = {"top": 1, "max_radius_earth": 1.5, "weights": weights}
    out = client.post("/rank", json=body).json()
    assert out["weights"] == {"hz": 0.0, "esi": 1.0, "detectability": 0.0, "planet_class": 0.0}
    assert [t["name"] for t in out["targets"]] == ["TRAPPIST-1 e"]  # the highest ESI of the small ones
    assert out["filtered_out"] == {"radius above maximum": 1}
    assert out["eligible"] == 2


def test_rank_filters_on_the_habitable_zone(client: TestClient[Litestar]) -> None:
    # TRAPPIST-1 (2566 K) lies below the 2600 K edge of the Kopparapu fit: its limits are those at
    # 2600 K and membership is reported with valid: false (the same rule as assess and the pipeline).
    out = client.post("/rank", json={"hz": "conservative"}).json()
    assert [t["name"] for t in out["targets"]] == ["TRAPPIST-1 e", "LHS 1140 b"]
    assert [t.get("hz_valid", True) for t in out["targets"]] == [False, True]
    assert out["filtered_out"] == {"outside conservative HZ": 1}


@pytest.mark.parametrize(
    ("body", "field"),
    [({"hz": "somewhere"}, "hz"), ({"top": 0}, "top"), ({"planet_classes": ["rock"]}, "planet_classes[0]"),
     ({"weights": {"hz": -1}}, "weights.hz"), ({"weights": {"hz": 0, "esi": 0, "detectability": 0,
                                                             "planet_class": 0}}, "weights"),
     ({"bogus": 1}, "bogus")],
)
def test_rank_rejects_bad_input(client: TestClient[Litestar], body: dict[str, Any], field: str) -> None:
    r = client.post("/rank", json=body)
    assert r.status_code == 422
    assert r.json()["field"] == field


# --- jobs -----------------------------------------------------------------------------------------


def _finished_job(client: TestClient[Litestar], job_id: str, timeout_s: float = 10.0) -> dict[str, Any]:
    """Poll ``GET /jobs/{id}`` until the in-process queue has run the job."""
    deadline = time.monotonic() + timeout_s
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if job["state"] in {"succeeded", "failed"} or time.monotonic() > deadline:
            return job
        time.sleep(0.01)


def test_ingest_job_is_accepted_then_succeeds_with_counts(
    client: TestClient[Litestar], container: Container, catalogs: FakeCatalogs, db: InMemoryDatabase
) -> None:
    r = client.post("/jobs/ingest/catalog", json={"source": "/data/snapshot.csv"})
    assert r.status_code == 202
    job = r.json()
    assert job["kind"] == "ingest_catalog"
    assert job["state"] in {"queued", "running", "succeeded"}
    assert job["params"] == {"source": "/data/snapshot.csv"}
    assert r.headers["location"] == f"/jobs/{job['id']}"
    done = _finished_job(client, job["id"])
    assert done["state"] == "succeeded"
    assert done["error"] is None
    result = done["result"]
    # LHS 1140 b is stored without J; ingestion derives it from Ks, so that planet is updated.
    assert (result["read"], result["inserted"], result["updated"], result["unchanged"]) == (4, 0, 1, 2)
    assert db.planets["LHS 1140 b"].star.j_mag_is_derived
    assert result["rejected_count"] == 1
    assert result["rejected"] == [{"line": 5, "name": "Bad b", "reason": "radius_earth must be > 0"}]
    assert catalogs.opened == ["/data/snapshot.csv"]


def test_ingest_job_inserts_into_an_empty_catalog(
    client: TestClient[Litestar], container: Container, db: InMemoryDatabase
) -> None:
    db.planets = {}
    job_id = client.post("/jobs/ingest/catalog", json={}).json()["id"]
    result = _finished_job(client, job_id)["result"]
    assert (result["inserted"], result["unchanged"]) == (3, 0)
    assert set(db.planets) == {"TRAPPIST-1 e", "TRAPPIST-1 b", "LHS 1140 b"}


def test_ingest_with_an_empty_body_uses_the_bundled_snapshot(
    client: TestClient[Litestar], container: Container, catalogs: FakeCatalogs
) -> None:
    r = client.post("/jobs/ingest/catalog")
    assert r.status_code == 202
    assert r.json()["params"] == {"source": "bundled"}
    assert _finished_job(client, r.json()["id"])["state"] == "succeeded"
    assert catalogs.opened == ["bundled"]


def test_job_with_an_unreadable_catalog_fails_with_the_message(
    client: TestClient[Litestar], container: Container, db: InMemoryDatabase
) -> None:
    before = dict(db.planets)
    job_id = client.post("/jobs/ingest/catalog", json={"source": "/tmp/unreadable.csv"}).json()["id"]
    job = _finished_job(client, job_id)
    assert job["state"] == "failed"
    assert job["error"] == "/tmp/unreadable.csv: truncated after line 3"
    assert job["result"] is None
    assert db.planets == before


def test_ingest_rejects_unknown_body_fields(client: TestClient[Litestar]) -> None:
    r = client.post("/jobs/ingest/catalog", json={"path": "x.csv"})
    assert r.status_code == 422
    assert r.json()["field"] == "path"


def test_unknown_job_is_a_404_problem(client: TestClient[Litestar]) -> None:
    r = client.get("/jobs/0123456789abcdef")
    assert r.status_code == 404
    assert r.json()["field"] == "job_id"


def test_unreachable_queue_is_a_503_problem(container: Container) -> None:
    class DownQueue:
        def enqueue(self, job_id: str, *, attempt: int = 0, defer_s: float = 0.0) -> None:
            raise UpstreamUnavailable("redis", "connection refused")

    container.task_queue.override(providers.Object(DownQueue()))
    with TestClient(app=create_app(container)) as c:
        r = c.post("/jobs/ingest/catalog", json={})
    assert r.status_code == 503
    assert r.json()["detail"] == "upstream service 'redis' unavailable: connection refused"


# --- cross-cutting --------------------------------------------------------------------------------


def test_echoes_the_callers_request_id(client: TestClient[Litestar]) -> None:
    r = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"


def test_generates_a_request_id_when_absent_or_unsafe(client: TestClient[Litestar]) -> None:
    a = client.get("/health").headers["x-request-id"]
    b = client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"}).headers["x-request-id"]
    assert len(a) == 32 and len(b) == 32 and a != b


def test_logs_one_access_line_per_request_with_the_request_id(client: TestClient[Litestar]) -> None:
    with structlog.testing.capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        client.get("/planets/TRAPPIST-1%20e", headers={"X-Request-ID": "req-42"})
        client.post("/assess", content=b"", headers={"X-Request-ID": "req-43"})
    access = [e for e in logs if e["event"] == "http.request"]
    assert len(access) == 2
    first, second = access
    assert first["request_id"] == "req-42" and first["method"] == "GET"
    assert first["path"] == "/planets/TRAPPIST-1 e" and first["status"] == 200
    assert second["request_id"] == "req-43" and second["status"] == 400
    assert all(isinstance(e["duration_ms"], float) for e in access)


def test_unexpected_errors_are_a_generic_500_and_logged(container: Container) -> None:
    class Broken:
        def execute(self, command: object) -> None:
            raise RuntimeError("secret internals")

    container.list_planets.override(providers.Object(Broken()))
    with (
        TestClient(app=create_app(container)) as c,
        structlog.testing.capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs,
    ):
        r = c.get("/planets", headers={"X-Request-ID": "boom"})
    assert r.status_code == 500
    assert r.json()["status"] == 500
    assert "secret" not in r.text and "Traceback" not in r.text
    errors = [e for e in logs if e["event"] == "http.unhandled_exception"]
    assert len(errors) == 1 and errors[0]["request_id"] == "boom"
    assert isinstance(errors[0]["exc_info"], RuntimeError)


@pytest.mark.parametrize(
    ("exc", "status"),
    [(Conflict("job already finished"), 409), (CatalogUnreadable("bad file", field="source"), 422),
     (UpstreamUnavailable("archive"), 503)],
)
def test_maps_domain_errors_to_statuses(exc: Exception, status: int) -> None:
    assert problem_for(exc).status == status


def test_openapi_documents_every_endpoint_and_request_body(client: TestClient[Litestar]) -> None:
    r = client.get("/schema/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert {"/health", "/planets", "/planets/{name}", "/assess", "/rank", "/jobs/ingest/catalog",
            "/jobs/{job_id}"} <= set(spec["paths"])
    assess = spec["paths"]["/assess"]["post"]
    assert "Kopparapu" in assess["description"]
    schema = assess["requestBody"]["content"]["application/json"]["schema"]
    assert "radius_earth" in schema["required"]
    assert "teff_k" in schema["properties"]["star"]["properties"]
    assert spec["paths"]["/jobs/ingest/catalog"]["post"]["requestBody"]["required"] is False


def test_any_known_job_kind_is_queued_through_post_jobs(
    client: TestClient[Litestar], catalogs: FakeCatalogs
) -> None:
    kinds = client.get("/jobs/kinds").json()
    assert {"ingest_catalog", "train_climate", "climate_sweep"} <= set(kinds)
    r = client.post("/jobs", json={"kind": "ingest_catalog", "params": {"source": "/data/snapshot.csv"}})
    assert r.status_code == 202 and r.headers["location"] == f"/jobs/{r.json()['id']}"
    assert _finished_job(client, r.json()["id"])["state"] == "succeeded"
    assert catalogs.opened == ["/data/snapshot.csv"]


def test_post_jobs_refuses_an_unknown_kind_and_a_body_without_kind(client: TestClient[Litestar]) -> None:
    r = client.post("/jobs", json={"kind": "make_coffee"})
    assert r.status_code == 422 and r.json()["field"] == "kind"
    r = client.post("/jobs", json={"params": {}})
    assert r.status_code in (400, 422) and "kind" in r.json()["detail"]
