"""Every reader wired to the config model (news_ingest.config) applies the one precedence rule —
defaults < the sources file's ``settings:`` < Scrapy ``-s`` < the environment — and a bad value, in
any layer, is one ConfigError naming the variable, the value and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.http import TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.commands.crawl import Command, check
from crawler.extensions import PoliteAutoThrottle
from crawler.frontier import frontier_config
from crawler.pipelines import IndexPipeline
from crawler.resolver import PolicyResolver
from crawler.retry import RetryAfterMiddleware
from crawler.scheduler import SpillingScheduler
from crawler.spiders.news import NewsSpider
from crawler.warc import warc_config
from crawler.workers import stage_config
from news_ingest import devnode
from news_ingest.config import Ceilings, ConfigError
from news_ingest.sources import SourceConfigError, ceilings_for, file_settings, load_sources

SOURCE = """sources:
  - name: kabar
    domains: [kabar.example]
    start_urls: ["https://kabar.example/"]
    article_allow: ['/berita/']
"""


@pytest.fixture()
def sources_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Writes the sources file with a ``settings:`` block; a clean environment for the variables."""
    path = tmp_path / "sources.yaml"
    monkeypatch.setenv("NEWS_SOURCES", str(path))
    monkeypatch.setenv("NEWS_HOME", str(tmp_path / "home"))

    def write(settings: dict[str, Any] | None = None, source: str = SOURCE) -> Path:
        block = "settings:\n" + "".join(f"  {k}: {v}\n" for k, v in (settings or {}).items()) if settings else ""
        path.write_text(source + block)
        return path
    write()
    return write


def _start_delay(crawler: Any) -> float:
    """The delay PoliteAutoThrottle starts a crawl at (CRAWL_DELAY)."""
    throttle = PoliteAutoThrottle.__new__(PoliteAutoThrottle)  # (its __init__ needs AUTOTHROTTLE_ENABLED)
    throttle.crawler, throttle.mindelay = crawler, 0.0
    return throttle._start_delay()


def _robots_floor(crawler: Any) -> float:
    """The delay a robots.txt asking Crawl-delay: 1000 gets: CRAWL_DELAY_MAX."""
    spider = NewsSpider.from_crawler(crawler, source="kabar")
    robots = TextResponse("https://kabar.example/robots.txt", body=b"User-agent: *\nCrawl-delay: 1000\n",
                          encoding="utf-8")
    list(spider.parse_robots(robots, "kabar", []))
    return spider.host_floor["kabar.example"]


# (variable, the value each layer gives — file, -s, env — and how the reader reads it back)
READERS = [
    ("INDEX_BATCH_DOCS", ("200", "300", "400"), (200, 300, 400), 500,
     lambda crawler: IndexPipeline(crawler).config.batch_docs),
    ("INDEX_FLUSH_SECONDS", ("2s", "3", "1m"), (2.0, 3.0, 60.0), 5.0,
     lambda crawler: IndexPipeline(crawler).config.flush_seconds),
    ("STAGE_TIMEOUT", ("45s", "50", "2m"), (45.0, 50.0, 120.0), 30.0,
     lambda crawler: stage_config(crawler).timeout),
    ("STAGE_WORKER_MAX_PAGES", ("10", "20", "30"), (10, 20, 30), 1000,
     lambda crawler: stage_config(crawler).max_pages),
    ("FRONTIER_LEASE_SECONDS", ("1m", "90", "3m"), (60.0, 90.0, 180.0), 120.0,
     lambda crawler: frontier_config(crawler.settings).lease_seconds),
    ("FRONTIER_DOMAIN_DELAY", ("2", "3s", "4"), (2.0, 3.0, 4.0), None,
     lambda crawler: frontier_config(crawler.settings).domain_delay),
    ("WARC_MAX_BYTES", ("1MB", "2MB", "3MB"), (1024**2, 2 * 1024**2, 3 * 1024**2), 1024**3,
     lambda crawler: warc_config(crawler.settings).max_bytes),
    # CrawlConfig: each component reads it from its crawler's settings
    ("SCHEDULER_MEMORY_MAX", ("10", "20", "30"), (10, 20, 30), 10_000,
     lambda crawler: SpillingScheduler.from_crawler(crawler).memory_max),
    ("RETRY_AFTER_MAX", ("1m", "90", "3m"), (60.0, 90.0, 180.0), 120.0,
     lambda crawler: RetryAfterMiddleware.from_crawler(crawler).max_wait),
    ("CRAWL_DELAY", ("2s", "3", "4"), (2.0, 3.0, 4.0), 1.0, _start_delay),
    ("CRAWL_DELAY_MAX", ("40", "50s", "1m"), (40.0, 50.0, 60.0), 30.0, _robots_floor),
    ("DNSCACHE_TTL", ("10", "20s", "1m"), (10.0, 20.0, 60.0), 300.0,
     lambda crawler: PolicyResolver.from_crawler(crawler, object()).ttl),
]


@pytest.mark.parametrize(("var", "given", "read", "default", "reader"), READERS, ids=[r[0] for r in READERS])
def test_environment_beats_s_beats_the_sources_file_beats_the_default(sources_file, monkeypatch, var, given,
                                                                      read, default, reader):
    monkeypatch.delenv(var, raising=False)
    assert reader(get_crawler()) == default
    sources_file({var: given[0]})
    assert reader(get_crawler()) == read[0]
    assert reader(get_crawler(settings_dict={var: given[1]})) == read[1]
    monkeypatch.setenv(var, given[2])
    assert reader(get_crawler(settings_dict={var: given[1]})) == read[2]
    monkeypatch.setenv(var, "")  # empty counts as not set: the -s value stands
    assert reader(get_crawler(settings_dict={var: given[1]})) == read[1]


BAD = [
    ("INDEX_BATCH_DOCS", "many", "INDEX_BATCH_DOCS='many' is not a whole number. Fix: e.g. INDEX_BATCH_DOCS=500",
     lambda crawler: IndexPipeline(crawler)),
    ("INDEX_BATCH_DOCS", "0", "INDEX_BATCH_DOCS='0' is not a number of at least 1. "
     "Fix: e.g. INDEX_BATCH_DOCS=500", lambda crawler: IndexPipeline(crawler)),
    ("STAGE_TIMEOUT", "soon", "STAGE_TIMEOUT='soon' is not a duration (e.g. 30, 30s, 5m, 2h). "
     "Fix: e.g. STAGE_TIMEOUT=30.0", stage_config),
    ("STAGE_WORKERS", "-1", "STAGE_WORKERS='-1' is not a number of at least 0. Fix: e.g. STAGE_WORKERS=2",
     stage_config),
    ("FRONTIER_SEEN_TTL", "a week", "FRONTIER_SEEN_TTL='a week' is not a duration (e.g. 30, 30s, 5m, 2h). "
     "Fix: e.g. FRONTIER_SEEN_TTL=604800.0", lambda crawler: frontier_config(crawler.settings)),
    ("WARC_MAX_BYTES", "huge", "WARC_MAX_BYTES='huge' is not a size (e.g. 4194304, 4MB, 512KB). "
     "Fix: e.g. WARC_MAX_BYTES=1GB", lambda crawler: warc_config(crawler.settings)),
    ("SCHEDULER_MEMORY_MAX", "lots", "SCHEDULER_MEMORY_MAX='lots' is not a whole number. "
     "Fix: e.g. SCHEDULER_MEMORY_MAX=10000", SpillingScheduler.from_crawler),
    ("SCHEDULER_MEMORY_MAX", "0", "SCHEDULER_MEMORY_MAX='0' is not a number above 0. "
     "Fix: e.g. SCHEDULER_MEMORY_MAX=10000", SpillingScheduler.from_crawler),
    ("RETRY_AFTER_MAX", "soon", "RETRY_AFTER_MAX='soon' is not a duration (e.g. 30, 30s, 5m, 2h). "
     "Fix: e.g. RETRY_AFTER_MAX=120.0", RetryAfterMiddleware.from_crawler),
    # the crawl command checks the crawl settings, -s included, before the engine starts
    ("CRAWL_DELAY_MAX", "forever", "CRAWL_DELAY_MAX='forever' is not a duration (e.g. 30, 30s, 5m, 2h). "
     "Fix: e.g. CRAWL_DELAY_MAX=30.0", lambda crawler: check("news", {"source": "kabar"}, crawler.settings)),
]


@pytest.mark.parametrize("layer", ["file", "scrapy", "env"])
@pytest.mark.parametrize(("var", "value", "message", "reader"), BAD, ids=[f"{b[0]}={b[1]}" for b in BAD])
def test_a_bad_value_in_any_layer_is_one_error_naming_the_setting_and_the_fix(sources_file, monkeypatch, layer,
                                                                              var, value, message, reader):
    monkeypatch.delenv(var, raising=False)
    if layer == "file":
        sources_file({var: f"'{value}'"})
    if layer == "env":
        monkeypatch.setenv(var, value)
    crawler = get_crawler(settings_dict={var: value} if layer == "scrapy" else {})
    with pytest.raises(ConfigError) as err:
        reader(crawler)
    assert str(err.value) == message


def test_the_sources_file_settings_block_must_name_variables(sources_file):
    sources_file({"index_batch_docs": 5})
    with pytest.raises(SourceConfigError, match=r"`settings:` must map variable names to values\. Fix: e\.g\."):
        file_settings()


def test_a_sources_file_without_settings_or_no_file_is_an_empty_layer(sources_file, tmp_path):
    assert file_settings() == {}
    assert file_settings(tmp_path / "missing.yaml") == {}


def _crawl_command_log_level(*argv: str) -> str:
    """LOG_LEVEL as `scrapy crawl news ARGV` hands it to Scrapy (after -s is applied)."""
    import argparse
    import importlib

    import crawler.settings as settings

    cmd = Command()
    cmd.settings = Settings()
    cmd.settings.setmodule(importlib.reload(settings), priority="project")
    parser = argparse.ArgumentParser()
    cmd.add_options(parser)
    cmd.process_options(["news"], parser.parse_args(list(argv)))
    return cmd.settings["LOG_LEVEL"]


def test_the_log_level_environment_beats_s_beats_the_sources_file(sources_file, monkeypatch):
    import importlib

    import crawler.settings as settings

    monkeypatch.delenv("LOG_LEVEL", raising=False)
    try:
        assert _crawl_command_log_level() == "INFO"
        sources_file({"LOG_LEVEL": "WARNING"})
        assert _crawl_command_log_level() == "WARNING"
        assert _crawl_command_log_level("-s", "LOG_LEVEL=ERROR") == "ERROR"
        monkeypatch.setenv("LOG_LEVEL", "DEBUG")  # Scrapy alone would let -s win here
        assert _crawl_command_log_level("-s", "LOG_LEVEL=ERROR") == "DEBUG"
    finally:
        monkeypatch.undo()
        importlib.reload(settings)


def test_scrapys_own_default_is_not_the_s_layer(sources_file):
    # Scrapy's default LOG_LEVEL is DEBUG; only what the project, a spider or -s sets is a layer
    from news_ingest.config import CrawlConfig
    from news_ingest.sources import configured

    sources_file({"LOG_LEVEL": "WARNING"})
    assert get_crawler().settings["LOG_LEVEL"] == "DEBUG"
    assert configured(CrawlConfig, get_crawler().settings).log_level == "WARNING"


def test_the_ceilings_environment_beats_the_sources_file_beats_the_default(sources_file, monkeypatch):
    for var in Ceilings.ENV.values():
        monkeypatch.delenv(var, raising=False)
    assert ceilings_for() == Ceilings(page_bytes=8 * 1024**2, decompressed_bytes=32 * 1024**2, redirects=5,
                                      url_length=4096)
    sources_file({"NEWS_MAX_PAGE_BYTES": "2MB", "NEWS_MAX_REDIRECTS": 3})
    assert (ceilings_for().page_bytes, ceilings_for().redirects) == (2 * 1024**2, 3)
    assert load_sources()["kabar"].max_page_bytes == 2 * 1024**2  # the source's 4 MB, clamped to the ceiling
    monkeypatch.setenv("NEWS_MAX_PAGE_BYTES", "1MB")
    assert (ceilings_for().page_bytes, ceilings_for().redirects) == (1024**2, 3)


@pytest.mark.parametrize("layer", ["file", "env"])
@pytest.mark.parametrize(("var", "value", "message"), [
    ("NEWS_MAX_PAGE_BYTES", "huge", "NEWS_MAX_PAGE_BYTES='huge' is not a size (e.g. 4194304, 4MB, 512KB). "
     "Fix: e.g. NEWS_MAX_PAGE_BYTES=8MB"),
    ("NEWS_MAX_REDIRECTS", "many", "NEWS_MAX_REDIRECTS='many' is not a whole number. "
     "Fix: e.g. NEWS_MAX_REDIRECTS=5"),
    ("NEWS_MAX_URL_LENGTH", "0", "NEWS_MAX_URL_LENGTH='0' is not a number above 0. "
     "Fix: e.g. NEWS_MAX_URL_LENGTH=4096"),
])
def test_a_bad_ceiling_is_one_error_naming_it_and_the_fix(sources_file, monkeypatch, layer, var, value, message):
    monkeypatch.delenv(var, raising=False)
    if layer == "file":
        sources_file({var: f"'{value}'"})
    else:
        monkeypatch.setenv(var, value)
    with pytest.raises(SourceConfigError) as err:
        load_sources()
    assert str(err.value) == message


@pytest.mark.parametrize(("value", "read"), [("1", True), ("yes", True), ("off", False), ("", False)])
def test_the_spiders_refresh_takes_the_config_models_bools(sources_file, value, read):
    assert NewsSpider(source="kabar", refresh=value).refresh is read


def test_a_bad_refresh_is_one_error_naming_the_fix(sources_file):
    with pytest.raises(ValueError) as err:
        NewsSpider(source="kabar", refresh="maybe")
    assert str(err.value) == "refresh='maybe' is not true or false. Fix: -a refresh=1 (or 0, true/false, yes/no, on/off)"


def test_the_dev_node_variables_environment_beats_default(monkeypatch):
    for var in ("CLUSTER_HEAP", "OPENSEARCH_VERSION", "ES_VERSION"):
        monkeypatch.delenv(var, raising=False)
    cfg = devnode.node_config()
    assert (cfg.cluster_heap, cfg.opensearch_version, cfg.es_version) == ("384m", "3.6.0", None)
    monkeypatch.setenv("CLUSTER_HEAP", "256m")
    monkeypatch.setenv("ES_VERSION", "8.19.21")
    cfg = devnode.node_config()
    assert (cfg.cluster_heap, cfg.es_version) == ("256m", "8.19.21")
    monkeypatch.setenv("CLUSTER_HEAP", "lots")
    with pytest.raises(ConfigError, match=r"^CLUSTER_HEAP='lots' is not in the expected form\. "
                                          r"Fix: e\.g\. CLUSTER_HEAP=384m$"):
        devnode.node_config()


def test_the_dev_node_cli_reports_a_bad_variable_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(devnode, "CONFIG_ERROR", ConfigError("ES_VERSION='nine' is not in the expected form. "
                                                             "Fix: e.g. ES_VERSION=9.5.4"))
    assert devnode.main(["status"]) == 2
    assert capsys.readouterr().err == ("error: ES_VERSION='nine' is not in the expected form. "
                                       "Fix: e.g. ES_VERSION=9.5.4\n")


@pytest.mark.parametrize(("field", "value", "read"), [
    ("delay", "2m", 120.0), ("delay", "1.5", 1.5), ("delay", "0", 0.0)])
def test_a_sources_delay_is_a_duration(sources_file, field, value, read):
    sources_file(source=SOURCE + f"    {field}: '{value}'\n")
    assert getattr(load_sources()["kabar"], field) == read


@pytest.mark.parametrize(("value", "read"), [("no", False), ("'off'", False), ("true", True), ("'1'", True)])
def test_a_sources_flag_takes_any_bool_the_config_model_takes(sources_file, value, read):
    sources_file(source=SOURCE + f"    robots_sitemaps: {value}\n")
    assert load_sources()["kabar"].robots_sitemaps is read


@pytest.mark.parametrize(("line", "message"), [
    ("    delay: soon\n", "sources.yaml: source 'kabar', field 'delay': 'soon' is not a duration (e.g. 30, 30s, 5m, "
     "2h, 7d). Fix: write `delay:` as seconds, e.g. `delay: 1.5` or `delay: 2m`"),
    ("    robots_sitemaps: maybe\n", "sources.yaml: source 'kabar', field 'robots_sitemaps': expected true or "
     "false, got 'maybe'. Fix: write `robots_sitemaps: true` or `robots_sitemaps: false`"),
])
def test_a_bad_sources_scalar_names_the_source_the_field_and_the_fix(sources_file, line, message):
    sources_file(source=SOURCE + line)
    with pytest.raises(SourceConfigError) as err:
        load_sources()
    assert str(err.value) == message


def test_scrapy_settings_objects_are_a_layer_too():
    assert frontier_config(Settings({"FRONTIER_KEY": "k"})).key == "k"


def test_a_bad_demo_port_is_one_line_before_any_node_is_started(monkeypatch, capsys):
    from news_ingest import demo

    monkeypatch.setenv("SAMPLE_SITE_PORT", "eighty")
    monkeypatch.setattr(demo, "_connect", lambda settings: pytest.fail("connected before checking the port"))
    assert demo.main() == 2
    assert capsys.readouterr().err == ("error: SAMPLE_SITE_PORT='eighty' is not a whole number. "
                                       "Fix: e.g. SAMPLE_SITE_PORT=8765\n")
