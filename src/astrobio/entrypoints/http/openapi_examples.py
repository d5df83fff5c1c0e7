"""Worked examples of response bodies in the OpenAPI schema.

A response Struct that defines ``__examples__`` (a list of ``(summary, body)`` pairs, like the
request bodies, see :func:`astrobio.entrypoints.http.bodies.json_body`) gets them as its
component schema's ``examples``. The test suite checks every such example decodes into its Struct.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition


class ExampleStructSchemaPlugin(StructSchemaPlugin):
    """Litestar's msgspec Struct schema, plus the Struct's ``__examples__``."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        examples: Any = getattr(field_definition.type_, "__examples__", None)
        if examples:
            schema.examples = [body for _summary, body in examples]
        return schema
