"""Elasticsearch through the official client (8.19.x talks to 8.x and 9.x servers)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, SerializationError, TransportError
from elasticsearch import ApiError, Elasticsearch, UnsupportedProductError

from news_ingest.settings import SearchSettings
from news_ingest.store.backends.base import (
    StoreError,
    classify,
    common_client_options,
    error_reason,
    not_a_cluster,
)

_JSON = {"accept": "application/json", "content-type": "application/json"}


def client_kwargs(settings: SearchSettings) -> dict[str, Any]:
    kw = {**common_client_options(settings), "request_timeout": 30}
    if settings.api_key:
        kw["api_key"] = settings.api_key
    elif settings.username:
        kw["basic_auth"] = (settings.username, settings.password or "")
    return kw


class ElasticsearchBackend:
    engine = "elasticsearch"
    rollover_size_condition = "max_primary_shard_size"

    def __init__(self, settings: SearchSettings) -> None:
        self.where = settings.display_url
        self.client = Elasticsearch(**client_kwargs(settings))

    def _translate(self, exc: Exception) -> StoreError:
        if isinstance(exc, UnsupportedProductError):
            return StoreError(f"{self.where} is not Elasticsearch (OpenSearch?). Fix: set "
                              f"SEARCH_ENGINE=opensearch or SEARCH_ENGINE=auto")
        if isinstance(exc, SerializationError):  # an answer, but not JSON: a web page
            return not_a_cluster(self.where, f"something else than JSON ({str(exc)[:80]})")
        if isinstance(exc, ApiError):
            return classify(exc.meta.status, error_reason(exc.body), self.where, self.engine)
        if isinstance(exc, (TransportConnectionError, ConnectionTimeout, TransportError)):
            return classify(None, str(exc) or type(exc).__name__, self.where, self.engine)
        return StoreError(f"{self.where}: {type(exc).__name__}: {exc}")

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: Any = None, ignore: Collection[int] = ()) -> Any:
        headers = _JSON if body is not None else {"accept": "application/json"}
        try:
            return self.client.perform_request(method, path, params=params, headers=headers,
                                               body=body).body
        except ApiError as exc:
            if exc.meta.status in ignore:
                return None
            raise self._translate(exc) from exc
        except Exception as exc:
            raise self._translate(exc) from exc

    def bulk(self, lines: list[dict[str, Any]], params: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            return dict(self.client.bulk(operations=lines, **(params or {})))
        except Exception as exc:
            raise self._translate(exc) from exc

    def close(self) -> None:
        self.client.close()
