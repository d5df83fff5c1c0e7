"""Every documented example body is sent to the live app and must succeed.

The examples are discovered at test time: from the OpenAPI schema (each request body's
``examples``) and from the guides in ``docs/`` and the README (a fenced ``json`` block whose
introducing paragraph names ``POST /path`` and the word "request"). A fresh data directory gets
what a newcomer's first steps store (migrations, the bundled catalog, KEGG maps, the e_coli_core
model). Jobs are accepted but not run: the queue records them (the job kinds are tested elsewhere).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
#: Values for path parameters: things a fresh data directory holds after the fixture's ingestions.
PATH_VALUES = {"dataset_id": "exoplanet_table.pscomppars"}

pytestmark = pytest.mark.integration


class RecordingQueue:
    """Accepts jobs without running them."""

    def __init__(self) -> None:
        self.job_ids: list[str] = []

    def enqueue(self, job_id: str, *, attempt: int = 0, defer_s: float = 0.0) -> None:
        self.job_ids.append(job_id)

    def drain(self, timeout_s: float | None = None) -> None:
        return None

    def __getattr__(self, name: str) -> Any:  # any other queue call (reaper, cancel) is a no-op
        return lambda *args, **kwargs: None


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    r = subprocess.run([sys.executable, "-m", "astrobio.entrypoints.cli.main", *args], env=env,
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    ok = r.returncode == 0 or args[:2] == ("db", "upgrade")
    assert ok, f"astrobio {' '.join(args)}: {r.stderr[-2000:]}"
    return r


def migrate(env: dict[str, str]) -> None:
    """``db upgrade`` of a fresh data directory."""
    r = _cli(env, "db", "upgrade")
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from dependency_injector import providers
    from litestar.testing import TestClient

    from astrobio.bootstrap.container import build_container
    from astrobio.bootstrap.settings import load_settings
    from astrobio.entrypoints.http import create_app

    data = tmp_path_factory.mktemp("examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    env.update(ASTROBIO_DATA_DIR=str(data), OMP_NUM_THREADS="1")
    migrate(env)
    _cli(env, "ingest", "catalog", "--source", "bundled")
    _cli(env, "ingest", "kegg")
    _cli(env, "ingest", "sbml", str(ROOT / "data/metabolic_models/e_coli_core.xml.gz"))
    with pytest.MonkeyPatch.context() as mp:
        for k in [k for k in os.environ if k.startswith("ASTROBIO_")]:
            mp.delenv(k)
        mp.setenv("ASTROBIO_DATA_DIR", str(data))
        container = build_container(load_settings())
        container.task_queue.override(providers.Object(RecordingQueue()))
        with TestClient(create_app(container)) as c:
            yield c


def openapi_examples(schema: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """``(method, path, summary, body)`` for every request-body example in the schema."""
    found = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for media in (op.get("requestBody") or {}).get("content", {}).values():
                for ex in (media.get("examples") or {}).values():
                    found.append((method.upper(), path, ex.get("summary", ""), ex["value"]))
    return found


_REQUEST = re.compile(r"`(POST|PUT|PATCH) (/[^`\s?]*)[^`]*`[^\n]*\brequest\b", re.I)


def docs_examples() -> list[tuple[str, str, str, Any]]:
    """``(method, path, where, body)`` for each ```json block whose introducing paragraph names
    "`POST /path` … request"."""
    found = []
    for doc in DOCS:
        text = doc.read_text()
        for m in re.finditer(r"```json\n(.*?)```", text, re.S):
            before = text[:m.start()].rstrip().rsplit("\n\n", 1)[-1].replace("\n", " ")  # the paragraph
            hit = _REQUEST.search(before)
            if hit:
                where = f"{doc.name}:{text[:m.start()].count(chr(10)) + 1}"
                found.append((hit.group(1).upper(), hit.group(2), where, json.loads(m.group(1))))
    return found


def _fill(path: str) -> str:
    def value(m: re.Match[str]) -> str:
        name = m.group(1).split(":", 1)[0]
        assert name in PATH_VALUES, f"no value for path parameter {name!r}: add it to PATH_VALUES"
        return PATH_VALUES[name]

    return re.sub(r"\{([^}]+)\}", value, path)


def test_every_json_request_body_in_the_schema_has_a_worked_example(client: Any) -> None:
    schema = client.get("/schema/openapi.json").json()
    missing = [f"{m.upper()} {p}" for p, ops in schema["paths"].items() for m, op in ops.items()
               if "application/json" in (op.get("requestBody") or {}).get("content", {})
               and not op["requestBody"]["content"]["application/json"].get("examples")]
    assert not missing, f"request bodies without an example: {missing}"
    components = schema["components"]["schemas"]
    assert components["AssessmentRead"].get("examples") and components["JobRead"].get("examples")


def test_every_documented_example_body_succeeds_against_the_live_app(client: Any) -> None:
    schema = client.get("/schema/openapi.json").json()
    examples = openapi_examples(schema) + docs_examples()
    assert len(examples) >= 16, "the examples were not discovered"
    failures = []
    for method, path, where, body in examples:
        r = client.request(method, _fill(path), json=body)
        if r.status_code >= 300:
            failures.append(f"{method} {path} ({where}): {r.status_code} {r.text[:300]}")
    assert not failures, "\n".join(failures)


def test_documented_response_examples_are_valid_json() -> None:
    """Every ```json block of the "Request and response formats" sections (and the README) parses."""
    for doc in DOCS:
        text = doc.read_text()
        if doc.name != "README.md":
            parts = text.split("## Request and response formats", 1)
            text = parts[1].split("\n## ", 1)[0] if len(parts) == 2 else ""
        for m in re.finditer(r"```json\n(.*?)```", text, re.S):
            json.loads(m.group(1))  # a response or request example that is not JSON misleads readers


def test_response_examples_in_the_schema_decode_into_their_structs() -> None:
    import importlib
    import inspect as _inspect
    import pkgutil

    import msgspec

    import astrobio.entrypoints as pkg

    checked = 0
    for info in pkgutil.walk_packages(pkg.__path__, "astrobio.entrypoints."):
        if ".cli" in info.name or info.name.endswith("worker"):
            continue
        module = importlib.import_module(info.name)
        for _, cls in _inspect.getmembers(module, _inspect.isclass):
            if issubclass(cls, msgspec.Struct) and cls.__module__ == module.__name__:
                for _summary, body in getattr(cls, "__examples__", ()):
                    msgspec.convert(body, cls)  # an example that does not fit its Struct misleads
                    checked += 1
    assert checked >= 18


def test_the_jwst_guide_names_the_spectrum_columns_and_the_predict_bodies_differ_visibly() -> None:
    jwst = (ROOT / "docs/jwst.md").read_text().split("## Request and response formats", 1)[1]
    for column in ("wavelength_um", "depth_ppm", "sigma_ppm", "WAVELENGTH", "FLUX", "FLUX_ERROR"):
        assert f"`{column}`" in jwst, column
    bodies = {(m, p) for m, p, _, _ in docs_examples()}
    assert {("POST", "/predict"), ("POST", "/predict/datacube"), ("POST", "/jwst/denoise")} <= bodies


def test_every_feature_guide_with_request_bodies_has_a_formats_section() -> None:
    posts = re.compile(r"`POST /(predict|jwst|pathways|metabolism|pipeline|datasets)")
    for doc in DOCS:
        if doc.name in ("README.md", "operations.md"):  # operations.md only refers to other guides
            continue
        if posts.search(doc.read_text()):
            assert "## Request and response formats" in doc.read_text(), f"{doc.name}: no formats section"
