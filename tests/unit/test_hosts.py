"""The one host-ownership check: host AND port."""

from __future__ import annotations

from pathlib import Path

import pytest

from news_ingest.sources import SourceConfigError, load_sources, source_for_url
from pipelines import hosts


def test_owns_host_and_port():
    assert hosts.owns(["kompas.com"], [80, 443], "https://www.kompas.com/read/2024/12/05/x")
    assert hosts.owns(["kompas.com"], [80, 443], "http://kompas.com:80/x")
    assert not hosts.owns(["kompas.com"], [80, 443], "https://kompas.com:8443/admin")
    assert not hosts.owns(["kompas.com"], [80, 443], "https://notkompas.com/x")
    assert hosts.owns(["127.0.0.1"], [8001], "http://127.0.0.1:8001/a")
    assert not hosts.owns(["127.0.0.1"], [8001], "http://127.0.0.1:8002/a")
    assert not hosts.owns(["127.0.0.1"], [8001], "http://127.0.0.1/a")  # port 80 is not the fixture's
    assert not hosts.owns(["kompas.com"], [443], "ftp://kompas.com/x")
    assert not hosts.owns(["kompas.com"], [443], "https://kompas.com:99999/x")


def test_same_site_variants():
    assert hosts.same_site("https://www.example.com/a", "https://example.com/b")
    assert hosts.same_site("https://m.example.com/a", "https://amp.example.com/b")
    assert hosts.same_site("https://example.com/a", "http://www.example.com/a")  # default ports both
    assert not hosts.same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a")
    assert not hosts.same_site("https://example.com/a", "https://example.org/a")
    assert not hosts.same_site("https://example.com/a", "https://example.com:8443/a")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


def test_a_source_owns_its_configured_ports(tmp_path):
    path = write(tmp_path, """sources:
  - name: wp
    domains: [127.0.0.1]
    start_urls: ["http://127.0.0.1:8001/"]
    article_allow: ['/20']
    allow_loopback: [8001]
  - name: wire
    domains: [127.0.0.1]
    feeds: ["http://127.0.0.1:8002/feed/"]
    article_allow: ['/berita/']
    allow_loopback: [8002, 8003]
    ports: [8003]
  - name: real
    domains: [example.co.id]
    start_urls: ["https://www.example.co.id/"]
    article_allow: ['/read/']
""")
    sources = load_sources(path)
    assert sources["wp"].ports == (8001,) and sources["wire"].ports == (8002, 8003)
    assert sources["real"].ports == (80, 443)
    assert sources["wp"].owns("http://127.0.0.1:8001/2024/x/")
    assert not sources["wp"].owns("http://127.0.0.1:8002/berita/x")
    assert source_for_url(sources, "http://127.0.0.1:8002/robots.txt").name == "wire"
    assert source_for_url(sources, "http://127.0.0.1:8001/robots.txt").name == "wp"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("ports", "[0]", "not a TCP port"), ("ports", "[http]", "not a TCP port"),
    ("article_pages", "always", "unknown value 'always'"),
])
def test_bad_ports_and_article_pages_are_clear_errors(tmp_path, field, value, message):
    path = write(tmp_path, f"""sources:
  - name: x
    domains: [example.com]
    start_urls: ["https://example.com/"]
    article_allow: ['/a/']
    {field}: {value}
""")
    with pytest.raises(SourceConfigError, match=message):
        load_sources(path)
