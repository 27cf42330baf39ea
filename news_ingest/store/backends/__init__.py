"""Search backends: choose one by configuration (``SEARCH_ENGINE``) or by asking the cluster."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from news_ingest.settings import SearchSettings
from news_ingest.store.backends.base import Backend, RequestTooLarge, StoreError, StoreUnavailable

ENGINES = ("elasticsearch", "opensearch")

__all__ = ["Backend", "RequestTooLarge", "StoreError", "StoreUnavailable", "create_backend", "detect_engine"]


def detect_engine(settings: SearchSettings) -> str:
    """Ask the cluster what it is.

    OpenSearch answers ``GET /`` with ``version.distribution: opensearch``.  Elasticsearch
    answers without it — or, for the integ-test distribution (no rest-root module), with a
    4xx, which only Elasticsearch's test build does.  opensearch-py is the probe because it
    does no product check."""
    from news_ingest.store.backends.opensearch import OpenSearchBackend  # late: load only the client in use

    probe = OpenSearchBackend(settings, engine="auto")
    try:
        root: Any = probe.request("GET", "/", ignore=(400, 404, 405))
    finally:
        probe.close()
    if isinstance(root, dict) and root.get("version", {}).get("distribution") == "opensearch":
        return "opensearch"
    return "elasticsearch"


class LazyBackend:
    """Detects the engine at the first request, so ``connect(check=False)`` needs no network
    (a crawl that starts during an outage spools instead of failing) and a failed detection
    is retried at the next call."""

    def __init__(self, settings: SearchSettings) -> None:
        self.settings = settings
        self._real: Backend | None = None

    def _backend(self) -> Backend:
        if self._real is None:
            self._real = _make(detect_engine(self.settings), self.settings)
        return self._real

    @property
    def engine(self) -> str:
        return self._backend().engine

    @property
    def client(self) -> Any:
        return self._backend().client

    @property
    def rollover_size_condition(self) -> str:
        return self._backend().rollover_size_condition

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: Any = None, ignore: Collection[int] = ()) -> Any:
        return self._backend().request(method, path, params=params, body=body, ignore=ignore)

    def bulk(self, lines: list[dict[str, Any]], params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._backend().bulk(lines, params)

    def close(self) -> None:
        if self._real is not None:
            self._real.close()


def _make(engine: str, settings: SearchSettings) -> Backend:
    # late imports: each engine's client library costs ~0.3 s to import; load only the one in use
    if engine == "opensearch":
        from news_ingest.store.backends.opensearch import OpenSearchBackend

        return OpenSearchBackend(settings)
    from news_ingest.store.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(settings)


def create_backend(settings: SearchSettings) -> Backend:
    """The backend SEARCH_ENGINE names, or one that asks the cluster (``auto``)."""
    if settings.engine == "auto":
        return LazyBackend(settings)
    if settings.engine not in ENGINES:
        raise StoreError(f"SEARCH_ENGINE={settings.engine!r} is not one of {', '.join(ENGINES)}, auto")
    return _make(settings.engine, settings)
