"""Revisions: how a new copy of an article combines with the stored one (pure; no I/O).

A re-crawl keeps ``first_seen_at``, moves ``last_seen_at``; a new content hash bumps ``version``
and pushes the previous {content_hash, modified_at, seen_at} onto ``history``.  A copy older than
what is stored (a late replay) only adds to the history.  The bulk indexer
(``news_ingest.store.indexer``) applies this to every batch.
"""

from __future__ import annotations

from typing import Any

from pipelines import dedupe


def _later(a: str | None, b: str | None) -> bool:
    """a strictly later than b (unknown times are never later)."""
    ta, tb = dedupe.parse_time(a), dedupe.parse_time(b)
    return bool(ta and tb and ta > tb)


def _earliest(*values: str | None) -> str | None:
    known = [(dedupe.parse_time(v), v) for v in values if dedupe.parse_time(v)]
    return min(known)[1] if known else next((v for v in values if v), None)


def merge(existing: dict[str, Any] | None, new: dict[str, Any], history_size: int = 10
          ) -> tuple[str, dict[str, Any] | None]:
    """Combine a stored document with a new copy of the same article.

    Returns (kind, document to write or None): ``created``, ``seen`` (same content: only the
    times move), ``recleaned`` (the same revision — ``revision_hash`` — with another cleaned body: the
    body is replaced, version and history stay), ``revised`` (content changed: version+1, previous
    hash in history),
    ``late`` (an older copy than stored, with other content: recorded in history only),
    ``duplicate`` (nothing new: nothing to write)."""
    if not existing:
        doc = dict(new)
        doc["version"] = doc.get("version") or 1
        return "created", doc
    # every id the article was ever known under stays known (the stored document's id first)
    known = list(dict.fromkeys([*(existing.get("known_ids") or []), *(new.get("known_ids") or [])]))
    new = {**new, "known_ids": known} if known else new
    aliases_added = len(known) > len(existing.get("known_ids") or [])
    first = _earliest(existing.get("first_seen_at"), new.get("first_seen_at"))
    e_seen, n_seen = existing.get("last_seen_at"), new.get("last_seen_at")
    history = list(existing.get("history") or [])
    version = existing.get("version") or 1
    keep_cluster = {k: existing[k] for k in ("cluster_id", "is_cluster_canonical") if existing.get(k)
                    is not None}
    if new.get("content_hash") == existing.get("content_hash"):
        if not _later(n_seen, e_seen) and first == existing.get("first_seen_at") and not aliases_added:
            return "duplicate", None
        doc = {**new, **keep_cluster, "first_seen_at": first, "version": version, "history": history,
               "last_seen_at": n_seen if _later(n_seen, e_seen) else e_seen}
        return "seen", doc
    if new.get("revision_hash") and new.get("revision_hash") == existing.get("revision_hash"):
        # the same text from the page, cleaned anew (the source's learned template took out more or
        # less): the body is replaced in place; no edit at the source, so no new version
        if _later(e_seen, n_seen):
            return "duplicate", None  # an older copy: the stored cleaning is the newer one
        doc = {**new, **keep_cluster, "first_seen_at": first, "version": version, "history": history}
        return "recleaned", doc
    if _later(e_seen, n_seen):  # a late copy (replay): the stored one is newer and stays
        if any(h.get("content_hash") == new.get("content_hash") for h in history):
            return "duplicate", None
        entry = {"content_hash": new.get("content_hash"), "modified_at": new.get("modified_at"),
                 "seen_at": n_seen}
        history = sorted([*history, entry], key=lambda h: h.get("seen_at") or "")[-history_size:]
        late = {"first_seen_at": first, "version": version + 1, "history": history}
        return "late", {**late, "known_ids": known} if known else late
    entry = {"content_hash": existing.get("content_hash"), "modified_at": existing.get("modified_at"),
             "seen_at": e_seen}
    doc = {**new, **keep_cluster, "first_seen_at": first, "version": version + 1,
           "history": [*history, entry][-history_size:]}
    return "revised", doc


REFETCH_SLACK_SECONDS = 120  # sitemaps stamp lastmod a moment after the page's own dateModified


def refetch_reason(stored: dict[str, Any], listed: str | None) -> str | None:
    """Why an article already indexed must be fetched again, or None: ``incomplete`` (a later part
    of it failed last time), ``changed`` (its feed or sitemap date — ``<lastmod>``, ``<updated>`` — is
    newer than the stored ``modified_at``, else ``published_at``).  Without dates nothing says it
    changed: it is not fetched (``refresh=1`` fetches everything)."""
    if stored.get("pages_incomplete"):
        return "incomplete"
    ref = dedupe.parse_time(stored.get("modified_at")) or dedupe.parse_time(stored.get("published_at"))
    when = dedupe.parse_time(listed)
    if ref and when and (when - ref).total_seconds() > REFETCH_SLACK_SECONDS:
        return "changed"
    return None
