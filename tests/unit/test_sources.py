"""config/sources.yaml: the shipped file is valid, and bad entries fail naming source, field and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from news_ingest.sources import (
    FIXTURE_SOURCES_PATH,
    SOURCES_PATH,
    SourceConfigError,
    load_crawler_config,
    load_sources,
    select,
    source_for_url,
)

REAL = {"tribunnews", "kompas", "detik", "antaranews", "cnnindonesia", "tempo", "bernama", "beritaharian",
        "thestar", "reuters", "apnews", "bbc"}


def test_shipped_file_is_valid_and_covers_the_sites_users_crawl():
    sources = load_sources(SOURCES_PATH)
    assert set(sources) >= REAL
    # only real sites: the bundled sample site lives in the fixture file (demo, tests)
    assert not any(src.fixture or src.allow_loopback for src in sources.values())
    for name in REAL:
        src = sources[name]
        assert not src.allow_loopback, name
        assert src.feeds or src.sitemaps or src.start_urls, name
        assert all(u.startswith("https://") for u in (*src.feeds, *src.sitemaps, *src.start_urls)), name
        assert src.language in ("id", "ms", "en") and src.country, name
    assert load_crawler_config(SOURCES_PATH).contact_url.startswith("https://")


@pytest.mark.parametrize(("name", "url", "rule"), [
    ("tribunnews", "https://www.tribunnews.com/internasional/2024/12/05/korut-rusia-perjanjian", "allow"),
    ("tribunnews", "https://www.tribunnews.com/tag/korea-utara", "deny"),
    ("kompas", "https://nasional.kompas.com/read/2024/12/05/10150011/judul-berita", "allow"),
    ("kompas", "https://nasional.kompas.com/", "none"),
    ("detik", "https://news.detik.com/berita/d-7669123/judul-berita", "allow"),
    ("antaranews", "https://www.antaranews.com/berita/4512345/judul-berita", "allow"),
    ("cnnindonesia", "https://www.cnnindonesia.com/internasional/20241205101530-113-1173456/judul", "allow"),
    ("tempo", "https://www.tempo.co/politik/judul-berita-1173456", "allow"),
    ("bernama", "https://www.bernama.com/bm/news.php?id=2370123", "allow"),
    ("beritaharian", "https://www.bharian.com.my/berita/nasional/2024/12/1333333/tajuk-berita", "allow"),
    ("thestar", "https://www.thestar.com.my/news/nation/2024/12/05/headline-words", "allow"),
    ("reuters", "https://www.reuters.com/world/asia-pacific/headline-words-2024-12-05/", "allow"),
    ("apnews", "https://apnews.com/article/headline-words-0123456789abcdef0123456789abcdef", "allow"),
    ("bbc", "https://www.bbc.com/news/articles/c0l8q2z3k4xo", "allow"),
])
def test_real_url_shapes_match_their_rules(name, url, rule):
    sources = load_sources(SOURCES_PATH)
    assert source_for_url(sources, url).name == name
    assert sources[name].url_rule(url)[0] == rule


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(body)
    return path


GOOD = """sources:
  - name: site
    domains: [example.com]
    feeds: ["https://www.example.com/rss"]
    article_allow: ['/news/\\d+']
"""


def test_minimal_entry_gets_safe_defaults(tmp_path):
    src = load_sources(_write(tmp_path, GOOD))["site"]
    assert src.robots_sitemaps and not src.allow_loopback
    assert src.delay == 1.0 and src.concurrency == 2 and src.follow_depth == 2
    assert src.multipage.mode == "auto" and src.multipage.param == "page"


@pytest.mark.parametrize(("edit", "expect"), [
    (("article_allow: ['/news/\\d+']", "article_allow: ['/news/(']"), "'site', field 'article_allow[0]'"),
    (("domains: [example.com]", "domains: [https://example.com/]"), "field 'domains[0]'"),
    (('feeds: ["https://www.example.com/rss"]', 'feeds: ["https://other.org/rss"]'), "add 'other.org'"),
    (('feeds: ["https://www.example.com/rss"]', 'feeds: ["/rss"]'), "not an absolute http(s) URL"),
    (("    article_allow:", "    delay: -1\n    article_allow:"), "field 'delay': must be >= 0"),
    (("    article_allow:", "    concurrency: many\n    article_allow:"), "'concurrency': expected int"),
    (("    article_allow:", "    multipage: {mode: pages}\n    article_allow:"), "multipage.mode"),
    (("    article_allow:", "    langauge: id\n    article_allow:"), "field 'langauge': unknown field"),
    (("    article_allow: ['/news/\\d+']\n", ""), "field 'article_allow': missing"),
    (("  - name: site", "  - name: Site Name"), "field 'name'"),
])
def test_bad_entries_name_the_source_field_and_fix(tmp_path, edit, expect):
    with pytest.raises(SourceConfigError) as err:
        load_sources(_write(tmp_path, GOOD.replace(*edit)))
    assert expect in str(err.value)
    assert "Fix:" in str(err.value)


def test_duplicate_names_unknown_selection_and_broken_yaml(tmp_path):
    dup = GOOD + GOOD.split("sources:\n", 1)[1]
    with pytest.raises(SourceConfigError, match="appears twice"):
        load_sources(_write(tmp_path, dup))
    with pytest.raises(SourceConfigError, match="not valid YAML"):
        load_sources(_write(tmp_path, "sources: [\n"))
    sources = load_sources(_write(tmp_path, GOOD))
    with pytest.raises(SourceConfigError, match="unknown source"):
        select(sources, "site,nope")
    assert [s.name for s in select(sources, "all")] == ["site"]


def test_env_expansion_and_subdomains(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://news.example.com")
    src = load_sources(_write(tmp_path, GOOD.replace("https://www.example.com", "${SITE_URL}")))["site"]
    assert src.feeds == ("https://news.example.com/rss",)
    assert src.owns_host("a.b.example.com") and not src.owns_host("badexample.com")


def test_fixture_sources_live_in_their_own_file_and_all_never_selects_them(tmp_path):
    fixtures = load_sources(FIXTURE_SOURCES_PATH)
    assert fixtures["sample"].fixture and fixtures["sample"].allow_loopback
    mixed = _write(tmp_path, GOOD + """  - name: local
    domains: [127.0.0.1]
    start_urls: ["http://127.0.0.1:8765/"]
    article_allow: ['/berita/']
    allow_loopback: [8765]
  - name: staging
    domains: [staging.example.com]
    start_urls: ["https://staging.example.com/"]
    article_allow: ['/berita/']
    fixture: true
""")
    sources = load_sources(mixed)
    assert sources["local"].fixture  # a loopback source is a fixture whether marked or not
    assert [s.name for s in select(sources, "all")] == ["site"]
    assert [s.name for s in select(sources, "")] == ["site"]
    assert [s.name for s in select(sources, "local,site")] == ["local", "site"]  # named: runs
    with pytest.raises(SourceConfigError, match="only fixture sources"):
        select(load_sources(FIXTURE_SOURCES_PATH), "all")


def test_loopback_source_cannot_be_declared_real(tmp_path):
    bad = GOOD.replace("    article_allow:",
                       "    allow_loopback: [8765]\n    fixture: false\n    article_allow:")
    with pytest.raises(SourceConfigError, match="field 'fixture'.*Fix:"):
        load_sources(_write(tmp_path, bad))


def test_naming_the_sample_site_without_the_fixture_file_says_how(tmp_path):
    with pytest.raises(SourceConfigError) as err:
        select(load_sources(SOURCES_PATH), "sample")
    msg = str(err.value)
    assert "fixture source" in msg and "NEWS_SOURCES=" in msg and "sample_site" in msg


# --------------------------------------------------------------------------- ceilings and ports
def test_a_source_cannot_lift_the_size_ceiling(tmp_path):
    """max_page_bytes: 256MB let a compression bomb inflate to 268 MB in the crawler."""
    for value in ("256MB", "268435456"):
        bad = GOOD.replace("    article_allow:", f"    max_page_bytes: {value}\n    article_allow:")
        with pytest.raises(SourceConfigError, match=r"field 'max_page_bytes': .*268,435,456\) is over the "
                           r"crawler's ceiling of 8,388,608 \(NEWS_MAX_PAGE_BYTES\).*Fix: lower it"):
            load_sources(_write(tmp_path, bad))
    ok = GOOD.replace("    article_allow:",
                      "    max_page_bytes: 512KB\n    max_redirects: 2\n    article_allow:")
    src = load_sources(_write(tmp_path, ok))["site"]  # lowering is fine
    assert src.max_page_bytes == 512 * 1024 and src.max_redirects == 2


@pytest.mark.parametrize(("field", "value", "var"), [
    ("max_decompressed_bytes", "1GB", "NEWS_MAX_DECOMPRESSED_BYTES"),
    ("max_redirects", "50", "NEWS_MAX_REDIRECTS"),
])
def test_every_ceiling_holds_for_a_source(tmp_path, field, value, var):
    bad = GOOD.replace("    article_allow:", f"    {field}: {value}\n    article_allow:")
    with pytest.raises(SourceConfigError, match=f"field '{field}'.*ceiling.*{var}"):
        load_sources(_write(tmp_path, bad))


def test_ceilings_are_settings_with_documented_defaults(tmp_path, monkeypatch):
    from news_ingest.config import Ceilings
    from news_ingest.sources import ceilings_for

    for var in Ceilings.ENV.values():
        monkeypatch.delenv(var, raising=False)
    assert ceilings_for(tmp_path / "none.yaml") == Ceilings(page_bytes=8 * 1024**2, decompressed_bytes=32 * 1024**2,
                                                            redirects=5, url_length=4096)
    monkeypatch.setenv("NEWS_MAX_PAGE_BYTES", "1MB")
    monkeypatch.setenv("NEWS_MAX_URL_LENGTH", "1000")
    src = load_sources(_write(tmp_path, GOOD))["site"]
    assert src.max_page_bytes == 1024**2  # the source default (4 MB) is clamped to a lower ceiling
    assert load_crawler_config(_write(tmp_path, GOOD)).max_url_length == 1000
    long_urls = GOOD + "crawler:\n  max_url_length: 3000\n"
    with pytest.raises(SourceConfigError, match="max_url_length.*ceiling of 1,000 .NEWS_MAX_URL_LENGTH"):
        load_crawler_config(_write(tmp_path, long_urls))
    monkeypatch.setenv("NEWS_MAX_REDIRECTS", "many")
    with pytest.raises(SourceConfigError, match="NEWS_MAX_REDIRECTS='many' is not a whole number"):
        ceilings_for()


def test_allow_loopback_needs_explicit_ports(tmp_path, monkeypatch):
    local = """sources:
  - name: local
    domains: [127.0.0.1]
    start_urls: ["http://127.0.0.1:8765/"]
    article_allow: ['/berita/']
    allow_loopback: PORTS
"""
    with pytest.raises(SourceConfigError, match="allow_loopback.*needs the list of ports.*Fix: write e.g."):
        load_sources(_write(tmp_path, local.replace("PORTS", "true")))
    with pytest.raises(SourceConfigError, match=r"allow_loopback\[0\].*not a port"):
        load_sources(_write(tmp_path, local.replace("PORTS", "[http]")))
    src = load_sources(_write(tmp_path, local.replace("PORTS", "[8765]")))["local"]
    assert src.loopback_allowed(8765) and not src.loopback_allowed(6379) and not src.loopback_allowed(80)
    # the fixture file takes the port from the fixture server's URL
    monkeypatch.setenv("SAMPLE_SITE_URL", "http://127.0.0.1:40123")
    sample = load_sources(FIXTURE_SOURCES_PATH)["sample"]
    assert sample.allow_loopback == (40123,) and sample.fixture
