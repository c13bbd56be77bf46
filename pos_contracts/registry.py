"""The schema registry: one JSON Schema file per (type, version) under ``schemas/``.

Two validators over the same files: a compiled one (fastjsonschema) for the ingest hot
path, and the ``jsonschema`` reference implementation, which tests use to prove the
compiled one and the examples agree with the standard.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import fastjsonschema
import msgspec

from pos_contracts import payloads
from pos_contracts.errors import InvalidEvent
from pos_contracts.rules import RULES

SCHEMA_DIR = Path(__file__).with_name("schemas")
SCHEMA_BASE_URI = "https://schemas.super-pos.invalid/"
SUPPORT_SCHEMAS = ("common", "envelope")
"""Files that are not event types: shared definitions and the envelope."""

_FILE_NAME = re.compile(
    r"^(?P<name>[a-z][a-z_]*(?:\.[a-z][a-z_]*)*)\.v(?P<version>[1-9][0-9]*)\.json$"
)

Validator = Callable[[Any], Any]


def schema_files(directory: Path = SCHEMA_DIR) -> dict[tuple[str, int], Path]:
    """Every schema file by (name, version), read from the file names."""
    found: dict[tuple[str, int], Path] = {}
    for path in sorted(directory.glob("*.json")):
        match = _FILE_NAME.match(path.name)
        if match:
            found[(match["name"], int(match["version"]))] = path
    return found


class SchemaRegistry:
    """All schemas of one directory, compiled once."""

    def __init__(self, directory: Path = SCHEMA_DIR) -> None:
        self._schemas: dict[tuple[str, int], dict[str, Any]] = {
            key: json.loads(path.read_text(encoding="utf-8"))
            for key, path in schema_files(directory).items()
        }
        by_uri = {schema["$id"]: schema for schema in self._schemas.values()}
        self._reference: dict[str, Any] = {}
        self._envelope: Validator = _compile(self.schema("envelope", 1), by_uri)
        self._payloads: dict[tuple[str, int], Validator] = {
            key: _compile(schema, by_uri)
            for key, schema in self._schemas.items()
            if key[0] not in SUPPORT_SCHEMAS
        }
        self.typed_envelope: msgspec.json.Decoder[Any] = payloads.ENVELOPE
        """Fast acceptance test of an envelope (payload left raw): ``payloads.EnvelopeV1``."""

    def typed_payload(self, event_type: str, version: int) -> msgspec.json.Decoder[Any] | None:
        """Fast acceptance test of a payload: the decoder of its Struct (``payloads``)."""
        return payloads.decoder(event_type, version)

    def payload_validator(self, event_type: str, version: int) -> Validator | None:
        """The compiled schema check of one payload (no rules); raises
        ``fastjsonschema.JsonSchemaValueException``. None for an unknown (type, version)."""
        return self._payloads.get((event_type, version))

    def rules(self, event_type: str, version: int) -> Callable[[Any], None]:
        """The arithmetic checks of a (type, version) that a schema cannot express."""
        return RULES.get((event_type, version), _no_rules)

    def schema(self, name: str, version: int) -> dict[str, Any]:
        return self._schemas[(name, version)]

    def event_types(self) -> list[tuple[str, int]]:
        """(type, version) of every event schema, sorted."""
        return sorted(self._payloads)

    def latest_version(self, event_type: str) -> int:
        versions = [version for name, version in self._payloads if name == event_type]
        if not versions:
            raise InvalidEvent("unknown_type", f"tipo de evento desconocido: {event_type!r}")
        return max(versions)

    def validate(self, envelope: Any) -> None:
        """Check an envelope and its payload with the compiled validators and the rules.

        Raises ``InvalidEvent`` with the first problem found.
        """
        try:
            self._envelope(envelope)
        except fastjsonschema.JsonSchemaValueException as error:
            raise InvalidEvent("envelope", _describe(error, "sobre")) from None
        key = (envelope["type"], envelope["schema_version"])
        validator = self._payloads.get(key)
        if validator is None:
            raise InvalidEvent("unknown_type", f"sin esquema para {key[0]} v{key[1]}")
        try:
            validator(envelope["payload"])
        except fastjsonschema.JsonSchemaValueException as error:
            raise InvalidEvent("payload", _describe(error, "payload")) from None
        RULES.get(key, _no_rules)(envelope["payload"])

    def reference_validate(self, envelope: Mapping[str, Any]) -> None:
        """The same checks with the ``jsonschema`` reference implementation (slow; tests)."""
        self._reference_check(self.schema("envelope", 1), envelope, "envelope", "sobre")
        key = (envelope["type"], envelope["schema_version"])
        if key not in self._payloads:
            raise InvalidEvent("unknown_type", f"sin esquema para {key[0]} v{key[1]}")
        self._reference_check(self._schemas[key], envelope["payload"], "payload", "payload")
        RULES.get(key, _no_rules)(envelope["payload"])

    def _reference_check(
        self, schema: Mapping[str, Any], document: Any, code: str, root: str
    ) -> None:
        checker = self._reference_validator(schema["$id"])
        errors = sorted(
            checker.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))
        )
        if errors:
            where = ".".join([root, *map(str, errors[0].absolute_path)])
            raise InvalidEvent(code, f"{where}: {errors[0].message}")

    def _reference_validator(self, schema_id: str) -> Any:
        if schema_id not in self._reference:
            from jsonschema import Draft202012Validator
            from referencing import Registry, Resource

            by_uri = {s["$id"]: s for s in self._schemas.values()}
            registry: Registry[Any] = Registry().with_resources(
                (uri, Resource.from_contents(s)) for uri, s in by_uri.items()
            )
            self._reference[schema_id] = Draft202012Validator(
                by_uri[schema_id],
                registry=registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return self._reference[schema_id]


def _inlined(schema: dict[str, Any], by_uri: Mapping[str, Any]) -> dict[str, Any]:
    inlined: dict[str, Any] = _merge_nullable(_inline_refs(schema, schema["$id"], by_uri))
    inlined.pop("$defs", None)
    return inlined


def _compile(schema: dict[str, Any], by_uri: Mapping[str, Any]) -> Validator:
    """Compile with every ``$ref`` inlined: fastjsonschema builds an error path string on
    each call through a ``$ref`` (whether or not it fails), which made a 12-line sale cost
    ~0.5 ms; inlined, it is ~10x cheaper. The files on disk keep their ``$ref``s."""
    inlined = _inlined(schema, by_uri)
    source = _speed_up(fastjsonschema.compile_to_code(inlined))
    root = _FIRST_FUNCTION.search(source)
    if root is None:  # an unexpected code layout: the library's own compile is still right
        return fastjsonschema.compile(inlined)
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<validator {schema['$id']}>", "exec"), namespace)
    validator: Validator = namespace[root["name"]]
    return validator


_FIRST_FUNCTION = re.compile(r"^def (?P<name>validate\w*)\(", re.MULTILINE)
_NAME = r"([A-Za-z_][A-Za-z0-9_]*)"
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "must be integer": an exact int (what JSON integers decode to) is neither a bool nor
    # a float, so the four isinstance calls can only say "fine"; anything else still
    # takes the generated test unchanged.
    (
        re.compile(
            rf"if not isinstance\({_NAME}, \(int\)\) and not \(isinstance\(\1, float\) "
            r"and \1\.is_integer\(\)\) or isinstance\(\1, bool\):"
        ),
        r"if \1.__class__ is not int and (not isinstance(\1, (int)) and not "
        r"(isinstance(\1, float) and \1.is_integer()) or isinstance(\1, bool)):",
    ),
    # The guard of minimum/maximum: true for an exact int, as above.
    (
        re.compile(
            rf"if isinstance\({_NAME}, \(int, float, Decimal\)\) and not isinstance\(\1, bool\):"
        ),
        r"if \1.__class__ is int or isinstance(\1, (int, float, Decimal)) and not "
        r"isinstance(\1, bool):",
    ),
    # "required": a frozenset difference instead of building a set from a list per object.
    (re.compile(r"set\((\[[^\]]*\])\) - "), r"frozenset(\1) - "),
)


def _speed_up(source: str) -> str:
    """Rewrite slow constructs of fastjsonschema's generated code into equivalent faster ones
    (each rewrite keeps the original test as the fallback, so the accepted language is the
    same; tests compare with the library's own compile). ~20 % off a 12-line sale."""
    for pattern, replacement in _REWRITES:
        source = pattern.sub(replacement, source)
    return source


_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples"})


def _inline_refs(node: Any, base: str, by_uri: Mapping[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline_refs(item, base, by_uri) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" not in node:
        return {key: _inline_refs(value, base, by_uri) for key, value in node.items()}
    target_uri = urljoin(base, node["$ref"])
    document_uri, _, pointer = target_uri.partition("#")
    target = by_uri[document_uri]
    for part in filter(None, pointer.split("/")):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    resolved = _inline_refs(target, document_uri, by_uri)
    siblings = {key: value for key, value in node.items() if key != "$ref"}
    if set(siblings) <= _ANNOTATIONS:
        return {**resolved, **siblings}
    return {"allOf": [resolved], **_inline_refs(siblings, base, by_uri)}


def _merge_nullable(node: Any) -> Any:
    """``anyOf: [{type: T, ...}, {type: null}]`` -> ``{type: [T, null], ...}``: the same
    language (string keywords ignore null), without fastjsonschema's try/except per value."""
    if isinstance(node, list):
        return [_merge_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _merge_nullable(value) for key, value in node.items()}
    options = node.get("anyOf")
    if (
        isinstance(options, list)
        and len(options) == 2
        and options[1] == {"type": "null"}
        and isinstance(options[0].get("type"), str)
        and options[0]["type"] != "null"
        and not set(options[0]) & set(node)
    ):
        rest = {key: value for key, value in node.items() if key != "anyOf"}
        return {**options[0], **rest, "type": [options[0]["type"], "null"]}
    return node


def _no_rules(payload: Mapping[str, Any]) -> None:
    """Event types without arithmetic rules."""


def _describe(error: fastjsonschema.JsonSchemaValueException, root: str) -> str:
    message = str(error.message)
    return root + message[4:] if message.startswith("data") else message


@cache
def default_registry() -> SchemaRegistry:
    """The registry of the schemas shipped in this package, built on first use."""
    return SchemaRegistry()


def validate(envelope: Any) -> None:
    """Validate an envelope dict (compiled validator + rules); raises ``InvalidEvent``."""
    default_registry().validate(envelope)
