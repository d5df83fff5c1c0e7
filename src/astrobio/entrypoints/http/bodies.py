"""Request bodies: decoded with msgspec here (precise 400 vs 422), documented in OpenAPI."""

from __future__ import annotations

import inspect
import json
import math
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import msgspec
from litestar.exceptions import ClientException
from litestar.openapi.spec import Example, OpenAPIMediaType, Operation, RequestBody, Schema

from astrobio.domain.errors import InvalidQuantity

T = TypeVar("T", bound=msgspec.Struct)

#: The largest integer a query parameter may carry (beyond it: 422, never a 500): inside SQL
#: BIGINT, and the largest integer a double holds exactly (OpenAPI tools compare as doubles).
MAX_INT_PARAM = 2**53 - 1

#: Deepest JSON nesting any body accepts. Real bodies nest a few levels; a deeper document is
#: refused (400) before it reaches a recursive parser.
MAX_JSON_DEPTH = 64


def check_json_depth(raw: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise a 400 when ``raw`` nests arrays/objects deeper than ``limit`` (strings are skipped).

    Counting the brackets first makes the common case (a shallow body) one C-level pass.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                raise ClientException(f"JSON nested deeper than {limit} levels")
        elif byte in (0x5D, 0x7D):
            depth -= 1


def decode_body(raw: bytes, type_: type[T], *, default: T | None = None) -> T:
    """Decode a JSON body into ``type_``.

    An empty (or blank) body gives ``default``, or a 400 when there is none. Malformed
    JSON, or JSON nested deeper than :data:`MAX_JSON_DEPTH`, is a 400; a schema violation
    raises ``msgspec.ValidationError`` (422); :mod:`.errors` maps both.
    """
    if not raw.strip():
        if default is not None:
            return default
        raise ClientException("empty body: send a JSON object")
    check_json_depth(raw)
    try:
        return msgspec.json.decode(raw, type=type_)
    except msgspec.DecodeError:
        _refuse_non_finite(raw)  # NaN / Infinity: a value error (422 naming the field), not bad JSON
        raise


def _non_finite_path(node: Any, path: str) -> str | None:
    if isinstance(node, float) and not math.isfinite(node):
        return path or "$"
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found = _non_finite_path(child, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _refuse_non_finite(raw: bytes) -> None:
    """Raise a 422 naming the first NaN/Infinity in ``raw`` (what ``json.dumps(float("nan"))`` writes).

    Strict JSON has no such tokens, but Python's and JavaScript's encoders emit them; the client
    meant a number, so the answer names the field rather than calling the body malformed.
    """
    if b"NaN" not in raw and b"Infinity" not in raw:
        return
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return
    field = _non_finite_path(doc, "")
    if field is not None:
        raise InvalidQuantity(f"{field} must be a finite number (got NaN or Infinity)", field=field)


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
    # Worked examples: ``__examples__`` on the body Struct, a list of ``(summary, body)`` pairs.
    examples = {f"example{i + 1}": Example(summary=summary, value=value)
                for i, (summary, value) in enumerate(getattr(type_, "__examples__", ()))}
    if examples:
        schema["examples"] = [e.value for e in examples.values()]

    @dataclass
    class BodyOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = RequestBody(
                content={"application/json": OpenAPIMediaType(schema=cast(Schema, schema),
                                                              examples=cast(Any, examples) or None)},
                description=description,
                required=required,
            )

    BodyOperation.__name__ = f"{type_.__name__}Operation"
    return BodyOperation
