"""The search backend: the only module that talks to the cluster.

A small surface — connect, setup, bulk, ids already stored, count, search — so the
pipeline, the CLI and the tests never touch the client directly, and a second engine is
one more implementation of the same calls.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, AuthenticationException, AuthorizationException, Elasticsearch, helpers
from elasticsearch import ConnectionError as ESConnectionError

from news_ingest.settings import SearchSettings

log = logging.getLogger(__name__)
TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "config" / "elasticsearch" / "article-template.json"


class StoreError(RuntimeError):
    """The cluster cannot be used; the message names the cause and the fix."""


def _explain(exc: Exception, settings: SearchSettings) -> StoreError:
    where = settings.display_url
    if isinstance(exc, AuthenticationException):
        return StoreError(f"{where} refused the credentials (401). Fix: check ES_API_KEY or "
                          f"ES_USERNAME/ES_PASSWORD")
    if isinstance(exc, AuthorizationException):
        return StoreError(f"{where}: the credentials lack a privilege (403): {exc.message}")
    if isinstance(exc, ESConnectionError):
        hint = ("start a local node with `make es-up`" if "127.0.0.1" in where or "localhost" in where
                else "check ES_URL, the network and TLS settings (ES_CA_CERTS, ES_VERIFY_CERTS)")
        return StoreError(f"cannot reach Elasticsearch at {where}. Fix: {hint}")
    if isinstance(exc, ApiError):
        return StoreError(f"{where} answered {exc.meta.status}: {exc.message}")
    return StoreError(f"{where}: {exc}")


@dataclass
class Store:
    settings: SearchSettings
    client: Elasticsearch

    @property
    def alias(self) -> str:
        return self.settings.index

    # ------------------------------------------------------------------ setup
    def template_body(self) -> dict[str, Any]:
        text = TEMPLATE_PATH.read_text().replace("{index}", self.alias)
        return json.loads(text)

    def setup(self) -> str:
        """Install the template and the first index behind the alias; safe to repeat."""
        try:
            body = self.template_body()
            self.client.indices.put_index_template(name=self.alias, **body)
            if not self.client.indices.exists_alias(name=self.alias):
                first = f"{self.alias}-000001"
                self.client.indices.create(index=first, aliases={self.alias: {"is_write_index": True}})
                return f"created {first} behind alias {self.alias}"
            return f"alias {self.alias} already set up"
        except Exception as exc:
            raise _explain(exc, self.settings) from exc

    def ping(self) -> dict[str, Any]:
        """Cluster health; raises StoreError with the cause when unusable.

        (The test distribution has no ``GET /`` handler, so health is the probe.)"""
        try:
            return dict(self.client.cluster.health())
        except Exception as exc:
            raise _explain(exc, self.settings) from exc

    # ------------------------------------------------------------------ write / read
    def bulk(self, docs: Iterable[dict[str, Any]]) -> tuple[int, list[dict[str, Any]]]:
        """Index documents (each with ``_id``); returns (ok count, per-document errors)."""
        actions = ({"_index": self.alias, "_id": d["_id"], "_source": {k: v for k, v in d.items()
                                                                      if k != "_id"}} for d in docs)
        ok, errors = helpers.bulk(self.client, actions, raise_on_error=False, stats_only=False)
        return ok, list(errors)

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)

    def count(self, query: dict[str, Any] | None = None) -> int:
        return int(self.client.count(index=self.alias, query=query or {"match_all": {}})["count"])

    def existing_ids(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        resp = self.client.mget(index=self.alias, ids=ids, source=False)
        return {d["_id"] for d in resp["docs"] if d.get("found")}

    def search(self, text: str, size: int = 10, filters: list[dict] | None = None) -> dict[str, Any]:
        query = {"bool": {"must": [{"multi_match": {"query": text, "fields": ["title^2", "body"]}}],
                          "filter": filters or []}}
        return dict(self.client.search(index=self.alias, query=query, size=size,
                                       highlight={"fields": {"body": {}}}))


def connect(settings: SearchSettings | None = None, check: bool = True) -> Store:
    settings = settings or SearchSettings.from_env()
    client = Elasticsearch(**settings.client_kwargs())
    store = Store(settings, client)
    if check:
        store.ping()
    return store
