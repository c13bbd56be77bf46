"""The dependency rule (ARCHITECTURE.md): arrows point inward.

The rule itself is the import-linter contracts in ``pyproject.toml`` (CI runs
``lint-imports`` too); this test runs them so ``python -m pytest`` alone enforces them,
and checks that each contract would catch a breach.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# lint-imports run by this interpreter: a venv not activated has no lint-imports on PATH
# (the pyenv shim found there instead failed with "bash: No such file" under PATH="").
_LINT = ("import sys; from importlinter.cli import lint_imports_command; "
         "sys.argv[0] = 'lint-imports'; sys.exit(lint_imports_command())")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec("importlinter") is None:
        pytest.fail("import-linter is missing: python -m pip install -e '.[dev]'")
    return subprocess.run(
        [sys.executable, "-c", _LINT, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root), "PATH": ""},
        check=False,
    )


def test_every_layer_contract_is_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("pos_desktop/domain/money.py", "import sqlalchemy", "The till's domain is plain"),
        ("pos_central/report.py", "import pos_desktop.domain.sale", "Head office needs nothing"),
        ("pos_desktop/ui/theme.py", "import pos_desktop.store.db", "Widgets call services"),
        ("pos_desktop/domain/sale.py", "import pos_desktop.services.register", "layers"),
        ("pos_contracts/wire.py", "import pos_central.topology", "The wire format depends"),
    ],
)
def test_a_breach_is_caught(tmp_path: Path, module: str, line: str, contract: str) -> None:
    """The contracts are not vacuous: one forbidden import in a copy of the tree breaks one."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", "__pycache__", "tests",
                                                              "benchmarks", "build", "dist"))
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n",
                      encoding="utf-8")
    result = lint_imports(copy)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout


def test_the_windows_modules_form_no_import_cycle() -> None:
    """A cycle (``refund_dialog``/``z_dialog`` ↔ ``shift_dialogs`` did) works only while the
    imports stay hidden inside functions; lazy imports are counted here too."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("pos_desktop", cache_dir=None)
    ui = sorted(m for m in graph.modules if m.startswith("pos_desktop.ui."))
    cycles = [
        (module, imported)
        for module in ui
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("pos_desktop.ui.")
        and graph.chain_exists(importer=imported, imported=module)
    ]
    assert not cycles, f"import cycles in pos_desktop.ui: {cycles}"
