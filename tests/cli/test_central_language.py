"""``pos-central --help`` speaks one language per run: Spanish unless the locale asks for
English, argparse's own headings included (issue 16, "One language per run")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pos_common.i18n import LANGUAGE_VARIABLES

ROOT = Path(__file__).resolve().parents[2]

# Words of the English help that no Spanish text has (option names and env variables
# are the same in both languages, so only prose words are listed).
ENGLISH = ("usage", "options", "show this help", "positional arguments", "the", "and",
           "of", "to", "default", "events", "stores", "tills", "with", "Exit codes")
SPANISH = ("uso", "opciones", "mostrar esta ayuda", "argumentos", "el", "los", "del",
           "por omisión", "eventos", "sucursal", "caja", "Códigos de salida")


def run_central(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``pos-central argv`` with only ``env``'s language and no POS_* settings."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("POS_", "CREDENTIALS")) and k not in LANGUAGE_VARIABLES}
    return subprocess.run([sys.executable, "-m", "pos_central.cli", *argv],
                          env={**base, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, timeout=60, check=False)


def central(*argv: str, **env: str) -> str:
    done = run_central(*argv, **env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def prose(text: str) -> str:
    """The help without what is the same in both languages: options, metavars,
    variables, command names and URLs paths."""
    text = re.sub(r"--?[\w-]+|\b[A-Z][A-Z_0-9]+\b|\$\w+|/[\w/.*+-]+", " ", text)
    return re.sub(r"\{[^}]*\}", " ", text)


def words(text: str, vocabulary: tuple[str, ...]) -> list[str]:
    return [w for w in vocabulary if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.I)]


HELPS = [["--help"], ["ingest", "--help"], ["till", "add", "--help"],
         ["fiscal", "configure", "--help"], ["report", "iva-ventas", "--help"]]


@pytest.mark.parametrize("argv", HELPS, ids=" ".join)
def test_the_help_is_wholly_spanish_by_default(argv: list[str]) -> None:
    text = central(*argv, LANG="C.UTF-8")
    assert text.startswith("uso: pos-central")
    assert words(prose(text), ENGLISH) == []
    assert words(text, SPANISH)


@pytest.mark.parametrize("argv", HELPS, ids=" ".join)
def test_the_help_is_wholly_english_when_asked(argv: list[str]) -> None:
    text = central(*argv, LANG="es_AR.UTF-8", LANGUAGE="en")
    assert text.startswith("usage: pos-central")
    assert words(prose(text), SPANISH) == []
    assert words(text, ENGLISH)


def test_a_refused_option_is_told_in_spanish() -> None:
    base = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    done = subprocess.run([sys.executable, "-m", "pos_central.cli", "migrate", "--bogus"],
                          env={**base, "PYTHONPATH": str(ROOT), "LANG": "es_AR.UTF-8"},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "argumentos no reconocidos: --bogus" in done.stderr
    assert "unrecognized" not in done.stderr and "usage" not in done.stderr


@pytest.mark.parametrize(("env", "expected", "foreign"), [
    ({"LANG": "es_AR.UTF-8"}, "argumento --workers: debe ser 1 o más: 0", "must be"),
    ({"LANG": "es_AR.UTF-8", "LANGUAGE": "en"}, "argument --workers: must be 1 or more: 0",
     "debe ser"),
])
def test_a_bad_value_is_told_in_the_runs_language(
    env: dict[str, str], expected: str, foreign: str
) -> None:
    base = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    done = subprocess.run([sys.executable, "-m", "pos_central.cli", "ingest", "--workers", "0"],
                          env={**base, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert expected in done.stderr and foreign not in done.stderr, done.stderr


@pytest.mark.services
@pytest.mark.parametrize(("env", "expected", "foreign"), [
    ({"LANG": "C.UTF-8"}, "Base de datos al día: ", "up to date"),
    ({"LANG": "es_AR.UTF-8", "LANGUAGE": "en"}, "Database up to date: ", "al día"),
])
def test_a_commands_output_is_in_the_runs_language(
    pg_database: str, env: dict[str, str], expected: str, foreign: str
) -> None:
    out = central("migrate", "--db-url", pg_database, **env)
    assert out.startswith(expected) and foreign not in out, out


@pytest.mark.parametrize(("env", "expected", "foreign"), [
    ({"LANG": "C.UTF-8"}, "pos-central: No se puede conectar a PostgreSQL: ", "cannot connect"),
    ({"LANG": "es_AR.UTF-8", "LANGUAGE": "en"}, "pos-central: cannot connect to PostgreSQL: ",
     "No se puede"),
])
def test_an_unreachable_database_is_told_in_the_runs_language(
    env: dict[str, str], expected: str, foreign: str
) -> None:
    nowhere = "postgresql://nobody@127.0.0.1:9/none"  # the discard port: nothing listens
    done = run_central("till", "list", "--db-url", nowhere, **env)
    assert done.returncode == 1
    assert done.stderr.startswith(expected) and foreign not in done.stderr, done.stderr
