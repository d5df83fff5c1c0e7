"""Every JSON answer in the OpenAPI schema carries a worked example, and every example fits its Struct."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

import msgspec
import pytest

import astrobio.entrypoints as entrypoints
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.settings import Settings
from astrobio.entrypoints.http import create_app

#: Answers that are not JSON documents: files (NetCDF, HDF5), pages, Prometheus metrics.
NON_JSON_TYPES = ("application/x-netcdf", "application/x-hdf5", "application/x-hdf",
                  "application/octet-stream", "text/html", "text/plain", "text/csv")

#: JSON answers whose handler returns a plain list/dict/string, not a Struct, so no ``__examples__``
#: can reach the schema. Kept exact: an entry that gains an example must leave this set.
NOT_A_STRUCT = {
    ("GET", "/jobs/kinds"),  # list[str]
    ("GET", "/climate/cubes/{cube_id}/data"),  # a NetCDF/HDF5 file, documented as a JSON string
    ("POST", "/jobs/climate/sweep"),  # dict
    ("GET", "/datasets/{dataset_id}/lineage"),  # W3C PROV-JSON dict
    ("POST", "/jwst/denoise"),  # str
    ("POST", "/jwst/retrieve"),  # untyped
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir: Path = tmp_path_factory.mktemp("data")
    return create_app(build_container(Settings(data_dir=data_dir))).openapi_schema.to_schema()


def _has_example(node: dict[str, Any], components: dict[str, Any]) -> bool:
    if node.get("examples") or node.get("example") is not None:
        return True
    if "$ref" in node:
        return _has_example(components[node["$ref"].rsplit("/", 1)[-1]], components)
    alternatives = node.get("oneOf") or node.get("anyOf")
    if alternatives:  # a union answer: every alternative shows itself
        return all(_has_example(alt, components) for alt in alternatives)
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return _has_example(node["items"], components)  # a list of Structs: the item's example
    return False


def _json_answers(schema: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    answers = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                if not str(status).startswith("2"):
                    continue
                for content_type, media in (response.get("content") or {}).items():
                    if content_type.split(";")[0].strip() in NON_JSON_TYPES:
                        continue
                    answers.append((method.upper(), path, str(status), media))
    return answers


def test_every_json_answer_in_the_schema_has_a_worked_example(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    answers = _json_answers(schema)
    assert len(answers) >= 40
    missing = {(method, path) for method, path, _status, media in answers
               if not media.get("examples") and not _has_example(media.get("schema", {}), components)}
    assert missing == NOT_A_STRUCT, f"JSON answers without an example: {sorted(missing - NOT_A_STRUCT)}"


def _structs_with_examples() -> list[type[msgspec.Struct]]:
    found = []
    for info in pkgutil.walk_packages(entrypoints.__path__, "astrobio.entrypoints."):
        if ".cli" in info.name or info.name.endswith("worker"):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, msgspec.Struct) and cls.__module__ == module.__name__
                    and getattr(cls, "__examples__", None)):
                found.append(cls)
    return found


def test_every_example_decodes_into_its_struct() -> None:
    structs = _structs_with_examples()
    assert len(structs) >= 40
    for cls in structs:
        for summary, body in cls.__examples__:  # type: ignore[attr-defined]
            assert isinstance(summary, str) and summary
            msgspec.convert(body, cls)  # a wrong example misleads every client that copies it


def test_a_wrong_example_is_caught() -> None:
    from astrobio.entrypoints.schemas import PlanetRead

    body = dict(PlanetRead.__examples__[0][1])
    body["radius_earth"] = "large"
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(body, PlanetRead)
