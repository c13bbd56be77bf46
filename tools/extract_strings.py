"""Find every user-visible source string and compare it with the Spanish catalogue.

What counts as a source string (English, the catalogue key):
  * the literal argument of ``_("...")`` and ``N_("...")``;
  * ``message = "..."`` in a class body: the PosError family keeps its message there and
    translates it when shown.

Usage (from the repository root):
  python tools/extract_strings.py                 # list strings missing from es_AR.po
  python tools/extract_strings.py --pot out.pot   # write a .pot template (msgfmt format)
  python tools/extract_strings.py --stubs         # print .po entries to fill in for missing ones
Exit status 1 when strings are missing (or ``_()`` is given an f-string), so CI can use it.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("pos_desktop", "pos_printers", "pos_common", "pos_contracts")
CATALOG = ROOT / "pos_common" / "locale" / "es_AR.po"
MARKERS = {"_", "N_"}
PLURAL_MARKERS = {"ngettext"}  # ngettext("{n} line", "{n} lines", n): both are msgids
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass
class Found:
    """One source string and where it appears (``path:line``)."""

    msgid: str
    places: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    strings: dict[str, Found] = field(default_factory=dict)
    # ``_(f"...")`` can never be found in a catalogue: always a bug.
    bad_calls: list[str] = field(default_factory=list)

    def add(self, msgid: str, place: str) -> None:
        # "{reason}" alone has nothing to translate.
        if any(c.isalpha() for c in _PLACEHOLDER.sub("", msgid)):
            self.strings.setdefault(msgid, Found(msgid)).places.append(place)


def _marker_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name) and func.id in MARKERS:
        return func.id
    return None


def extract_source(text: str, place: str, out: Extraction) -> None:
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in PLURAL_MARKERS
        ):
            for arg in node.args[:2]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.add(arg.value, f"{place}:{node.lineno}")
                else:
                    out.bad_calls.append(f"{place}:{node.lineno}")
        elif isinstance(node, ast.Call) and _marker_name(node.func) and node.args:
            arg = node.args[0]
            where = f"{place}:{node.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.add(arg.value, where)
            elif isinstance(arg, ast.JoinedStr):
                out.bad_calls.append(where)
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "message" for t in stmt.targets)
                    and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)
                ):
                    out.add(stmt.value.value, f"{place}:{stmt.lineno}")


def python_files(root: Path = ROOT, dirs: Iterable[str] = SOURCE_DIRS) -> Iterator[Path]:
    for d in dirs:
        base = root / d
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*.py") if "migrations" not in p.parts)


def extract(root: Path = ROOT, dirs: Iterable[str] = SOURCE_DIRS) -> Extraction:
    out = Extraction()
    for path in python_files(root, dirs):
        extract_source(path.read_text(encoding="utf-8"), str(path.relative_to(root)), out)
    return out


def load_catalog(path: Path = CATALOG) -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    from pos_common.i18n import parse_po

    return parse_po(path.read_text(encoding="utf-8")) if path.exists() else {}


def missing(extraction: Extraction, catalog: dict[str, str]) -> list[Found]:
    return [f for key, f in sorted(extraction.strings.items()) if not catalog.get(key)]


def po_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped.replace(chr(9), chr(92) + "t")}"'


def po_entry(found: Found, msgstr: str = "") -> str:
    refs = " ".join(found.places[:4])
    return f"#: {refs}\nmsgid {po_quote(found.msgid)}\nmsgstr {po_quote(msgstr)}\n"


def pot_text(extraction: Extraction) -> str:
    header = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Project-Id-Version: super-pos\\n"\n'
    )
    body = "\n".join(po_entry(f) for _key, f in sorted(extraction.strings.items()))
    return header + "\n" + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pot", type=Path, help="write a .pot template here")
    parser.add_argument("--stubs", action="store_true", help="print .po entries to fill in")
    parser.add_argument("--catalog", type=Path, default=CATALOG)
    args = parser.parse_args(argv)
    extraction = extract()
    if args.pot:
        args.pot.write_text(pot_text(extraction), encoding="utf-8")
        print(f"{len(extraction.strings)} strings written to {args.pot}")
    gaps = missing(extraction, load_catalog(args.catalog))
    for where in extraction.bad_calls:
        print(f"{where}: _() needs a literal string, not an f-string", file=sys.stderr)
    if args.stubs:
        print("\n".join(po_entry(f) for f in gaps))
    elif not args.pot:
        for f in gaps:
            print(f"{f.places[0]}: {f.msgid!r}")
        print(f"{len(gaps)} of {len(extraction.strings)} strings lack Spanish", file=sys.stderr)
    return 1 if gaps or extraction.bad_calls else 0


if __name__ == "__main__":
    sys.exit(main())
