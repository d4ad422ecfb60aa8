"""The GraphQL schema: types, inputs, connections (``build`` puts them together)."""

from omnigate.schema.build import create_schema, schema

__all__ = ["create_schema", "schema"]
