"""Limits checked before any work: integer ranges, physical bounds, JSON depth, methods."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.unit.entrypoints.http.conftest import EARTH, Edge, key

BIG = 2**63  # one past the largest SQL BIGINT

#: Every integer query parameter that reaches the database.
INT_PARAMS = [
    ("/planets", "offset"),
    ("/datasets", "offset"),
    ("/climate/cubes", "offset"),
    ("/pathways", "offset"),
    ("/genomes", "offset"),
    ("/genomes", "taxid"),
    ("/metabolic-models", "taxid"),
    ("/climate/cubes/x/data", "time"),
]


@pytest.mark.parametrize(("path", "param"), INT_PARAMS)
@pytest.mark.parametrize("value", [BIG - 1, BIG, 2**64 + 1, 10**30])
def test_integers_beyond_64_bits_are_422_naming_the_parameter(
    shared_open_edge: Edge, path: str, param: str, value: int
) -> None:
    r = shared_open_edge.client.get(path, params={param: str(value), "var": "ts"})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == param


def test_the_largest_documented_offset_is_served(shared_open_edge: Edge) -> None:
    r = shared_open_edge.client.get("/planets", params={"offset": str(2**53 - 1)})
    assert r.status_code == 200 and r.json()["items"] == []


def test_database_refusing_a_value_is_a_422_not_a_500(shared_open_edge: Edge) -> None:
    """The adapter's own net below the edge's bounds: SQLite cannot bind 2**63."""
    from astrobio.adapters.sql.engine import ValueOutOfRange
    from astrobio.application.ports.repositories import PlanetQuery

    with shared_open_edge.container.uow_factory()() as uow, pytest.raises(ValueOutOfRange):
        uow.planets.list(PlanetQuery(), offset=BIG, limit=1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"semi_major_axis_au": 1e-200, "orbital_period_days": None}, "semi_major_axis_au"),
        ({"semi_major_axis_au": 0.004, "orbital_period_days": None}, "semi_major_axis_au"),  # < 1 R_sun
        ({"orbital_period_days": 1e-200}, "orbital_period_days"),
    ],
)
def test_an_orbit_inside_the_star_is_422(
    shared_open_edge: Edge, change: dict[str, object], field: str
) -> None:
    body = {k: v for k, v in {**EARTH, **change}.items() if v is not None}
    r = shared_open_edge.client.post("/assess", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and "inside the star" in r.json()["detail"]


def test_an_orbit_just_outside_the_star_is_assessed(shared_open_edge: Edge) -> None:
    # 1 R_sun = 0.00465 AU: a contact orbit at 0.005 AU is extreme but physical
    body = {**EARTH, "semi_major_axis_au": 0.005}
    del body["orbital_period_days"]
    assert shared_open_edge.client.post("/assess", json=body).status_code == 200


def test_cli_assess_refuses_an_orbit_inside_the_star_with_exit_2(tmp_path: object) -> None:
    body = {**EARTH, "semi_major_axis_au": 1e-200}
    del body["orbital_period_days"]
    run = subprocess.run(
        [sys.executable, "-m", "astrobio.entrypoints.cli.main", "assess"],
        input=json.dumps(body), capture_output=True, text=True, timeout=120,
        env={"ASTROBIO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"},
    )
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "semi_major_axis_au" in lines[0] and "Traceback" not in run.stderr


def _deep(depth: int) -> bytes:
    return b'{"kind":"ingest_catalog","params":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"


@pytest.mark.parametrize("path", ["/jobs", "/jwst/denoise", "/jwst/retrieve", "/assess", "/rank"])
@pytest.mark.parametrize("body", [_deep(1000), b"[" * 1000 + b"]" * 1000, _deep(100_000)])
def test_deeply_nested_json_is_refused_before_parsing(shared_open_edge: Edge, path: str, body: bytes) -> None:
    r = shared_open_edge.client.post(path, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text[:200]
    assert "nested deeper" in r.json()["detail"]


def test_brackets_inside_strings_do_not_count_as_nesting(shared_open_edge: Edge) -> None:
    body = {**EARTH, "name": "[" * 500 + "{" * 500}
    assert shared_open_edge.client.post("/assess", json=body).status_code == 200


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH"])
def test_unknown_methods_are_405_not_401(shared_secured_edge: Edge, method: str) -> None:
    for headers in ({}, key(shared_secured_edge.tokens["viewer"])):
        r = shared_secured_edge.client.request(method, "/planets", headers=headers)
        assert r.status_code == 405, (method, headers, r.status_code)
        assert r.headers["content-type"].startswith("application/problem+json")
