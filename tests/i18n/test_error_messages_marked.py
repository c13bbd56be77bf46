"""Every message an error of the till can show is extracted, so it has Spanish.

An error class's ``message`` and the literal message given to ``PosError(...)`` are msgids:
they must be marked with ``N_()`` for pybabel to find them (a bare string is never
extracted, and then shows in English to a Spanish-speaking cashier)."""

from __future__ import annotations

import ast
import importlib
import pkgutil

import pos_desktop
from pos_desktop.domain.errors import PosError
from tests.i18n.catalogue import ROOT, extracted


def error_classes() -> list[type[PosError]]:
    """PosError and every subclass of it in pos_desktop (each module imported)."""
    for info in pkgutil.walk_packages(pos_desktop.__path__, "pos_desktop."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)
    classes: list[type[PosError]] = [PosError]
    seen: list[type[PosError]] = []
    while classes:
        cls = classes.pop()
        seen.append(cls)
        classes.extend(cls.__subclasses__())
    return seen


def test_every_error_class_message_is_extracted() -> None:
    seen = error_classes()
    found = extracted()
    # a class that words itself by a count (text() with ngettext) has no plain msgid
    unmarked = sorted({f"{c.__module__}.{c.__name__}: {c.message!r}" for c in seen
                       if c.message not in found and "text" not in vars(c)})
    assert len(seen) > 40
    assert not unmarked, "write message = N_(...) in these classes:\n" + "\n".join(unmarked)


def test_no_error_is_raised_with_an_unmarked_literal_message() -> None:
    names = {cls.__name__ for cls in error_classes()}
    bare = []
    for path in sorted((ROOT / "pos_desktop").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in names and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.args[0].value!r}")
    assert not bare, "wrap these messages in N_(...):\n" + "\n".join(bare)
