"""Shared fixtures: one real Elasticsearch node per test session, fresh alias per test."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator

import pytest

from news_ingest import devnode
from news_ingest.settings import SearchSettings
from news_ingest.store import Store, connect


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    """A private node on a free port (or the cluster named by ES_TEST_URL)."""
    if os.environ.get("ES_TEST_URL"):
        yield os.environ["ES_TEST_URL"].rstrip("/")
        return
    node = devnode.start("elasticsearch")
    try:
        yield node.url
    finally:
        devnode.stop(node)
        shutil.rmtree(node.workdir, ignore_errors=True)


@pytest.fixture
def es_settings(es_url: str) -> SearchSettings:
    """Settings for a fresh, test-private alias on the session's node."""
    return SearchSettings(urls=(es_url,), index=f"test-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def store(es_settings: SearchSettings) -> Iterator[Store]:
    st = connect(es_settings)
    st.setup()
    yield st
    st.client.indices.delete(index=f"{st.alias}-*", ignore_unavailable=True)
    st.client.options(ignore_status=404).indices.delete_index_template(name=st.alias)
