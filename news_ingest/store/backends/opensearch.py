"""OpenSearch through opensearch-py (elasticsearch-py refuses non-Elastic servers)."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy import exceptions as ose

from news_ingest.settings import SearchSettings
from news_ingest.store.backends.base import (
    StoreError,
    classify,
    common_client_options,
    error_reason,
    looks_like_a_page,
    not_a_cluster,
)

# opensearch-py logs every failed request with a traceback at WARNING; failures reach the
# caller as one StoreError with a fix instead.
logging.getLogger("opensearch").setLevel(logging.ERROR)


def client_kwargs(settings: SearchSettings) -> dict[str, Any]:
    kw = {**common_client_options(settings), "timeout": 30}
    if settings.api_key:
        kw["headers"] = {"authorization": f"ApiKey {settings.api_key}"}
    elif settings.username:
        kw["http_auth"] = (settings.username, settings.password or "")
    return kw


class OpenSearchBackend:
    engine = "opensearch"
    rollover_size_condition = "max_size"

    def __init__(self, settings: SearchSettings, engine: str = "opensearch") -> None:
        self.where = settings.display_url
        self.engine = engine  # "auto" while it only probes which engine the cluster is
        self.client = OpenSearch(**client_kwargs(settings))

    def _translate(self, exc: Exception) -> StoreError:
        if isinstance(exc, ose.SerializationError):  # an answer, but not JSON: a web page
            return not_a_cluster(self.where, f"something else than JSON ({str(exc)[:80]})")
        if isinstance(exc, ose.ConnectionError):  # includes timeouts and TLS failures
            return classify(None, str(exc.info or exc.error or type(exc).__name__)[:300], self.where,
                            self.engine)
        if isinstance(exc, ose.TransportError) and isinstance(exc.status_code, int):
            return classify(exc.status_code, error_reason(exc.info if exc.info else exc.error),
                            self.where, self.engine)
        return StoreError(f"{self.where}: {type(exc).__name__}: {exc}")

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: Any = None, ignore: Collection[int] = ()) -> Any:
        try:
            answer = self.client.transport.perform_request(method, path, params=params, body=body)
        except ose.TransportError as exc:
            if isinstance(exc.status_code, int) and exc.status_code in ignore:
                return None
            raise self._translate(exc) from exc
        except Exception as exc:
            raise self._translate(exc) from exc
        if looks_like_a_page(answer):  # a 200 from a web server: opensearch-py hands back the text
            raise not_a_cluster(self.where, "an HTML page")
        return answer

    def bulk(self, lines: list[dict[str, Any]], params: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            return dict(self.client.bulk(body=lines, params=params or {}))
        except Exception as exc:
            raise self._translate(exc) from exc

    def close(self) -> None:
        self.client.close()
