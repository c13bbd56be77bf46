"""One language per run, chosen as gettext chooses (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)
after our POS_LANG; and logs that carry what matters, not the libraries' chatter."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_common.i18n import LANGUAGE_VARIABLES, system_locale
from pos_desktop.logs import setup_logging

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_language(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in LANGUAGE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "es_AR.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "es_AR.UTF-8"}, "es_AR"),
    ({"LANG": "es_AR.UTF-8", "LANGUAGE": "en"}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LANGUAGE": "es_AR:en"}, "es_AR"),
    ({"LANGUAGE": "fr:en", "LANG": "es_AR.UTF-8"}, "en"),  # the first one we speak
    ({"LC_ALL": "es_AR.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "es_AR"),
    ({"POS_LANG": "en", "LANGUAGE": "es", "LC_ALL": "es_AR.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "es_AR"),  # no language named: the till's own default
    ({"LC_ALL": "C", "LANG": "en_GB.UTF-8"}, "en"),
])
def test_the_language_comes_from_the_first_variable_that_names_one(
    no_language: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for key, value in env.items():
        no_language.setenv(key, value)
    assert system_locale() == expected


def run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("POS_") and k not in LANGUAGE_VARIABLES}
    return subprocess.run([sys.executable, "-m", "pos_desktop", *argv],
                          env={**base, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, timeout=60, check=False)


def test_a_spanish_run_prints_no_english_words_of_argparse() -> None:
    spanish = run("--help", LANG="es_AR.UTF-8")
    assert spanish.stdout.startswith("uso: pos-desktop")
    for english in ("usage:", "options:", "show this help", "positional arguments"):
        assert english not in spanish.stdout
    refused = run("journal", "--bogus", LANG="es_AR.UTF-8")
    assert "argumentos no reconocidos: --bogus" in refused.stderr
    assert "unrecognized" not in refused.stderr
    english = run("--help", LANG="es_AR.UTF-8", LC_MESSAGES="en_US.UTF-8")
    assert english.stdout.startswith("usage: pos-desktop")


def test_the_missing_keyring_message_is_spanish_throughout(tmp_path: Path) -> None:
    done = run("--data-dir", str(tmp_path), "sync", "status",
               LANG="es_AR.UTF-8", POS_AMQP_URL="amqp://till@127.0.0.1:1/%2F",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert done.returncode == 1  # the error state
    assert "para la contraseña del broker" in done.stdout
    assert "broker password" not in done.stdout


def test_journal_counts_lines_in_singular_and_plural(tmp_path: Path) -> None:
    from pos_common.i18n import ngettext, set_language

    set_language("es_AR")
    try:
        assert ngettext("{n} line", "{n} lines", 1).format(n=1) == "1 línea"
        assert ngettext("{n} line", "{n} lines", 3).format(n=3) == "3 líneas"
        assert ngettext("{n} line", "{n} lines", 0).format(n=0) == "0 líneas"
    finally:
        set_language("en")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    pika_level = logging.getLogger("pika").level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    logging.getLogger("pika").setLevel(pika_level)


def test_pika_s_connection_chatter_is_kept_only_when_debug_is_asked(
    tmp_path: Path, restore_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POS_LOG_LEVEL", raising=False)
    setup_logging("pos-desktop", log_dir=tmp_path, stderr=False)
    pika_log = logging.getLogger("pika.connection")
    assert not pika_log.isEnabledFor(logging.INFO)
    assert pika_log.isEnabledFor(logging.WARNING)
    monkeypatch.setenv("POS_LOG_LEVEL", "DEBUG")
    setup_logging("pos-desktop", log_dir=tmp_path, stderr=False)
    assert pika_log.isEnabledFor(logging.DEBUG)


def test_a_first_start_logs_the_migrations_but_not_alembic_s_setup(tmp_path: Path) -> None:
    done = run("--data-dir", str(tmp_path), "journal", POS_LANG="en")
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "logs" / "pos-desktop.log").read_text(encoding="utf-8")
    assert "Running upgrade" in log
    for chatter in ("setup plugin", "Context impl", "Will assume"):
        assert chatter not in log
