"""Node management failures give one clear message, not a stack trace."""

from __future__ import annotations

import socket

import pytest

from news_ingest import devnode


def test_port_in_use_is_named():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(devnode.NodeError, match=f"port {port} .* already in use"):
            devnode.start("elasticsearch", port=port)


def test_remote_url_is_refused_for_a_local_node():
    with pytest.raises(devnode.NodeError, match="not on this machine"):
        devnode._port_of("http://search.example.org:9200")


def test_missing_java_names_the_fix(monkeypatch, tmp_path):
    engine = devnode.Engine("elasticsearch", "g", "a", "1", 99, "ES_", "x.yml", "x")
    monkeypatch.setenv("ES_JAVA_HOME", str(tmp_path))
    with pytest.raises(devnode.NodeError, match="no Java 99\\+ found .*ES_JAVA_HOME"):
        devnode.find_java(engine)
