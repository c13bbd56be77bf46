"""A RabbitMQ cluster of our own on loopback, for tests: each node with its own
RABBITMQ_NODENAME, AMQP and distribution ports, data and log folders, one Erlang cookie
shared by the nodes and ``rabbitmqctl`` (in a HOME of the cluster's own), and no
plugins (the shared broker's management port is taken). Nodes 2..n join node 1 with
``rabbitmqctl join_cluster`` one at a time: two nodes joining at once race in mnesia's
schema merge (RabbitMQ's peer discovery takes a lock for that very reason), which showed
here as ``start_app`` failing with exit 69. Readiness is ``rabbitmqctl wait <pid file>``
(it polls the node until the broker runs) and ``await_startup``, never a sleep.

A killed node is started again only once its old self is gone everywhere: its name free
in epmd and every peer's ``cluster_status`` no longer counting it as running (a peer that
still does would greet the new incarnation as the old one). It rejoins with its data; it
is never ``forget_cluster_node``d. A start is tried again only when the boot gave up
waiting for its peers' mnesia tables (``timeout_waiting_for_tables``), the case
RabbitMQ's clustering guide answers with "start the node again".
The shared broker on 5672 is untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

SBIN = Path(os.environ.get("POS_TEST_RABBITMQ_SBIN", "/usr/lib/rabbitmq/bin"))


class ClusterUnavailable(RuntimeError):
    """rabbitmq-server cannot start extra nodes here (not installed, or a node failed)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RabbitNode:
    name: str
    """e.g. ``pos-1a2b3c-1@localhost``."""
    folder: Path
    cookie_home: Path
    port: int = field(default_factory=free_port)
    dist_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    extra_config: str = ""
    """More rabbitmq.conf lines (a TLS listener, say)."""
    log_marks: dict[Path, int] = field(default_factory=dict, repr=False)
    """Where the last boot's lines begin in each log."""

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    @property
    def pid_file(self) -> Path:
        return self.folder / "pid"

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("RABBITMQ_", "ERL_"))}
        env.update(
            HOME=str(self.cookie_home),  # its .erlang.cookie, shared with the others
            RABBITMQ_NODENAME=self.name,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_CONF_ENV_FILE=str(self.folder / "rabbitmq-env.conf"),
            RABBITMQ_CONFIG_FILE=str(self.folder / "rabbitmq.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.folder / "enabled_plugins"),
            RABBITMQ_MNESIA_BASE=str(self.folder / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.folder / "log"),
            RABBITMQ_PID_FILE=str(self.pid_file),
            ERL_EPMD_ADDRESS="127.0.0.1",
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
        )
        return env

    def prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "rabbitmq-env.conf").write_text("")  # not /etc/rabbitmq's
        (self.folder / "enabled_plugins").write_text("[].\n")
        (self.folder / "rabbitmq.conf").write_text(
            f"listeners.tcp.1 = 127.0.0.1:{self.port}\n"
            "loopback_users = none\n"
            "log.console = false\n"
            "log.file.level = warning\n" + self.extra_config
        )

    def _logs(self) -> list[Path]:
        return [self.folder / "server.out", *sorted((self.folder / "log").glob("*.log"))]

    def start(self) -> None:
        self.pid_file.unlink(missing_ok=True)
        self.log_marks = {log: log.stat().st_size for log in self._logs() if log.exists()}
        log = (self.folder / "server.out").open("ab")
        self.process = subprocess.Popen(
            [str(SBIN / "rabbitmq-server")], env=self.environment(), stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()

    def ctl(self, *args: str, timeout: float = 120.0, tool: str = "rabbitmqctl") -> str:
        done = subprocess.run(
            [str(SBIN / tool), "-n", self.name, *args], env=self.environment(),
            capture_output=True, text=True, timeout=timeout, check=False,
        )
        if done.returncode != 0:
            raise ClusterUnavailable(
                f"{tool} {' '.join(args)} on {self.name} failed ({done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[-600:]}\n{self.tail()}"
            )
        return done.stdout

    def wait_running(self, timeout: float = 120.0) -> None:
        """Until the broker application runs (``rabbitmqctl wait`` polls the node)."""
        self.ctl("wait", str(self.pid_file), "--timeout", str(int(timeout)),
                 timeout=timeout + 30)

    def kill(self) -> None:
        """SIGKILL the Erlang VM, as a power cut or the OOM killer would."""
        pid = int(self.pid_file.read_text().strip())
        os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)  # the start script ends with its VM

    def registered_in_epmd(self) -> bool:
        """Is the node's name still registered with epmd (an old VM not yet gone)?"""
        done = subprocess.run(["epmd", "-names"], env=self.environment(), capture_output=True,
                              text=True, timeout=30, check=False)
        short = self.name.split("@", 1)[0]
        return any(line.split()[1:2] == [short] for line in done.stdout.splitlines())

    def running_nodes(self) -> list[str]:
        """The nodes this one's ``cluster_status`` counts as running."""
        status = json.loads(self.ctl("cluster_status", "--formatter", "json"))
        return [str(name) for name in status.get("running_nodes", [])]

    def boot_gave_up_on_tables(self) -> bool:
        """Did the last boot end waiting for the peers' mnesia tables?"""
        for log in self._logs():
            if not log.exists():
                continue
            with log.open("rb") as lines:
                lines.seek(self.log_marks.get(log, 0))
                if b"timeout_waiting_for_tables" in lines.read():
                    return True
        return False

    def stop(self) -> None:
        """End the node and everything it started (its own process group): the test's
        data is thrown away, so no graceful shutdown is waited for."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def tail(self, lines: int = 15) -> str:
        out = self.folder / "server.out"
        text = out.read_text(errors="replace") if out.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def standalone_node(folder: Path, extra_config: str = "") -> RabbitNode:
    """One node of our own (not clustered), started and running."""
    if not (SBIN / "rabbitmq-server").exists():
        raise ClusterUnavailable(f"no rabbitmq-server in {SBIN}")
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    cookie = home / ".erlang.cookie"
    cookie.write_text(uuid.uuid4().hex.upper())
    cookie.chmod(0o400)
    node = RabbitNode(f"pos-{uuid.uuid4().hex[:6]}@localhost", folder / "node", home,
                      extra_config=extra_config)
    node.prepare()
    node.start()
    try:
        node.wait_running()
    except BaseException:
        node.stop()
        raise
    return node


class RabbitCluster:
    """``size`` nodes joined into one cluster; ``urls`` is the address list a till or
    the ingest is given."""

    def __init__(self, folder: Path, size: int = 3) -> None:
        if not (SBIN / "rabbitmq-server").exists():
            raise ClusterUnavailable(f"no rabbitmq-server in {SBIN}")
        tag = uuid.uuid4().hex[:6]
        self.folder = folder
        home = folder / "home"
        home.mkdir(parents=True, exist_ok=True)
        cookie = home / ".erlang.cookie"
        cookie.write_text(uuid.uuid4().hex.upper())
        cookie.chmod(0o400)  # Erlang refuses a cookie others may read
        self.nodes = [
            RabbitNode(f"pos-{tag}-{n}@localhost", folder / f"node{n}", home)
            for n in range(1, size + 1)
        ]

    @property
    def urls(self) -> str:
        return ",".join(node.url for node in self.nodes)

    def start(self) -> None:
        for node in self.nodes:
            node.prepare()
            node.start()
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(lambda node: node.wait_running(), self.nodes))
        self.booted = time.monotonic()
        first = self.nodes[0]

        def join(node: RabbitNode) -> None:  # a fresh node: no reset needed first
            node.ctl("stop_app")
            node.ctl("join_cluster", first.name)
            node.ctl("start_app")

        for node in self.nodes[1:]:  # one at a time (see the module)
            join(node)
        members = first.ctl("cluster_status", "--formatter", "json")
        missing = [node.name for node in self.nodes if node.name not in members]
        if missing:
            raise ClusterUnavailable(f"nodes not in the cluster: {missing}: {members}")

    def restart(self, node: RabbitNode, timeout: float = 180.0) -> None:
        """Start a killed node again; it rejoins the cluster with its data."""
        peers = [other for other in self.nodes if other is not node]
        deadline = time.monotonic() + timeout
        self._until(lambda: not node.registered_in_epmd(), deadline,
                    f"{node.name} gone from epmd")
        self._until(lambda: all(node.name not in peer.running_nodes() for peer in peers),
                    deadline, f"the peers seeing {node.name} down")
        for attempt in range(3):
            node.start()
            try:
                node.wait_running(max(30.0, deadline - time.monotonic()))
                break
            except ClusterUnavailable:
                if attempt == 2 or not node.boot_gave_up_on_tables():
                    raise
                node.stop()  # the documented answer: start it again
        node.ctl("await_startup")
        self._until(lambda: all(node.name in peer.running_nodes() for peer in peers),
                    deadline, f"the peers counting {node.name} running again")

    @staticmethod
    def _until(condition: Callable[[], bool], deadline: float, what: str) -> None:
        while not condition():
            if time.monotonic() > deadline:
                raise ClusterUnavailable(f"timed out waiting for {what}")
            time.sleep(0.2)  # polling a signal, not waiting in its place

    def safe_to_lose(self, node: RabbitNode, queues: Sequence[str] = ()) -> bool:
        """Would the quorum queues keep a majority without ``node``? (every other member
        online and caught up)"""
        try:
            node.ctl("check_if_node_is_quorum_critical", tool="rabbitmq-queues", timeout=60)
        except ClusterUnavailable:
            return False
        return True

    def members(self, queue: str) -> str:
        return self.nodes[0].ctl("quorum_status", queue, "--formatter", "json",
                                 tool="rabbitmq-queues")

    def close(self) -> None:
        """SIGKILL every node (their data is thrown away) and remove the folder."""
        for node in self.nodes:
            node.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
