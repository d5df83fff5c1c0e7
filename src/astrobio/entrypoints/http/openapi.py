"""The published OpenAPI document says what the server really answers.

Every operation may fail in ways the handlers do not declare one by one: a malformed request
(400), a missing or insufficient API key (401/403), a parameter out of range (422), a request
body over the size limit (413), a busy or unreachable database or audit log (503 with
``Retry-After``). This module adds those to each operation, documents every error body as
``application/problem+json`` (what :mod:`.errors` sends), and lists the media types of the
routes that answer in the caller's format (FITS, CSV, JSON spectra; NetCDF/HDF5 cubes).
"""

from __future__ import annotations

import copy
from typing import Any

from litestar import Litestar

from astrobio.entrypoints.jwst_schemas import SPECTRUM_EXAMPLE

PROBLEM = {"schema": {"$ref": "#/components/schemas/Problem"}}
PROBLEM_MEDIA = "application/problem+json"
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying",
                               "schema": {"type": "integer"}}}

#: Responses any operation can give, by status.
COMMON: dict[str, str] = {
    "400": "malformed request: bad JSON, JSON nested too deeply, missing body or parameter",
    "401": "a valid API key is required (ASTROBIO_AUTH=on)",
    "403": "the key's role may not do this",
    "422": "a parameter or body field is out of range; `field` names it",
    "503": "the database, queue or audit log cannot answer now; retry after `Retry-After` seconds",
}
#: Media types of answers given in the caller's format (the handler sets the header).
ANSWER_MEDIA: dict[tuple[str, str], tuple[str, ...]] = {
    ("/jwst/denoise", "post"): ("application/fits", "text/csv", "application/json"),
    ("/jwst/retrieve", "post"): ("application/json",),
    ("/predict/datacube", "post"): ("application/x-netcdf", "application/x-hdf5"),
    ("/climate/cubes/{cube_id}/data", "get"): ("application/x-netcdf", "application/x-hdf5"),
}
_METHODS = ("get", "post", "put", "patch", "delete")
_SPECTRUM_UPLOAD = {
    "description": "a spectrum: an x1d FITS file, a CSV table or a JSON object with wavelength_um, "
                   "depth_ppm and sigma_ppm arrays",
    "required": True,
    "content": {
        "application/json": {"schema": {
            "type": "object", "required": ["wavelength_um", "depth_ppm", "sigma_ppm"],
            "properties": {k: {"type": "array", "items": {"type": "number"}}
                           for k in ("wavelength_um", "depth_ppm", "sigma_ppm")},
        }, "examples": {"example1": {"summary": "a water-rich 0.92 R_earth planet, SNR 3",
                                     "value": SPECTRUM_EXAMPLE}}},
        "text/csv": {"schema": {"type": "string", "minLength": 1}},
        "application/fits": {"schema": {"type": "string", "format": "binary", "minLength": 1}},
    },
}
#: A denoised spectrum as JSON (the CSV and FITS answers carry the same columns).
SPECTRUM_ANSWER: dict[str, Any] = {
    "type": "object", "required": ["wavelength_um", "depth_ppm", "sigma_ppm"],
    "properties": {
        **{k: {"type": "array", "items": {"type": ["number", "null"]}}
           for k in ("wavelength_um", "depth_ppm", "sigma_ppm")},
        "meta": {"type": "object"},
    },
}
#: Request bodies the handlers read raw (so Litestar cannot infer them).
UPLOADS: dict[tuple[str, str], dict[str, Any]] = {
    ("/jwst/denoise", "post"): _SPECTRUM_UPLOAD,
    ("/jwst/retrieve", "post"): _SPECTRUM_UPLOAD,
}


def _document(schema: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(schema)
    for path, item in doc.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            responses: dict[str, Any] = op.setdefault("responses", {})
            for status, description in COMMON.items():
                responses.setdefault(status, {"description": description})
            if "{" in path:
                responses.setdefault("404", {"description": "no such resource, or not visible to you"})
            if "requestBody" in op:
                responses.setdefault("413", {"description": "request body larger than the server's limit"})
            if method == "post":
                responses.setdefault("409", {"description": "the request conflicts with the current state"})
            upload = UPLOADS.get((path, method))
            if upload is not None:
                op["requestBody"] = upload
            for status, response in responses.items():
                if status[:1] in ("4", "5"):
                    response["content"] = {PROBLEM_MEDIA: PROBLEM}
            responses["503"].setdefault("headers", {}).update(RETRY_AFTER)
            media = ANSWER_MEDIA.get((path, method))
            ok = responses.get("200")
            if media and isinstance(ok, dict):
                contents: dict[str, Any] = ok.get("content") or {}
                first: dict[str, Any] = next(iter(contents.values()), {})
                json_schema = SPECTRUM_ANSWER if path == "/jwst/denoise" else first.get("schema", {})
                ok["content"] = {m: {"schema": json_schema if m == "application/json" else
                                     {"type": "string", "format": "binary"}} for m in media}
    return doc


def document_errors(app: Litestar) -> None:
    """Make ``/schema`` serve the completed document (built here, once per app)."""
    # Litestar's OpenAPI plugin (a private, slotted class) caches the served dict in
    # ``_openapi_schema``; seeding that cache is the one supported-by-shape way in.
    plugin: Any = next(p for p in app.plugins if hasattr(p, "provide_openapi_schema"))
    plugin._openapi_schema = _document(plugin.provide_openapi_schema())
