"""What the crawler remembers between runs besides the index: one SQLite file per source.

    state = CrawlState.for_source("news-articles", "kompas")
    # -> $NEWS_HOME/state/crawl/news-articles/kompas.sqlite  (one file per index alias and source)
    state.validators(url) / state.save_validators(url, kind, etag, last_modified)
    state.outcomes(ids) / state.record(ids, outcome, url)

* **Validators** (``ETag``, ``Last-Modified``) of feeds and sitemaps, sent back as ``If-None-Match`` /
  ``If-Modified-Since``: an unchanged feed costs a ``304``.  The spider saves a feed's validators only
  after a run that finished with every article of that feed settled, so a ``304`` never hides an entry
  a killed or failed run did not get to.
* **Outcomes** of article URLs that were fetched and are not in the index, by article id: the page
  was no article (``not_article_page``, an extraction drop), not HTML, too large, gone (404/410), or
  a redirect to an article known under another id (``alias``).  The index is the seen-store of
  everything indexed; this is the rest, so a second run over an unchanged site fetches no article page
  again.  An outcome expires (``recheck_days``; ``gone`` after a day) and ``refresh=1`` ignores it.

The state belongs to one index: it lives under the alias's name and records the ids (uuids) of the
indices behind the alias; when none of them is there any more (the index was dropped and made again) the
state is reset (``bind``), or a 304 would hide articles the new index never got.

SQLite (WAL): the crawl of one source may run while another process reads it; a kill -9 loses at most
the last uncommitted write, never the file.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from news_ingest.settings import StatePaths

RECHECK_DAYS = 30.0  # an outcome older than this is fetched again (pages change, sites get fixed)
SHORT_LIVED = {"gone": 1.0}  # outcome -> days: a 404 may be a story not published yet
_SCHEMA = """
CREATE TABLE IF NOT EXISTS validators (url TEXT PRIMARY KEY, kind TEXT, etag TEXT, last_modified TEXT,
                                       saved_at TEXT);
CREATE TABLE IF NOT EXISTS outcomes (id TEXT PRIMARY KEY, outcome TEXT NOT NULL, url TEXT, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


def _now() -> datetime:
    return datetime.now(UTC)


class CrawlState:
    def __init__(self, path: Path, recheck_days: float = RECHECK_DAYS) -> None:
        self.path = path
        self.recheck_days = recheck_days
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        # Crawlers started together open a new file at once; switching it to WAL can fail at once with
        # "database is locked" (SQLite does not wait on its busy timeout there): the crawler then
        # quit at start (test_frontier_crawl's second crawler took no share).  Retried for the timeout.
        deadline = time.monotonic() + 30
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.executescript(_SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02 + random.random() * 0.08)

    @classmethod
    def for_source(cls, alias: str, source: str, paths: StatePaths | None = None,
                   recheck_days: float = RECHECK_DAYS) -> CrawlState:
        paths = paths or StatePaths.from_env()
        return cls(paths.state / "crawl" / alias / f"{source}.sqlite", recheck_days)

    # ------------------------------------------------------------------------- which index
    def bind(self, index_uuids: set[str]) -> bool:
        """Tie the state to the indices now behind the alias; True when it was kept, False when it
        was reset because none of the indices it was made with is there any more."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'index_uuids'").fetchone()
        before = set(filter(None, (row[0] if row else "").split(",")))
        kept = bool(before & index_uuids) or (not before and row is not None and not index_uuids)
        if not kept:
            with self._db:
                self._db.execute("DELETE FROM validators")
                self._db.execute("DELETE FROM outcomes")
        self._set_uuids(index_uuids)
        return kept

    def _set_uuids(self, uuids: set[str]) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('index_uuids', ?)", (",".join(sorted(uuids)),))

    def remember_indices(self, index_uuids: set[str]) -> None:
        """Add the indices behind the alias now (e.g. the first one, made during this run)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'index_uuids'").fetchone()
        self._set_uuids(set(filter(None, (row[0] if row else "").split(","))) | index_uuids)

    # ------------------------------------------------------------------------- conditional GET
    def validators(self, url: str) -> tuple[str | None, str | None, str | None] | None:
        """(etag, last_modified, kind) saved for ``url``, or None."""
        row = self._db.execute("SELECT etag, last_modified, kind FROM validators WHERE url = ?",
                               (url,)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def save_validators(self, url: str, kind: str, etag: str | None, last_modified: str | None) -> None:
        if not etag and not last_modified:
            self.forget_validators(url)
            return
        self._db.execute("INSERT OR REPLACE INTO validators VALUES (?, ?, ?, ?, ?)",
                         (url, kind, etag, last_modified, _now().isoformat(timespec="seconds")))

    def forget_validators(self, url: str) -> None:
        self._db.execute("DELETE FROM validators WHERE url = ?", (url,))

    # ------------------------------------------------------------------------- outcomes
    def record(self, ids: Iterable[str], outcome: str, url: str | None = None) -> None:
        at = _now().isoformat(timespec="seconds")
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?)",
                                 [(i, outcome, url, at) for i in dict.fromkeys(ids)])

    def outcomes(self, ids: Iterable[str]) -> dict[str, str]:
        """Unexpired outcomes of ``ids``: ``{id: outcome}``."""
        ids = list(dict.fromkeys(ids))
        now = _now()
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT id, outcome, at FROM outcomes WHERE id IN ({marks})"  # noqa: S608 - placeholders
            rows = self._db.execute(query, chunk).fetchall()
            for id_, outcome, at in rows:
                days = SHORT_LIVED.get(outcome, self.recheck_days)
                if now - datetime.fromisoformat(at) < timedelta(days=days):
                    out[id_] = outcome
        return out

    def forget(self, ids: Iterable[str]) -> None:
        with self._db:
            self._db.executemany("DELETE FROM outcomes WHERE id = ?", [(i,) for i in ids])

    def close(self) -> None:
        self._db.close()
