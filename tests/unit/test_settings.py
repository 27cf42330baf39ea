"""Search settings from the environment: engine choice, URLs, rollover limits, secrets kept out."""

from __future__ import annotations

from pathlib import Path

import pytest

from news_ingest.settings import DEFAULT_INDEX, DEFAULT_URL, RolloverSettings, SearchSettings


def test_defaults():
    s = SearchSettings.from_env({})
    assert s.urls == (DEFAULT_URL,) and s.index == DEFAULT_INDEX and s.engine == "auto"


def test_engine_and_urls():
    s = SearchSettings.from_env({"SEARCH_ENGINE": " OpenSearch ", "ES_URL": "http://a:9200/, http://b:9200"})
    assert s.engine == "opensearch" and s.urls == ("http://a:9200", "http://b:9200")
    assert SearchSettings.from_env({"SEARCH_URL": "http://os:9201", "ES_URL": "http://es:9200"}).urls == (
        "http://os:9201",)


def test_bad_boolean_names_the_variable():
    with pytest.raises(ValueError, match="ES_VERIFY_CERTS"):
        SearchSettings.from_env({"ES_VERIFY_CERTS": "maybe"})


def test_secrets_never_in_repr_or_display_url():
    s = SearchSettings.from_env({"ES_URL": "https://user:secret@es.example.org:9200", "ES_API_KEY": "k3y",
                                 "ES_USERNAME": "u", "ES_PASSWORD": "pw"})
    assert "secret" not in s.display_url and "***@es.example.org:9200" in s.display_url
    assert "k3y" not in repr(s) and "pw" not in repr(s)


def test_opensearch_client_kwargs_carry_auth_and_tls():
    from news_ingest.store.backends.opensearch import client_kwargs

    kw = client_kwargs(SearchSettings(username="u", password="p", verify_certs=False, ca_certs="/ca.pem"))
    assert kw["http_auth"] == ("u", "p") and kw["verify_certs"] is False and kw["ca_certs"] == "/ca.pem"
    assert client_kwargs(SearchSettings(api_key="k"))["headers"] == {"authorization": "ApiKey k"}


def test_elasticsearch_client_kwargs_carry_auth_and_tls_and_leave_retries_to_the_index_stage():
    from news_ingest.store.backends.elasticsearch import client_kwargs

    kw = client_kwargs(SearchSettings(urls=("https://a:9200", "https://b:9200"), username="u", password="p",
                                      verify_certs=False, ca_certs="/ca.pem"))
    assert kw["hosts"] == ["https://a:9200", "https://b:9200"] and kw["basic_auth"] == ("u", "p")
    assert kw["verify_certs"] is False and kw["ca_certs"] == "/ca.pem" and kw["retry_on_status"] == ()
    assert client_kwargs(SearchSettings(api_key="k"))["api_key"] == "k"


def test_rollover_limits():
    assert RolloverSettings.from_env({}) == RolloverSettings(10_000_000, "30gb")
    env = {"INDEX_ROLLOVER_MAX_DOCS": "500", "INDEX_ROLLOVER_MAX_SIZE": "5GB"}
    assert RolloverSettings.from_env(env) == RolloverSettings(500, "5gb")
    with pytest.raises(ValueError, match="INDEX_ROLLOVER_MAX_SIZE"):
        RolloverSettings.from_env({"INDEX_ROLLOVER_MAX_SIZE": "lots"})
    with pytest.raises(ValueError, match="INDEX_ROLLOVER_MAX_DOCS"):
        RolloverSettings.from_env({"INDEX_ROLLOVER_MAX_DOCS": "1e6"})


def test_news_home_is_one_base_directory_for_all_state(tmp_path):
    from news_ingest.settings import CHECKOUT, StatePaths

    default = StatePaths.from_env({})
    assert default.home == CHECKOUT / "var"  # the checkout's var/, whatever the working directory
    p = StatePaths.from_env({"NEWS_HOME": str(tmp_path)})
    assert (p.spool, p.dead_letter, p.lock, p.log, p.state) == (
        tmp_path / "spool", tmp_path / "dead-letter", tmp_path / "lock", tmp_path / "log", tmp_path / "state")
    assert p.health == tmp_path / "state" / "health.json"
    assert p.warc_state == tmp_path / "state" / "ingest-warc.json"
    # one directory moved on its own; a relative value is under NEWS_HOME, never the working directory
    q = StatePaths.from_env({"NEWS_HOME": str(tmp_path), "INDEX_SPOOL_DIR": "/data/spool",
                             "NEWS_LOG_DIR": "logs"})
    assert q.spool == Path("/data/spool") and q.log == tmp_path / "logs" and q.lock == tmp_path / "lock"


def test_news_home_relative_is_made_absolute(tmp_path, monkeypatch):
    from news_ingest.settings import StatePaths

    monkeypatch.chdir(tmp_path)
    assert StatePaths.from_env({"NEWS_HOME": "state-here"}).home == tmp_path / "state-here"


@pytest.mark.parametrize(("url", "expect"), [
    ("localhost:9200", "ES_URL='localhost:9200' is not an http(s) URL. Fix: ES_URL=http://localhost:9200"),
    ("es1.internal", "Fix: ES_URL=http://es1.internal"),
    ("ftp://es1:21", "is not an http(s) URL"),
    ("http://es1:92OO", "has a bad port"),
    ("user:secret@es1:9200", "Fix: ES_URL=http://es1:9200"),
])
def test_es_url_mistakes_are_named_with_the_fix(url, expect):
    with pytest.raises(ValueError) as err:
        SearchSettings.from_env({"ES_URL": url})
    assert expect in str(err.value) and "secret" not in str(err.value)


def test_index_spool_and_dead_letters_live_under_news_home(tmp_path, monkeypatch):
    from news_ingest.store.indexer import IndexConfig

    monkeypatch.chdir(tmp_path)
    cfg = IndexConfig.from_env({"NEWS_HOME": str(tmp_path / "home")})
    assert cfg.spool_dir == tmp_path / "home" / "spool"
    assert cfg.dead_letter_dir == tmp_path / "home" / "dead-letter"
    cfg = IndexConfig.from_env({"NEWS_HOME": str(tmp_path / "home"), "INDEX_SPOOL_DIR": "/data/spool"})
    assert cfg.spool_dir == Path("/data/spool")
    with pytest.raises(ValueError, match=r"INDEX_FLUSH_SECONDS='soon' is not a duration .*Fix: e\.g\. INDEX_FLUSH_SECONDS=5"):
        IndexConfig.from_env({"INDEX_FLUSH_SECONDS": "soon"})
