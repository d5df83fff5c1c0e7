"""Request bodies: decoded with msgspec here (precise 400 vs 422), documented in OpenAPI."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import msgspec
from litestar.exceptions import ClientException
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema

T = TypeVar("T", bound=msgspec.Struct)


def decode_body(raw: bytes, type_: type[T], *, default: T | None = None) -> T:
    """Decode a JSON body into ``type_``.

    An empty (or blank) body gives ``default``, or a 400 when there is none. Malformed
    JSON raises ``msgspec.DecodeError`` (400) and a schema violation
    ``msgspec.ValidationError`` (422); :mod:`.errors` maps both.
    """
    if not raw.strip():
        if default is not None:
            return default
        raise ClientException("empty body: send a JSON object")
    return msgspec.json.decode(raw, type=type_)


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace msgspec's ``#/$defs/...`` references by the definitions (the bodies are not recursive)."""
    defs: dict[str, Any] = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return cast(dict[str, Any], resolve(schema))


def json_body(type_: type[msgspec.Struct], *, required: bool = True) -> type[Operation]:
    """An OpenAPI ``Operation`` class whose request body is ``type_``'s JSON schema.

    Handlers read the raw body themselves, so Litestar cannot infer it; pass the result
    as ``operation_class=`` to the route decorator.
    """
    schema = _inline_refs(msgspec.json.schema(type_))
    description = inspect.getdoc(type_) or type_.__name__
    if not required:
        description += " An empty body means every default."

    @dataclass
    class BodyOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = RequestBody(
                content={"application/json": OpenAPIMediaType(schema=cast(Schema, schema))},
                description=description,
                required=required,
            )

    BodyOperation.__name__ = f"{type_.__name__}Operation"
    return BodyOperation
