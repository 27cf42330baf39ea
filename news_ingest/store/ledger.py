"""The run ledger: one document per crawl run in ``<alias>-runs`` (the index ``Store.setup`` creates).

Written by the runner (``news-ingest run``) and, for a hand-run ``scrapy crawl``, by the crawl's
summary extension; read by ``news-ingest stats``.
"""

from __future__ import annotations

import contextlib
import socket
from datetime import UTC, datetime
from typing import Any

from news_ingest.store.client import Store
from news_ingest.store.protocol import ArticleStore


def record_run(store: ArticleStore, run_doc: dict[str, Any]) -> str:
    """Write one crawl run to ``<alias>-runs`` (created by ``setup``); returns the run id.

    ``run_doc``: ``started_at``, ``finished_at`` (ISO 8601), ``sources`` (list), ``counts``
    (name -> number, e.g. Scrapy's ``news/*`` stats), ``errors`` (list of strings or dicts),
    ``status``; ``run_id`` is made up if absent.  Unknown keys are kept in ``_source``.  Writing
    the same ``run_id`` again replaces the record (a run can be recorded at start and at end)."""
    doc = dict(run_doc)
    doc.setdefault("host", socket.gethostname())
    doc.setdefault("engine", store.engine)
    started, finished = doc.get("started_at"), doc.get("finished_at")
    if started and finished and "duration_s" not in doc:
        with contextlib.suppress(TypeError, ValueError):
            doc["duration_s"] = round((datetime.fromisoformat(finished) -
                                       datetime.fromisoformat(started)).total_seconds(), 3)
    errors = doc.get("errors") or []
    doc["error_count"] = len(errors) if isinstance(errors, list) else int(bool(errors))
    doc.setdefault("counts", {})
    run_id = str(doc.get("run_id") or f"{(started or datetime.now(UTC).isoformat())}-{doc['host']}")
    doc["run_id"] = run_id
    store.ensure_runs_template()  # before the first write, which creates the index
    return store.index_doc("runs", doc, doc_id=run_id)


def recent_runs(store: Store, n: int = 5) -> list[dict[str, Any]]:
    resp = store.backend.request("POST", f"/{store.alias}-runs/_search", ignore=(404,),
                                 body={"size": n, "sort": [{"started_at": {"order": "desc"}}]})
    return [h["_source"] for h in (resp or {}).get("hits", {}).get("hits", [])]
