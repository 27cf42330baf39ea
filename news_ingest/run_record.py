"""The record of one scheduled run (``news_ingest.runner``): its document in the run ledger
(``<alias>-runs``, ``news_ingest.store.ledger``), or in the spool while the cluster is away — the
next crawl start (or ``news-ingest replay``) writes it to the ledger then."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from news_ingest.store.client import StoreError, StoreUnavailable
from news_ingest.store.ledger import record_run
from news_ingest.store.spool import RUN, Spool


def run_document(summary: dict[str, Any], *, started: str, names: list[str], counts: dict[str, int],
                 log_path: Path, failed: dict[str, str], warnings: dict[str, list[str]],
                 per_source: dict[str, Any]) -> dict[str, Any]:
    """The ledger document of a finished run (``summary`` has its status and finish time)."""
    errors = [f"{n}: {r}" for n, r in failed.items()] + ([summary["error"]] if "error" in summary else [])
    return {
        "run_id": f"{started}-{socket.gethostname()}", "started_at": started,
        "finished_at": summary["finished_at"], "sources": names, "status": summary["status"],
        "counts": counts, "log": str(log_path),
        "errors": errors,
        "health_warnings": [f"{n}: {w}" for n, ws in warnings.items() for w in ws],
        "per_source": per_source}


def record(store: Any, run_doc: dict[str, Any], summary: dict[str, Any], *, spool_dir: Path,
           alias: str) -> None:
    """Write the run to the ledger; with the cluster away, spool it (an ``ok`` run becomes
    ``ok_spooled``: its record waits).  ``summary`` gets the run id and where the record went."""
    try:
        if store is None:
            raise StoreUnavailable(summary.get("ledger_error") or "no cluster")
        summary["run_id"] = record_run(store, run_doc)
    except StoreError as exc:
        if summary["status"] == "ok":
            summary["status"] = run_doc["status"] = "ok_spooled"
        spool = Spool(spool_dir)
        spool.append([run_doc], f"run ledger: {exc}", target=alias, kind=RUN)
        spool.close()
        summary.update(run_id=run_doc["run_id"], ledger_error=str(exc), ledger="spooled")
