"""Typed decoders compiled from the JSON Schemas: the ingest's fast acceptance test.

The schemas stay the contract. This module translates the subset of JSON Schema they use
into msgspec types (Structs with constraints), whose decoder parses and checks a message
in one pass in C: ~5 µs for a 12-line sale against ~40 µs for ``json`` + the compiled
fastjsonschema validator.

It is only ever used to *accept*: when a typed decoder accepts a body, the schema
validator would have accepted it too (tests prove it on every example and on thousands
of mutations of them, against the ``jsonschema`` reference). When it refuses, the
caller runs the full validator, which gives the verdict and the message in the user's
language — so the typed decoder may be stricter than the schema (it is for lone
surrogates and a BOM) but never looser. It holds the wire limits too (``limits.EVENTS``:
array and string lengths, 64-bit integers), as the full path does.

A keyword this translator does not know makes that schema untranslatable (``Untranslatable``):
that event type simply has no fast path. Formats other than ``date-time`` likewise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal, Optional

import fastjsonschema
import msgspec

from pos_contracts.limits import EVENTS, INT_MAX, INT_MIN

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_FORMATS = frozenset({"date-time"})
_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples", "$schema", "$id"})
_KNOWN = {
    "object": {"type", "properties", "required", "additionalProperties"},
    "array": {"type", "items", "minItems", "maxItems"},
    "integer": {"type", "minimum", "maximum", "enum"},
    "string": {"type", "minLength", "maxLength", "pattern", "format", "enum"},
    "boolean": {"type"},
    "null": {"type"},
}


_RAW: dict[str, Any] = {"type": "object"}
"""Marks the one place left undecoded: the envelope's payload."""


class Untranslatable(ValueError):
    """The schema uses something this translator does not map exactly."""


@cache
def _validator_regex(keyword: str, value: str) -> str:
    """The expression fastjsonschema really checks for ``pattern``/``format``, read from
    its own generated code (it turns ``$`` into ``\\Z``, for one), so the typed decoder
    applies the very same regular expression."""
    source = fastjsonschema.compile_to_code({"$schema": _DIALECT, "type": "string", keyword: value})
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<{keyword}>", "exec"), namespace)
    key = value if keyword == "pattern" else f"{value}_re_pattern"
    return str(namespace["REGEX_PATTERNS"][key].pattern)


def translate(schema: Mapping[str, Any], name: str) -> Any:
    """A msgspec type accepting only documents ``schema`` accepts (``$ref``s inlined)."""
    keywords = set(schema) - _ANNOTATIONS
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [k for k in kind if k != "null"]
        if len(kind) != 2 or len(others) != 1 or "null" not in kind:
            raise Untranslatable(f"{name}: type {kind}")
        if "enum" in schema:  # the enum applies to null too: Optional[...] would be looser
            raise Untranslatable(f"{name}: nullable enum")
        return Optional[translate({**schema, "type": others[0]}, name)]  # noqa: UP045
    if schema is _RAW:
        return msgspec.Raw
    if not isinstance(kind, str) or kind not in _KNOWN:
        raise Untranslatable(f"{name}: type {kind!r}")
    unknown = keywords - _KNOWN[kind]
    if unknown:
        raise Untranslatable(f"{name}: {sorted(unknown)}")
    if "enum" in schema:
        values = tuple(schema["enum"])
        expected = str if kind == "string" else int
        if not values or any(type(v) is not expected for v in values):
            raise Untranslatable(f"{name}: enum {values}")
        return Literal[values]
    if kind == "object":
        return _struct(schema, name)
    if kind == "array":
        items = translate(schema.get("items", {}), f"{name}_item") if "items" in schema else None
        if items is None:
            raise Untranslatable(f"{name}: array without items")
        return _constrained(
            list[items],  # type: ignore[valid-type]
            min_length=schema.get("minItems"),
            max_length=min(schema.get("maxItems", EVENTS.max_items), EVENTS.max_items),
        )
    if kind == "integer":
        return _constrained(
            int,
            ge=max(schema.get("minimum", INT_MIN), INT_MIN),
            le=min(schema.get("maximum", INT_MAX), INT_MAX),
        )
    if kind == "string":
        return _constrained(
            str,
            min_length=schema.get("minLength"),
            max_length=min(schema.get("maxLength", EVENTS.max_string), EVENTS.max_string),
            pattern=_pattern(schema, name),
        )
    if kind == "boolean":
        return bool
    return type(None)


def _pattern(schema: Mapping[str, Any], name: str) -> str | None:
    """One expression for ``format`` and ``pattern`` together, applied with re.search as
    msgspec does: a format matches at the start (fastjsonschema uses re.match), a
    pattern anywhere (re.search), each in its own lookahead from the start."""
    checks: list[str] = []
    if "format" in schema:
        if schema["format"] not in _FORMATS:
            raise Untranslatable(f"{name}: format {schema['format']!r}")
        checks.append(f"(?=(?:{_validator_regex('format', schema['format'])}))")
    if "pattern" in schema:
        pattern = _validator_regex("pattern", schema["pattern"])
        if "format" not in schema:
            return pattern
        checks.append(f"(?=[\\s\\S]*?(?:{pattern}))")
    return "^" + "".join(checks) if checks else None


def _constrained(base: Any, **limits: Any) -> Any:
    given = {key: value for key, value in limits.items() if value is not None}
    return Annotated[base, msgspec.Meta(**given)] if given else base


def _struct(schema: Mapping[str, Any], name: str) -> Any:
    properties = schema.get("properties")
    extra = schema.get("additionalProperties", True)
    if properties is None:
        raise Untranslatable(f"{name}: object without properties")
    if extra not in (True, False):
        raise Untranslatable(f"{name}: additionalProperties {extra!r}")
    required = set(schema.get("required", ()))
    if not required <= set(properties):
        raise Untranslatable(f"{name}: required names a property not declared")
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for key, subschema in properties.items():
        if not key.isidentifier() or key.startswith("_"):
            raise Untranslatable(f"{name}: property {key!r}")
        field_type = translate(subschema, f"{name}_{key}")
        if key in required:
            fields.append((key, field_type))
        else:
            fields.append((key, field_type | msgspec.UnsetType, msgspec.UNSET))
    return msgspec.defstruct(
        _class_name(name), fields, kw_only=True, forbid_unknown_fields=extra is False
    )


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def envelope_type(schema: Mapping[str, Any]) -> Any:
    """The envelope, with ``payload`` kept as raw JSON for the payload's own type."""
    properties = dict(schema.get("properties", {}))
    if properties.pop("payload", None) != {"type": "object"}:
        raise Untranslatable("envelope: payload must be a plain object")
    shell = {**schema, "properties": {**properties, "payload": _RAW}}
    return translate(shell, "envelope")
