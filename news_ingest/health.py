"""Per-source health of scheduled runs: fill rates of body/title/published_at among a run's
articles, compared with the median of the source's recent runs (``$NEWS_HOME/state/health.json``,
read-modify-written under a lock); a drop of more than ``HEALTH_DROP`` (absolute) is a warning in
the run's summary (``news_ingest.runner``)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import statistics
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HEALTH_FIELDS = ("body", "title", "published_at")
HEALTH_DROP = 0.3  # absolute fall in a fill rate that is reported
HEALTH_MIN_ARTICLES = 5  # fewer articles in a run: too few to judge rates
HISTORY = 10  # runs kept per source


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def fill_rates(store: Any, source: str, since: str) -> dict[str, Any]:
    """Share of this run's articles (seen since the run started: ``Store.seen_since``, which also finds
    those a re-crawl found unchanged and did not re-index) with each health field filled."""
    base = [{"term": {"source": source}}, store.seen_since(since, source)]
    total = store.count({"bool": {"filter": base}})
    rates: dict[str, Any] = {"articles": total}
    for f in HEALTH_FIELDS:
        n = store.count({"bool": {"filter": [*base, {"exists": {"field": f}}]}}) if total else 0
        rates[f] = round(n / total, 3) if total else None
    return rates


def health_warnings(current: dict[str, Any], history: list[dict[str, Any]]) -> list[str]:
    """Compare this run's fill rates with the median of the recent runs of the same source."""
    warnings: list[str] = []
    past = [h for h in history if (h.get("articles") or 0) >= HEALTH_MIN_ARTICLES]
    if len(past) < 2:
        return warnings
    if not current.get("articles") and statistics.median(h["articles"] for h in past) >= HEALTH_MIN_ARTICLES:
        return ["no articles this run (recent runs had some): discovery or article rules may be broken"]
    if (current.get("articles") or 0) < HEALTH_MIN_ARTICLES:
        return warnings
    for f in HEALTH_FIELDS:
        vals = [h[f] for h in past if h.get(f) is not None]
        if vals and current.get(f) is not None and statistics.median(vals) - current[f] > HEALTH_DROP:
            warnings.append(f"{f} filled in {current[f]:.0%} of articles, recent runs "
                            f"{statistics.median(vals):.0%}: the page layout may have changed")
    return warnings


class HealthState:
    """``health.json``: the last HISTORY fill-rate records per source.  Overlapping runs (``--all``
    hourly beside a hot set) update it through :meth:`locked`, a read-modify-write under an flock,
    so neither loses the other's records."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, list[dict[str, Any]]]:
        try:
            data = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @contextlib.contextmanager
    def locked(self) -> Iterator[dict[str, list[dict[str, Any]]]]:
        """The current state, to change in place; written back (atomically) on exit."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self.read()
            yield data
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, indent=1))
            os.replace(tmp, self.path)

    @staticmethod
    def add(data: dict[str, list[dict[str, Any]]], source: str, rates: dict[str, Any]) -> None:
        data[source] = [*data.get(source, []), {**rates, "at": _now()}][-HISTORY:]
