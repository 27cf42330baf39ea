"""The writer: bulk requests to the store, retried and split until every operation has an outcome.

A request the store cannot take now (``StoreUnavailable``) and items it refuses for now (429/5xx)
are retried after a jittered, doubling wait; a request too large (413) is halved, and one operation
alone too large is dead-lettered; an item rejected for good is dead-lettered; a ``create`` that
conflicts (409: another writer created the document meanwhile) is handed back to be merged again.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, TypeVar

from news_ingest.store.backends.base import RETRYABLE_ITEM, RequestTooLarge, StoreUnavailable
from news_ingest.store.indexing.config import IndexConfig
from news_ingest.store.protocol import ArticleStore, BulkOutcome

T = TypeVar("T")


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """The wait before retry ``attempt`` (0, 1, ...): ``base * 2**attempt`` (at most ``cap``) spread at
    random over half to one and a half times that, and never above ``cap``.  Crawlers that failed
    together against a recovering cluster come back spread over the window instead of all at once,
    every doubling; on average a crawler waits as long as without the spread, so its patience with
    a cluster promoting a replica (the retries before a batch is spooled) is the same."""
    wait = min(cap, base * 2 ** attempt)
    return min(cap, rng.uniform(0.5 * wait, 1.5 * wait))


class BulkWriter:
    """Sends operations to ``store``; counts into ``count`` (indexed, retries, bulk_requests,
    splits) and hands rejects to ``dead`` as (id, status, reason, document[, operation])."""

    def __init__(self, store: ArticleStore, config: IndexConfig, *, count: Callable[[str, int], None],
                 dead: Callable[[list[tuple[Any, ...]]], None], sleep: Callable[[float], None],
                 rng: random.Random) -> None:
        self.store, self.config = store, config
        self._count, self._dead, self._sleep, self.rng = count, dead, sleep, rng

    def retrying(self, fn: Callable[..., T], *args: Any) -> T:
        """Call fn, retrying StoreUnavailable with jittered exponential backoff (bounded)."""
        for attempt in range(self.config.max_retries + 1):
            try:
                return fn(*args)
            except StoreUnavailable:
                if attempt == self.config.max_retries:
                    raise
                self._count("retries", 1)
                self.backoff(attempt)
        raise AssertionError("unreachable")

    def backoff(self, attempt: int) -> None:
        self._sleep(backoff_delay(attempt, self.config.backoff_base, self.config.backoff_max, self.rng))

    def write(self, ops: list[dict[str, Any]],
              originals: dict[str, dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
        """Send ops with retries and splits; dead-letter rejects (the original document when the op
        is one of ``originals``, else the operation itself: a flag on a stored copy).  Returns the
        documents still failing after the retries, and the ids whose ``create`` conflicted.

        ``indexed`` counts the documents of ``originals`` written (each once); a write to a stored copy
        (the canonical flag moved off it) is ``canonical_moved``, not one more article."""
        todo = ops
        conflicts: list[str] = []
        written: set[str] = set()
        for attempt in range(self.config.max_retries + 1):
            if not todo:
                break
            retry: list[dict[str, Any]] = []
            for part, items in self._send_split(todo):
                for op, item in zip(part, items, strict=True):
                    if 200 <= item.status < 300:
                        if op["id"] in originals and op["id"] not in written:
                            written.add(op["id"])
                            self._count("indexed", 1)
                        else:
                            self._count("canonical_moved", 1)
                    elif item.status == 409 and op["op"] == "create":
                        conflicts.append(op["id"])  # created meanwhile by another writer
                    elif item.status in RETRYABLE_ITEM:
                        retry.append(op)
                    elif op["id"] in originals:
                        self._dead([(op["id"], item.status, item.error or "rejected", originals[op["id"]])])
                    else:  # an operation on a stored copy (the canonical flag): keep the operation
                        self._dead([(op["id"], item.status, item.error or "rejected", op["doc"], op)])
            todo = retry
            if todo and attempt < self.config.max_retries:
                self._count("retries", 1)
                self.backoff(attempt)
        return [originals.get(op["id"], op["doc"]) for op in todo], conflicts

    def _send_split(self, ops: list[dict[str, Any]]) -> list[tuple[list[dict[str, Any]], list[BulkOutcome]]]:
        """bulk_raw, halving the request on 413; one op alone too large is dead-lettered."""
        try:
            items = self.retrying(self.store.bulk_raw, ops)
            self._count("bulk_requests", 1)
            return [(ops, list(items))]
        except RequestTooLarge as exc:
            if len(ops) == 1:
                op = ops[0]
                self._dead([(op["id"], 413, f"too large for one request: {exc}", op["doc"])])
                return []
            self._count("splits", 1)
            mid = len(ops) // 2
            return self._send_split(ops[:mid]) + self._send_split(ops[mid:])


__all__ = ["RETRYABLE_ITEM", "BulkWriter", "backoff_delay"]
