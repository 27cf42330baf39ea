"""news_ingest.config: the one precedence rule, the one bool/size/duration parser, error messages
that name the variable, the value and the fix."""

import pytest

from news_ingest import config
from news_ingest.config import (
    ConfigError,
    FrontierConfig,
    RolloverConfig,
    StageConfig,
    WarcConfig,
    load,
    parse_bool,
    parse_duration,
    parse_size,
)


@pytest.mark.parametrize("text,value", [("1", True), ("TRUE", True), ("yes", True), (" on ", True),
                                        ("0", False), ("false", False), ("No", False), ("off", False),
                                        (True, True), (0, False)])
def test_parse_bool(text, value):
    assert parse_bool(text) is value


@pytest.mark.parametrize("text", ["maybe", "", "2", "y"])
def test_parse_bool_refuses(text):
    with pytest.raises(ValueError, match="true/false"):
        parse_bool(text)


@pytest.mark.parametrize("text,value", [(4194304, 4194304), ("4194304", 4194304), ("4MB", 4 * 1024**2),
                                        ("512 KiB", 512 * 1024), ("512kb", 512 * 1024), ("5m", 5 * 1024**2),
                                        ("1.5g", int(1.5 * 1024**3)), ("30gb", 30 * 1024**3), ("10b", 10),
                                        ("2TB", 2 * 1024**4)])
def test_parse_size(text, value):
    assert parse_size(text) == value


@pytest.mark.parametrize("text", ["lots", "4 MBs", "-1", "", True, None, "1e6"])
def test_parse_size_refuses(text):
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(text)


@pytest.mark.parametrize("text,value", [(30, 30.0), ("2.5", 2.5), ("30s", 30.0), ("5m", 300.0),
                                        ("2h", 7200.0), ("7d", 7 * 86400.0)])
def test_parse_duration(text, value):
    assert parse_duration(text) == value


@pytest.mark.parametrize("text", ["soon", "5 minutes", "-3", "1w"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


def test_one_size_parser_everywhere():
    from news_ingest import sources
    from news_ingest.store import indexer

    assert indexer.parse_bytes is parse_size and sources.parse_size is parse_size


def test_precedence_defaults_file_scrapy_environment():
    assert load(WarcConfig).prefix == "news-ingest"
    assert load(WarcConfig, file={"WARC_PREFIX": "f"}).prefix == "f"
    assert load(WarcConfig, file={"WARC_PREFIX": "f"}, scrapy={"WARC_PREFIX": "s"}).prefix == "s"
    assert load(WarcConfig, file={"WARC_PREFIX": "f"}, scrapy={"WARC_PREFIX": "s"},
                env={"WARC_PREFIX": "e"}).prefix == "e"
    # an empty or missing value in a later layer leaves the earlier one standing
    assert load(WarcConfig, scrapy={"WARC_PREFIX": "s"}, env={"WARC_PREFIX": ""}).prefix == "s"
    assert load(WarcConfig, file={"WARC_PREFIX": "f"}, scrapy={"WARC_PREFIX": None}).prefix == "f"


def test_typed_values_from_strings():
    f = load(FrontierConfig, env={"FRONTIER_LEASE_SECONDS": "2m", "FRONTIER_SEEN_TTL": "1d",
                                  "FRONTIER_SEEN_CAPACITY": "1000", "FRONTIER_DOMAIN_DELAY": ""})
    assert (f.lease_seconds, f.seen_ttl, f.seen_capacity, f.domain_delay) == (120.0, 86400.0, 1000, None)
    assert load(WarcConfig, env={"WARC_MAX_BYTES": "40000"}).max_bytes == 40000
    assert load(RolloverConfig, env={"INDEX_ROLLOVER_MAX_SIZE": "5GB"}).max_size_condition == "5gb"
    assert load(RolloverConfig, env={"INDEX_ROLLOVER_MAX_SIZE": "1536mb"}).max_size_condition == "1536mb"


@pytest.mark.parametrize("model,env,message", [
    (StageConfig, {"STAGE_TIMEOUT": "soon"},
     "STAGE_TIMEOUT='soon' is not a duration (e.g. 30, 30s, 5m, 2h). Fix: e.g. STAGE_TIMEOUT=30.0"),
    (StageConfig, {"STAGE_WORKER_MAX_PAGES": "many"},
     "STAGE_WORKER_MAX_PAGES='many' is not a whole number. Fix: e.g. STAGE_WORKER_MAX_PAGES=1000"),
    (RolloverConfig, {"INDEX_ROLLOVER_MAX_DOCS": "0"},
     "INDEX_ROLLOVER_MAX_DOCS='0' is not a number above 0. Fix: e.g. INDEX_ROLLOVER_MAX_DOCS=10000000"),
    (RolloverConfig, {"INDEX_ROLLOVER_MAX_SIZE": "lots"},
     "INDEX_ROLLOVER_MAX_SIZE='lots' is not a size (e.g. 4194304, 4MB, 512KB). "
     "Fix: e.g. INDEX_ROLLOVER_MAX_SIZE=30gb"),
    (WarcConfig, {"WARC_MAX_BYTES": "1 gigabyte"},
     "WARC_MAX_BYTES='1 gigabyte' is not a size (e.g. 4194304, 4MB, 512KB). Fix: e.g. WARC_MAX_BYTES=1GB"),
])
def test_errors_name_the_variable_the_value_and_the_fix(model, env, message):
    with pytest.raises(ConfigError) as err:
        load(model, env=env)
    assert str(err.value) == message


def test_a_setting_from_scrapy_is_named_in_its_error_too():
    with pytest.raises(ConfigError, match=r"^FRONTIER_SEEN_ERROR='2' is not a number below 1"):
        load(FrontierConfig, scrapy={"FRONTIER_SEEN_ERROR": "2"})


def test_every_group_maps_every_field_to_one_variable():
    groups = [m for m in vars(config).values()
              if isinstance(m, type) and issubclass(m, config.Settings) and m is not config.Settings]
    assert len(groups) >= 4
    seen: set[str] = set()
    for model in groups:
        assert set(model.ENV) == set(model.model_fields), model
        assert not seen & set(model.ENV.values()), model  # a variable belongs to one group
        seen |= set(model.ENV.values())


def test_the_crawl_settings_module_leaves_its_group_to_the_components(monkeypatch):
    import importlib

    import crawler.settings as settings

    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.setenv("RETRY_AFTER_MAX", "5m")
    try:
        mod = importlib.reload(settings)
        assert mod.LOG_LEVEL == "WARNING"  # Scrapy reads it itself
        # a value in the settings module would sit in the -s layer and hide the sources file's
        assert [var for var in config.CrawlConfig.ENV.values() if var != "LOG_LEVEL" and hasattr(mod, var)] == []
        monkeypatch.setenv("CRAWL_DELAY_MAX", "forever")
        with pytest.raises(ConfigError, match=r"^CRAWL_DELAY_MAX='forever' is not a duration"):
            importlib.reload(settings)
    finally:
        monkeypatch.undo()
        importlib.reload(settings)
