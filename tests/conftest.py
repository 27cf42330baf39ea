"""Shared fixtures: one real node per search engine per test session, a fresh alias per test.

Every test that uses ``search_node``, ``es_url``, ``es_settings`` or ``store`` runs once per
engine (Elasticsearch, OpenSearch).  Each node starts once per session, on a free port, and
stops when the session moves on to the other engine.  ``ES_TEST_URL`` / ``OPENSEARCH_TEST_URL``
point the suite at existing clusters instead; ``SEARCH_TEST_ENGINES=elasticsearch`` (comma
list) limits the engines.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from news_ingest import devnode
from news_ingest.settings import SearchSettings
from news_ingest.store import Store, connect

ENGINES = tuple(e.strip() for e in os.environ.get("SEARCH_TEST_ENGINES", "elasticsearch,opensearch")
                .split(",") if e.strip())
_URL_ENV = {"elasticsearch": "ES_TEST_URL", "opensearch": "OPENSEARCH_TEST_URL"}


@dataclass(frozen=True)
class SearchNode:
    engine: str
    url: str


@pytest.fixture(scope="session", params=ENGINES)
def search_node(request: pytest.FixtureRequest) -> Iterator[SearchNode]:
    """A private node of each engine on a free port (or the cluster named by *_TEST_URL)."""
    engine = request.param
    existing = os.environ.get(_URL_ENV[engine])
    if existing:
        yield SearchNode(engine, existing.rstrip("/"))
        return
    node = devnode.start(engine)
    try:
        yield SearchNode(engine, node.url)
    finally:
        devnode.stop(node)
        shutil.rmtree(node.workdir, ignore_errors=True)


@pytest.fixture
def es_url(search_node: SearchNode) -> str:
    """The URL of this parametrisation's node (kept for tests written before OpenSearch)."""
    return search_node.url


@pytest.fixture
def es_settings(search_node: SearchNode) -> SearchSettings:
    """Settings for a fresh, test-private alias on the session's node."""
    return SearchSettings(urls=(search_node.url,), index=f"test-{uuid.uuid4().hex[:10]}",
                          engine=search_node.engine)


@pytest.fixture
def store(es_settings: SearchSettings) -> Iterator[Store]:
    st = connect(es_settings)
    st.setup()
    yield st
    st.drop()
    st.close()
