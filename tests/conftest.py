"""Shared fixtures: one real node per search engine per test session, a fresh alias per test.

Every test that uses ``search_node``, ``es_url``, ``es_settings`` or ``store`` runs once per
engine (Elasticsearch, OpenSearch); ``single_engine_settings`` runs once, for parts that do not
depend on the engine.  Each node starts once per session, on a free port, on first use.
``ES_TEST_URL`` / ``OPENSEARCH_TEST_URL`` point the suite at existing clusters instead;
``SEARCH_TEST_ENGINES=elasticsearch`` (comma list) limits the engines.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from news_ingest import devnode
from news_ingest.settings import SearchSettings
from news_ingest.store.client import Store, connect
from news_ingest.store.indexer import IndexConfig, Indexer

ENGINES = tuple(e.strip() for e in os.environ.get("SEARCH_TEST_ENGINES", "elasticsearch,opensearch")
                .split(",") if e.strip())
_URL_ENV = {"elasticsearch": "ES_TEST_URL", "opensearch": "OPENSEARCH_TEST_URL"}


@pytest.fixture(autouse=True, scope="session")
def _private_template_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Crawls learn per-source templates (news_ingest/templates.py) under NEWS_HOME: the suite's
    crawls learn into a directory of their own, never the checkout's var/ (a later run would clean
    with what an earlier one learned).  A test that checks learning sets NEWS_TEMPLATE_DIR itself."""
    old = os.environ.get("NEWS_TEMPLATE_DIR")
    os.environ["NEWS_TEMPLATE_DIR"] = str(tmp_path_factory.mktemp("templates"))
    yield
    if old is None:
        os.environ.pop("NEWS_TEMPLATE_DIR", None)
    else:
        os.environ["NEWS_TEMPLATE_DIR"] = old


@dataclass(frozen=True)
class SearchNode:
    engine: str
    url: str


class NodePool:
    """Starts each engine's node once, on first use, and stops them all at the session's end."""

    def __init__(self) -> None:
        self.nodes: dict[str, tuple[SearchNode, devnode.Node | None]] = {}

    def get(self, engine: str) -> SearchNode:
        if engine not in self.nodes:
            existing = os.environ.get(_URL_ENV[engine])
            if existing:
                self.nodes[engine] = (SearchNode(engine, existing.rstrip("/")), None)
            else:
                node = devnode.start(engine)
                self.nodes[engine] = (SearchNode(engine, node.url), node)
        return self.nodes[engine][0]

    def close(self) -> None:
        for _, node in self.nodes.values():
            if node is not None:
                devnode.stop(node)
                shutil.rmtree(node.workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def node_pool() -> Iterator[NodePool]:
    pool = NodePool()
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session", params=ENGINES)
def search_node(request: pytest.FixtureRequest, node_pool: NodePool) -> SearchNode:
    """A private node of each engine on a free port (or the cluster named by *_TEST_URL)."""
    return node_pool.get(request.param)


@pytest.fixture
def single_engine_settings(node_pool: NodePool) -> SearchSettings:
    """For tests of parts that do not depend on the engine (frontier, WARC, runner): one run,
    on the first configured engine, with a fresh alias."""
    node = node_pool.get(ENGINES[0])
    return SearchSettings(urls=(node.url,), index=f"test-{uuid.uuid4().hex[:10]}", engine=node.engine)


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


@pytest.fixture
def make_indexer(store: Store, tmp_path: Path) -> Iterator[Callable[..., Indexer]]:
    """Indexers on the test's store with private spool and dead-letter files and a short backoff; closed after."""
    made: list[Indexer] = []

    def make(**kw: Any) -> Indexer:
        ix = Indexer(store, IndexConfig(**{"spool_dir": tmp_path / "spool", "dead_letter_dir": tmp_path / "dead",
                                           "backoff_base": 0.05, **kw}))
        made.append(ix)
        return ix

    yield make
    for ix in made:
        ix.spool.close()
        ix.dead.close()
