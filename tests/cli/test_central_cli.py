"""``pos-central`` as a sysadmin runs it: --version, options before or after the command,
help for every option, secrets from systemd credentials, and no traceback without the
central extra."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pos_central import __version__
from pos_central.cli import _parser, main
from pos_central.config import CentralConfig, ConfigError

ROOT = Path(__file__).resolve().parents[2]


def central(*argv: str, code: str = "pass", **env: str) -> subprocess.CompletedProcess[str]:
    script = f"import sys; {code}; from pos_central.cli import main; sys.exit(main())"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("POS_", "CREDENTIALS"))}
    return subprocess.run([sys.executable, "-c", script, *argv],
                          env={**base, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, timeout=60, check=False)


def test_version() -> None:
    done = central("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"Super POS central {__version__}")


@pytest.mark.parametrize("argv", [
    ["--db-url", "postgresql://a@h/db", "migrate"],
    ["migrate", "--db-url", "postgresql://a@h/db"],
    ["--prefix", "p", "--db-url", "postgresql://a@h/db", "report", "daily", "--date", "2026-01-02"],
    ["report", "daily", "--db-url", "postgresql://a@h/db", "--date", "2026-01-02", "--prefix", "p"],
])
def test_the_connection_options_go_before_or_after_the_command(argv: list[str]) -> None:
    args = _parser().parse_args(argv)
    assert args.db_url == "postgresql://a@h/db"


def test_every_option_has_help_and_the_help_has_no_markup() -> None:
    parser = _parser()
    parsers = [parser]
    missing = []
    while parsers:
        p = parsers.pop()
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                parsers.extend(a.choices.values())
            elif not a.help:
                missing.append(f"{p.prog} {a.option_strings or a.dest}")
    assert not missing
    text = central("--help", LANGUAGE="en").stdout
    assert "`" not in text and "Exit codes" in text


def test_a_service_reads_its_urls_and_token_from_systemd_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "db-url").write_text("postgresql://pos:s3cret@db/pos\n", encoding="utf-8")
    (tmp_path / "amqp-url").write_text("amqp://pos:s3cret@mq/%2F\n", encoding="utf-8")
    for name in ("POS_CENTRAL_DB_URL", "POS_AMQP_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    config = CentralConfig.resolve()
    assert (config.db_url, config.amqp_url) == ("postgresql://pos:s3cret@db/pos",
                                                "amqp://pos:s3cret@mq/%2F")
    # a flag, then the environment, win over the credential
    monkeypatch.setenv("POS_CENTRAL_DB_URL", "postgresql://env@db/pos")
    assert CentralConfig.resolve().db_url == "postgresql://env@db/pos"
    assert CentralConfig.resolve("postgresql://flag@db/pos").db_url == "postgresql://flag@db/pos"
    monkeypatch.delenv("POS_CENTRAL_DB_URL")
    (tmp_path / "db-url").unlink()
    with pytest.raises(ConfigError, match="credential db-url"):
        CentralConfig.resolve()


def test_the_till_reads_its_secrets_from_systemd_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pos_desktop.secrets import AMQP_PASSWORD, API_TOKEN, get_secret

    monkeypatch.delenv("POS_AMQP_PASSWORD", raising=False)
    monkeypatch.delenv("POS_CENTRAL_TOKEN", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    (tmp_path / "amqp-password").write_text("pw-from-credential\n", encoding="utf-8")
    assert get_secret(AMQP_PASSWORD, required=True) == "pw-from-credential"
    assert get_secret(API_TOKEN) is None


def test_without_the_central_extra_it_says_which_extra_to_install() -> None:
    done = central("migrate", "--db-url", "postgresql://a@127.0.0.1:1/db",
                   code="sys.modules['psycopg'] = None")
    assert done.returncode == 2
    assert "pip install 'super-pos[central]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_database_url_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POS_CENTRAL_DB_URL", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    assert main(["migrate"]) == 2


@pytest.mark.parametrize(("lang", "said"), [
    ("es_AR", "pos-central: falta la base de datos central: use --db-url"),
    ("en", "pos-central: head office's database is missing: use --db-url"),
])
def test_a_configuration_error_is_in_the_runs_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """They were Spanish to an English run."""
    monkeypatch.delenv("POS_CENTRAL_DB_URL", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    monkeypatch.delenv("POS_LANG", raising=False)
    monkeypatch.setenv("LANGUAGE", lang)
    assert main(["migrate"]) == 2
    assert capsys.readouterr().err.startswith(said)
    with pytest.raises(ConfigError, match="postgresql://"):
        CentralConfig.resolve("mysql://x@y/z")
