"""``pos-desktop`` as a sysadmin scripts it: options before or after the command, help
for every option, exit codes, quiet broken pipes, --demo in its own folder, no extra."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pos_desktop import __version__
from pos_desktop.app import Till
from pos_desktop.cli.main import build_parser, main, subparsers

ROOT = Path(__file__).resolve().parents[2]


def pos_desktop(*argv: str, env: dict[str, str] | None = None,
                **kwargs: object) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("POS_")}
    base.update(PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", POS_LANG="en")
    return subprocess.run([sys.executable, "-m", "pos_desktop", *argv], env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=120, check=False, **kwargs)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo till with a few sales in the journal."""
    folder = tmp_path_factory.mktemp("shop") / "till"
    assert main(["--lang", "en", "--data-dir", str(folder), "--demo", "simulate", "--sales", "40",
                 "--seed", "7"]) == 0
    return folder


def test_the_global_options_mean_the_same_before_or_after_the_command(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "--data-dir", str(shop), "journal", "--json"]) == 0
    before = capsys.readouterr().out
    assert main(["journal", "--json", "--data-dir", str(shop), "--lang", "en"]) == 0
    after = capsys.readouterr().out
    assert before == after
    assert len(json.loads(after)["sales"]) == 40
    # two levels down as well, and a command's own option after the global ones
    assert main(["sync", "status", "--data-dir", str(shop), "--no-probe", "--json",
                 "--verbose"]) == 0
    assert json.loads(capsys.readouterr().out)["pending"] >= 40


def test_an_option_given_once_is_not_reset_by_the_command_s_default(tmp_path: Path) -> None:
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "--demo", "journal"])
    assert (args.data_dir, args.demo) == (str(tmp_path), True)
    args = build_parser().parse_args(["report", "z", "--data-dir", str(tmp_path)])
    assert args.data_dir == str(tmp_path) and args.demo is False


def test_every_option_and_argument_has_help_and_the_help_has_no_markup() -> None:
    parser = build_parser()
    missing = [
        f"{p.prog} {a.option_strings or a.dest}"
        for p in (parser, *subparsers(parser))
        for a in p._actions
        if not a.help and not isinstance(a, argparse._SubParsersAction)
    ]
    assert not missing
    text = " ".join(pos_desktop("--help").stdout.split())
    assert "`" not in text
    assert "Exit codes: 0 done, 1 a check found a problem, 2 usage or input error" in text


def test_version() -> None:
    done = pos_desktop("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"Super POS {__version__}")


def test_exit_codes_0_done_1_check_failed_2_usage_or_input(
    shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ["--lang", "en", "--data-dir", str(shop)]
    assert main([*data, "journal", "--verify"]) == 0
    with pytest.raises(SystemExit) as usage:
        main([*data, "journal", "--no-such-option"])
    assert usage.value.code == 2
    assert main(["--lang", "en", "--data-dir", str(tmp_path / "none"), "journal", "--verify"]) == 2
    assert main([*data, "catalog", "import", str(tmp_path / "missing.csv")]) == 2
    assert main([*data, "refund", "1", "--line", "1=1"]) == 2  # no --reason
    # sync status: the error state (a broker user and no way to get its password) is 1
    monkeypatch.setenv("POS_AMQP_URL", "amqp://till@127.0.0.1:1/%2F")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    assert main([*data, "sync", "status"]) == 1


def test_a_missing_file_is_named_in_the_run_s_language_without_errno(tmp_path: Path) -> None:
    done = pos_desktop("--data-dir", str(tmp_path / "t"), "catalog", "import", "nope.csv",
                       env={"POS_LANG": "es_AR"}, cwd=tmp_path)
    assert done.returncode == 2
    assert "nope.csv: no existe el archivo o la carpeta" in done.stderr
    assert "Errno" not in done.stderr and "No such file" not in done.stderr


def test_a_reader_that_stops_early_gets_no_traceback(shop: Path) -> None:
    """``pos-desktop journal --json | head -1``: the reader is gone before the output."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("POS_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pos_desktop", "--data-dir", str(shop), "journal", "--json"],
        env={**base, "PYTHONPATH": str(ROOT), "POS_LANG": "en"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like head exiting: every write now fails with EPIPE
    err = proc.stderr.read()
    code = proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 141  # 128 + SIGPIPE, as a Unix tool killed by it


def test_demo_uses_its_own_folder_and_leaves_the_shop_s_folder_alone(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    done = pos_desktop("--demo", "journal", env={"XDG_DATA_HOME": str(xdg)})
    assert done.returncode == 0, done.stderr
    assert (xdg / "super-pos-demo" / "pos.sqlite3").is_file()
    assert not (xdg / "super-pos").exists()  # a later plain start runs the wizard


def test_demo_refuses_a_shop_s_folder(tmp_path: Path) -> None:
    real = tmp_path / "real"
    Till.open(real).close()  # a real shop's database, not a demo's
    done = pos_desktop("--data-dir", str(real), "--demo", "users", "list")
    assert done.returncode == 2
    assert "--demo refuses" in done.stderr
    with sqlite3.connect(real / "pos.sqlite3") as conn:
        seeded = conn.execute("SELECT 1 FROM settings WHERE key = 'demo.seeded'").fetchone()
        products = conn.execute("SELECT COUNT(*) FROM products").fetchone()[0]
    assert seeded is None and products == 0


def test_without_the_desktop_extra_it_says_which_extra_to_install(tmp_path: Path) -> None:
    shim = ("import sys; sys.modules['PySide6'] = None; sys.modules['platformdirs'] = None; "
            "from pos_desktop.cli.main import main; sys.exit(main())")
    base = {k: v for k, v in os.environ.items() if not k.startswith("POS_")}
    done = subprocess.run([sys.executable, "-c", shim, "--data-dir", str(tmp_path), "journal"],
                          env={**base, "PYTHONPATH": str(ROOT), "POS_LANG": "en"},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "pip install 'super-pos[desktop]'" in done.stderr
    assert "Traceback" not in done.stderr
