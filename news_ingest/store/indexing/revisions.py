"""Revisions: a batch against what is stored — one document per id, a new URL of a stored article
taking that article's id, the merge with the stored copy, and the bulk operation each becomes.

The merge rule itself is ``pipelines.revisions.merge``: a re-crawl keeps ``first_seen_at``, moves
``last_seen_at``; a new content hash bumps ``version`` and pushes the previous {content_hash,
modified_at, seen_at} onto ``history``; a copy older than what is stored (a late replay) only adds
to the history.  The stored copies come from one ``Store.lookup`` per batch (``LOOKUP_FIELDS``).
A re-crawl that finds an article unchanged moves its ``last_seen_at`` only every ``seen_interval``
(``INDEX_SEEN_INTERVAL``); in between it is a ``touch`` (``bulk_op``) and the exact time is kept in the
article's lookup entry, which ``Store.lookup`` reads back as ``last_seen_at``.
Pure functions: the indexer does the reads and counts what they return.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from news_ingest.store.client import ARTICLE_SEEN
from pipelines import dedupe
from pipelines.article import ARTICLE_FIELDS
from pipelines.revisions import merge

MERGE_FIELDS = ["first_seen_at", "last_seen_at", "version", "content_hash", "revision_hash", "modified_at",
                "history",
                "cluster_id", "is_cluster_canonical", "known_ids", "source"]
# what the batch's lookup reads of a stored copy: every article field (not the per-language copies), so a
# re-crawl can tell whether anything but its seen times would change (``unchanged``)
LOOKUP_FIELDS = sorted({*ARTICLE_FIELDS, *MERGE_FIELDS})
PRIVATE = {"id", "_batch", "_stored", "_index", ARTICLE_SEEN}  # bookkeeping keys, never written
SEEN_TIMES = ("last_seen_at", "fetched_at")  # what every re-crawl moves

Merged = tuple[str, str, dict[str, Any], dict[str, Any] | None]  # (kind, id, document, stored copy)


def fold(docs: list[dict[str, Any]], history_size: int) -> tuple[dict[str, dict[str, Any]], int]:
    """One document per id: later copies in a batch merge onto earlier ones.  Returns the
    documents by id and how many copies were folded."""
    out: dict[str, dict[str, Any]] = {}
    folded = 0
    for d in docs:
        if d["id"] in out:
            kind, merged = merge(out[d["id"]], d, history_size)
            if merged is not None and kind != "late":
                out[d["id"]] = merged
            folded += 1
        else:
            out[d["id"]] = d
    return out, folded


def other_known_ids(pending: dict[str, dict[str, Any]]) -> list[str]:
    """The ids the batch's documents are also known under (the lookup's ``known`` keys)."""
    return sorted({k for d in pending.values() for k in d.get("known_ids") or []} - set(pending))


def adopt_known(pending: dict[str, dict[str, Any]], existing: dict[str, dict[str, Any]],
                found: dict[str, dict[str, Any]]) -> int:
    """A new document whose id is not stored, but which a stored article of the same source is
    known under (its fetched URL, a redirect, a canonical it used to declare), is that article: it
    takes the stored id instead of forking a second document.  ``found``: the batch's lookup of
    every id its documents are known under.  Updates ``pending`` and ``existing``; returns how
    many documents took a stored id."""
    adopted = 0
    for doc in [d for i, d in pending.items() if i not in existing and d.get("known_ids")]:
        match = next((found[k] for k in doc["known_ids"] if k in found
                      and found[k].get("source") == doc.get("source")), None)
        if match is None or match["_id"] in pending:
            continue
        del pending[doc["id"]]
        doc["id"] = match["_id"]
        pending[doc["id"]] = doc
        existing[doc["id"]] = {k: v for k, v in match.items() if k != "_id"}
        adopted += 1
    return adopted


def merge_batch(pending: dict[str, dict[str, Any]], existing: dict[str, dict[str, Any]],
                history_size: int) -> tuple[list[Merged], Counter[str]]:
    """Each document merged with its stored copy: what to write (documents that change nothing
    are left out) and how many of each kind (created, revised, seen, late, duplicate)."""
    merged: list[Merged] = []
    kinds: Counter[str] = Counter()
    for id_, doc in pending.items():
        old = existing.get(id_)
        kind, out = merge(old, doc, history_size)
        kinds[kind] += 1
        if out is not None:
            known = out.get("known_ids") or []
            if known and known[0] != id_:
                out["known_ids"] = [id_, *(k for k in known if k != id_)]
            merged.append((kind, id_, out, old))
    return merged, kinds


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True))  # as the stored copy reads back (tuples as lists)


def unchanged(partial: dict[str, Any], old: dict[str, Any]) -> bool:
    """Whether the partial update of a ``seen`` copy would change nothing stored but its seen times:
    every value it writes is the stored one (the known ids as a set)."""
    for k, v in partial.items():
        if k in SEEN_TIMES:
            continue
        if k == "known_ids":
            if set(v) != set(old.get(k) or []):
                return False
        elif _plain(v) != _plain(old.get(k, [] if k == "history" else None)):
            return False
    return True


def _seconds_between(earlier: Any, later: Any) -> float | None:
    a, b = dedupe.parse_time(earlier), dedupe.parse_time(later)
    return (b - a).total_seconds() if a and b else None


def bulk_op(kind: str, id_: str, doc: dict[str, Any], old: dict[str, Any] | None,
            seen_interval: float = 0.0) -> dict[str, Any]:
    """``created``: create (a 409 means another writer was first: merge again); ``revised``:
    the whole new document; ``seen``: a partial update that leaves values this crawl did not
    find (a modified time, an image) as stored — or, when it would change nothing but the seen times
    and the article's own ``last_seen_at`` is less than ``seen_interval`` seconds older than this
    crawl's, a ``touch``: the time goes to the article's lookup entry, the article (its body, in
    whichever old index it lives) is not re-indexed; ``late``: history only."""
    body = {k: v for k, v in doc.items() if k not in PRIVATE}
    if kind == "late":
        op: dict[str, Any] = {"op": "update", "id": id_, "doc": body}
    elif kind == "seen":
        partial = {k: v for k, v in body.items() if v is not None and v != [] and v != {}}
        partial["history"] = body.get("history") or []
        op = {"op": "update", "id": id_, "doc": partial}
        if seen_interval > 0 and old and old.get("_index") and unchanged(partial, old):
            own = old.get(ARTICLE_SEEN, old.get("last_seen_at"))  # the article's, not its entry's
            age = _seconds_between(own, partial.get("last_seen_at"))
            if age is not None and age < seen_interval:
                op = {"op": "touch", "id": id_, "doc": {"last_seen_at": partial["last_seen_at"],
                                                         "source": partial.get("source")}}
    else:  # the store derives the per-language fields (Store.to_document) for every op
        op = {"op": "create" if kind == "created" else "index", "id": id_, "doc": body}
    if old and old.get("_index"):
        op["index"] = old["_index"]  # update in place, also after a rollover
    return op


__all__ = ["LOOKUP_FIELDS", "MERGE_FIELDS", "PRIVATE", "adopt_known", "bulk_op", "fold", "merge_batch",
           "other_known_ids", "unchanged"]
