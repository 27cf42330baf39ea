"""``ArticleStore``: what the indexer, the run ledger and the command line need of a store.

``news_ingest.store.client.Store`` (Elasticsearch or OpenSearch behind an alias) is the one
implementation; the unit tests drive the indexer with an in-memory one.  Documents are plain dicts;
an operation for ``bulk_raw`` is ``{"op": "create" | "index" | "update" | "touch", "id", "doc"[, "index"]}``
(``touch``: a re-crawl found the article unchanged; ``doc`` is ``{"last_seen_at", "source"}``, recorded
without re-indexing the article, and read back by ``lookup`` as its ``last_seen_at``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

StoredDocs = dict[str, dict[str, Any]]


class BulkOutcome(Protocol):
    """One bulk operation's outcome: the HTTP status the cluster reported for it."""

    @property
    def id(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def error(self) -> str | None: ...


class ArticleStore(Protocol):
    @property
    def alias(self) -> str:
        """The alias articles are written to and read from (``ES_INDEX``)."""
        ...

    @property
    def engine(self) -> str:
        """``elasticsearch`` or ``opensearch``."""
        ...

    def setup(self) -> str:
        """Create or update the template, the first index and the alias; says what it did."""
        ...

    def refresh(self) -> None: ...

    def rollover_if_needed(self, max_docs: int | None = None, max_size: str | None = None) -> str | None:
        """Roll the alias over when its write index is full; the new index's name, or None."""
        ...

    def lookup(self, ids: Iterable[str], known: Iterable[str] = (), fields: list[str] | None = None,
               fresh: bool = False, realtime: Iterable[str] | None = None) -> tuple[StoredDocs, StoredDocs]:
        """One batch's reads: ({id: stored document}, {known id: stored document with "_id"}),
        each with ``"_index"``, in a fixed number of requests however many indices there are.
        ``realtime``: the keys that may have been written since the last refresh, read in real time
        (None: every key)."""
        ...

    def search_raw(self, body: dict[str, Any]) -> dict[str, Any]: ...

    def bulk_raw(self, operations: list[dict[str, Any]]) -> Sequence[BulkOutcome]:
        """One bulk request; one outcome per operation, in order.  Raises StoreUnavailable
        (retryable), RequestTooLarge (413) or StoreError."""
        ...

    def ensure_runs_template(self) -> None: ...

    def index_doc(self, index_suffix: str, doc: dict[str, Any], doc_id: str | None = None) -> str: ...

    def for_alias(self, alias: str) -> ArticleStore:
        """The same cluster and client, another alias (a replay sends records where they were
        written)."""
        ...


if TYPE_CHECKING:  # mypy checks that the real store is one
    from news_ingest.store.client import Store

    def _is_an_article_store(store: Store) -> ArticleStore:
        return store


__all__ = ["ArticleStore", "BulkOutcome", "StoredDocs"]
