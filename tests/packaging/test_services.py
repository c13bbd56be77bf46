"""Head office as a sysadmin runs it: the systemd units and the compose file.

The units pass ``systemd-analyze verify``, are hardened and get their secrets as
credentials; the compose file passes ``docker compose config``; and every command either
of them runs is run here, as written, against the real PostgreSQL and RabbitMQ on
loopback with the secrets as credential files (long-running ones until they answer
/health, then SIGTERM, which must end them cleanly).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "packaging" / "systemd"
COMPOSE = ROOT / "packaging" / "compose" / "compose.yaml"
SYSTEM_UNITS = ("pos-central-migrate.service", "pos-central-ingest.service",
                "pos-central-api.service", "pos-central-caea.service")
USER_UNITS = ("pos-desktop-sync.service",)
SECRET_WORDS = re.compile(r"password|token|://[^/\s]*:[^@\s]*@", re.IGNORECASE)


def read_unit(path: Path) -> dict[str, list[str]]:
    """``Section.Key`` → every value (systemd allows a key more than once)."""
    values: dict[str, list[str]] = {}
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        values.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return values


def env_file() -> dict[str, str]:
    pairs = {}
    for line in (UNITS / "central.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def unit_commands() -> Iterator[tuple[str, list[str]]]:
    """(unit, argv after pos-central) of every ExecStart, ${VAR} as systemd expands it."""
    env = env_file()
    for name in SYSTEM_UNITS:
        for line in read_unit(UNITS / name)["Service.ExecStart"]:
            argv = shlex.split(re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], line))
            assert argv[0] == "/opt/super-pos-central/bin/pos-central"
            yield name, argv[1:]


def compose_commands() -> Iterator[tuple[str, list[str]]]:
    yaml = pytest.importorskip("yaml")
    services = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    for name, service in services.items():
        command = service.get("command")
        if command:
            assert command[0] == "pos-central"
            yield f"compose:{name}", [str(part) for part in command[1:]]


COMMANDS = [*unit_commands(), *compose_commands()]


def test_the_caea_timer_runs_the_scheduler_every_hour_and_after_a_machine_was_off() -> None:
    timer = read_unit(UNITS / "pos-central-caea.timer")
    assert timer["Timer.OnCalendar"] == ["hourly"] and timer["Timer.Persistent"] == ["true"]
    service = read_unit(UNITS / "pos-central-caea.service")
    assert service["Service.ExecStart"][0].endswith("pos-central scheduler --once")
    assert "fiscal:/etc/super-pos/credentials/fiscal" in service["Service.LoadCredential"]
    assert service["Service.StateDirectory"] == ["super-pos-central"]


def test_each_system_unit_is_sandboxed_restarts_and_takes_secrets_as_credentials() -> None:
    for name in SYSTEM_UNITS:
        unit = read_unit(UNITS / name)
        service = {k.removeprefix("Service."): v for k, v in unit.items()
                   if k.startswith("Service.")}
        assert service["DynamicUser"] == ["yes"], name
        for key, value in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"),
                           ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                           ("CapabilityBoundingSet", "")):
            assert service[key] == [value], (name, key)
        assert service["EnvironmentFile"] == ["/etc/super-pos/central.env"]
        credentials = {c.split(":", 1)[0] for c in service["LoadCredential"]}
        assert {"db-url", "amqp-url"} <= credentials
        assert all(c.split(":", 1)[1].startswith("/etc/super-pos/credentials/")
                   for c in service["LoadCredential"])
        if service["Type"] != ["oneshot"]:
            assert service["Restart"] == ["on-failure"], name
        assert "Environment" not in service  # settings in the env file, secrets nowhere here
    for key, value in env_file().items():
        assert not SECRET_WORDS.search(f"{key}={value}"), key


def test_the_till_s_user_unit_runs_sync_and_gets_the_password_as_a_credential() -> None:
    unit = read_unit(UNITS / "pos-desktop-sync.service")
    assert unit["Service.ExecStart"] == ["/usr/bin/pos-desktop sync run"]
    assert unit["Service.LoadCredential"] == [
        "amqp-password:%E/super-pos/credentials/amqp-password"]
    assert unit["Service.Restart"] == ["on-failure"]
    assert unit["Service.NoNewPrivileges"] == ["yes"]
    assert unit["Install.WantedBy"] == ["default.target"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_analyze_verify_passes_on_every_unit() -> None:
    done = subprocess.run(["bash", str(UNITS / "verify.sh")], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def compose_client() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.skipif(compose_client() is None, reason="no docker compose client")
def test_docker_compose_config_accepts_the_file_and_refuses_a_typo(tmp_path: Path) -> None:
    client = compose_client()
    assert client is not None
    done = subprocess.run([*client, "-f", str(COMPOSE), "config", "--quiet"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    broken = tmp_path / "compose.yaml"
    broken.write_text(COMPOSE.read_text(encoding="utf-8").replace(
        "    stop_grace_period: 60s", "    stop_grace_perod: 60s"), encoding="utf-8")
    refused = subprocess.run([*client, "-f", str(broken), "config", "--quiet"],
                             capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode != 0


def test_compose_gives_the_secrets_as_credential_files_too() -> None:
    yaml = pytest.importorskip("yaml")
    services = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    for name in ("migrate", "provision", "ingest", "api"):
        assert services[name]["environment"]["CREDENTIALS_DIRECTORY"] == "/run/secrets"
        assert {"db-url", "amqp-url"} <= set(services[name]["secrets"])
        assert not any(SECRET_WORDS.search(f"{k}={v}")
                       for k, v in services[name]["environment"].items())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def on_loopback(argv: list[str]) -> tuple[list[str], int | None]:
    """The command with its listening address on loopback and its port free here."""
    out, port = [], None
    for i, part in enumerate(argv):
        before = argv[i - 1] if i else ""
        if before in ("--host", "--http-host"):
            part = "127.0.0.1"
        elif before in ("--port", "--http-port"):
            port = free_port()
            part = str(port)
        out.append(part)
    return out, port


def wait_until(ready: Callable[[], bool], what: str, timeout: float = 90) -> None:
    """Wait for a condition (a server answering), not for a time; the bound only stops a
    hung test."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def answers_health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


@pytest.fixture
def credentials(tmp_path: Path, pg_database: str, amqp_url: str) -> Path:
    folder = tmp_path / "credentials"
    folder.mkdir(mode=0o700)
    (folder / "db-url").write_text(pg_database + "\n", encoding="utf-8")
    (folder / "amqp-url").write_text(amqp_url + "\n", encoding="utf-8")
    return folder


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.parametrize(("where", "argv"), COMMANDS, ids=[f"{w}:{a[0]}" for w, a in COMMANDS])
def test_every_command_of_the_units_and_compose_runs_as_written(
    where: str, argv: list[str], credentials: Path, unique_name: str, amqp_url: str
) -> None:
    from pos_central.topology import Topology, delete_topology

    prefix = f"svc-{unique_name}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("POS_")}
    env.update(env_file(), PYTHONPATH=str(ROOT), CREDENTIALS_DIRECTORY=str(credentials),
               POS_CENTRAL_PREFIX=prefix)
    command = [sys.executable, "-m", "pos_central.cli"]
    setup = ("migrate", "provision")
    try:
        for step in setup:  # what the migrate unit (or compose service) did before
            if argv[0] != step:
                subprocess.run([*command, step], env=env, check=True, capture_output=True,
                               timeout=120)
        args, port = on_loopback(argv)
        if argv[0] in setup or argv[:2] == ["scheduler", "--once"]:  # oneshot: to its end
            done = subprocess.run([*command, *args], env=env, capture_output=True, text=True,
                                  timeout=120, check=False)
            assert done.returncode == 0, f"{where}: {done.stderr}"
            return
        if argv[0] == "scheduler":  # a loop (compose): its first run, then SIGTERM
            with subprocess.Popen([*command, *args], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) as proc:
                try:
                    assert proc.stdout is not None
                    first = proc.stdout.readline()  # the first run's summary
                    assert first.startswith("CAEA:"), f"{where}: {first!r} {proc.stderr}"
                    proc.send_signal(signal.SIGTERM)
                    _, err = proc.communicate(timeout=90)
                    assert proc.returncode == 0, f"{where}: {err}"
                finally:
                    if proc.poll() is None:
                        proc.kill()
            return
        assert port is not None, f"{where}: a service must serve /health"
        with subprocess.Popen([*command, *args], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) as proc:
            try:
                # serve on PORT; the ingest's worker 0 on PORT + 0
                wait_until(lambda: answers_health(port) or proc.poll() is not None,
                           f"{where} /health")
                assert proc.poll() is None, proc.communicate()[1]
                proc.send_signal(signal.SIGTERM)
                _, err = proc.communicate(timeout=90)
                assert proc.returncode == 0, f"{where}: {err}"
            finally:
                if proc.poll() is None:
                    proc.kill()
    finally:
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        try:
            delete_topology(connection.channel(), Topology(prefix))
        finally:
            connection.close()
