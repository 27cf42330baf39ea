"""``news-ingest ingest-warc FILE...``: run the pipeline stages over WARC files into the index.

For our own archives (``WARC_DIR``) and Common Crawl's CC-NEWS files alike: every HTML ``response``
record with status 200 goes through ``pipelines.process.process_page`` and the same ``Indexer`` the
crawl uses (batches, revision merge, spool when the cluster is down).  Re-running over an archive
after an extraction improvement updates the stored articles in place (ids are URL-based).  Like
the crawl, each page's source template (``news_ingest.templates``) is applied and learned from; the
models are written (read-merge-write under their locks) when a file is done.

Resumable per file: a small JSON state file remembers each finished file (by path, size and
mtime) and, for an interrupted one, how many records were already handled; ``--force`` redoes.
Every record not indexed is counted with a reason: ``revisit``, ``non_html``, ``status_<code>``,
``truncated``, ``no_url``, ``filtered_domain``/``filtered_source``/``filtered_date``, or the
stage's own drop reason; a broken file tail is ``corrupt`` and ends that file without a crash.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from news_ingest.settings import StatePaths
from news_ingest.sources import Source, load_sources, source_for_url
from news_ingest.store.client import connect
from pipelines.dates import parse_date
from pipelines.hints import Hints, Owner

log = logging.getLogger(__name__)
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)


@dataclass
class Filters:
    domains: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # names from sources.yaml; empty = any URL
    since: datetime | None = None
    until: datetime | None = None

    def domain_ok(self, host: str) -> bool:
        return not self.domains or any(host == d or host.endswith("." + d) for d in self.domains)

    def date_ok(self, iso: str | None) -> bool:
        if not (self.since or self.until) or not iso:
            return True
        when = parse_date(iso)
        if when is None:
            return True
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)


@dataclass
class FileResult:
    path: str
    records: int = 0
    indexed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    resumed_from: int = 0
    status: str = "done"  # done | already_done | corrupt | missing


class State:
    """``{path: {"size", "mtime", "done", "records"}}`` in one JSON file, rewritten atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.data: dict[str, dict[str, Any]] = json.loads(path.read_text())
        except FileNotFoundError:
            self.data = {}
        except ValueError as exc:
            raise ValueError(f"{path}: unreadable state file ({exc}). Fix: delete it to start over") from None

    @staticmethod
    def _key(f: Path) -> str:
        return str(f.resolve())

    def entry(self, f: Path) -> dict[str, Any]:
        st = f.stat()
        e = self.data.get(self._key(f))
        if not e or e.get("size") != st.st_size or e.get("mtime") != int(st.st_mtime):
            e = {"size": st.st_size, "mtime": int(st.st_mtime), "done": False, "records": 0}
            self.data[self._key(f)] = e
        return e

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True))
        os.replace(tmp, self.path)


def _html(content_type: str | None) -> bool:
    ct = (content_type or "").split(";")[0].strip().lower()
    return ct in ("text/html", "application/xhtml+xml", "")


class WarcIngester:
    def __init__(self, indexer: Any, filters: Filters | None = None, sources: dict[str, Source] | None = None,
                 state: State | None = None, checkpoint_every: int = 500, templates: Any = None) -> None:
        from news_ingest.templates import SourceTemplates
        from pipelines.process import process_page  # the stage chain; imported late (heavy)

        self.process_page = process_page
        # the sources' learned furniture, applied and learned as the crawl does (written per file)
        self.templates = templates if templates is not None else SourceTemplates()
        self.indexer, self.filters, self.state = indexer, filters or Filters(), state
        self.sources = sources if sources is not None else load_sources()
        self.checkpoint_every = checkpoint_every
        wanted = set(self.filters.sources)
        unknown = wanted - set(self.sources)
        if unknown:
            raise ValueError(f"unknown source(s) {sorted(unknown)}. Fix: use one of {sorted(self.sources)}")

    def ingest(self, path: Path, force: bool = False) -> FileResult:
        res = FileResult(str(path))
        if not path.is_file():
            res.status = "missing"
            return res
        entry = self.state.entry(path) if self.state else {"done": False, "records": 0}
        if force:
            entry.update(done=False, records=0)
        if entry["done"]:
            res.status = "already_done"
            return res
        res.resumed_from = skip = int(entry.get("records", 0))
        with open(path, "rb") as fh:
            records = iter(ArchiveIterator(fh, arc2warc=True))
            n = 0
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    break
                except Exception as exc:  # noqa: BLE001 - warcio raises assorted errors on a damaged file
                    res.status = "corrupt"
                    res.skipped["corrupt"] += 1
                    log.warning("%s: unreadable after record %d (%s: %s)", path, n, type(exc).__name__, exc)
                    break
                n += 1
                if n <= skip:
                    continue
                res.records = n
                try:
                    reason = self._record(record)
                except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
                    reason = "unreadable_record"
                    log.warning("%s: record %d unreadable: %s", path, n, exc)
                if reason is None:
                    res.indexed += 1
                else:
                    res.skipped[reason] += 1
                if self.state and n % self.checkpoint_every == 0:
                    self.indexer.flush()  # what the checkpoint claims must be in the index (or spool)
                    entry["records"] = n
                    self.state.save()
        self.indexer.flush()
        self.templates.close()  # what this file's pages taught their sources' models
        if self.state:
            entry.update(done=True, records=res.records)
            self.state.save()
        return res

    def _record(self, record: Any) -> str | None:
        rtype = record.rec_type
        if rtype == "revisit":
            return "revisit"
        if rtype != "response":
            return f"record_{rtype}"
        url = record.rec_headers.get_header("WARC-Target-URI")
        if not url or not url.startswith(("http://", "https://")):
            return "no_url"
        if record.rec_headers.get_header("WARC-Truncated"):
            return "truncated"
        http = record.http_headers
        if http is None:
            return "non_html"
        status = http.get_statuscode()
        if status != "200":
            return f"status_{status}"
        ctype = http.get_header("Content-Type")
        if not _html(ctype):
            return "non_html"
        host = (urlsplit(url).hostname or "").lower()
        if not self.filters.domain_ok(host):
            return "filtered_domain"
        src = source_for_url(self.sources, url)
        if self.filters.sources and (src is None or src.name not in self.filters.sources):
            return "filtered_source"
        warc_date = record.rec_headers.get_header("WARC-Date")
        try:
            body = record.content_stream().read()
        except Exception:  # noqa: BLE001 - a damaged payload (bad chunking/gzip) is one counted drop
            return "truncated"
        if not body:
            return "empty"
        hints = Hints(fetched_at=warc_date, source=src.name if src else host)
        if src is not None:
            from pipelines.dedupe import normalize_url  # late: numpy (dedupe); the CLI imports warc

            # the same identity and article rules as the crawl: the source's hosts own its canonicals
            hints = replace(hints, language_hint=src.language, country=src.country,
                            article_pages=src.article_pages, owner=Owner(src.domains, src.ports),
                            url_rule=src.url_rule(normalize_url(url))[0])
        if ctype and (m := _CHARSET.search(ctype)):
            hints = replace(hints, encoding=m.group(1))
        result = self.process_page(body, url, hints, templates=self.templates)
        if not result.ok:
            return result.drop_reason or "dropped"
        article = result.article
        assert article is not None  # result.ok
        if not self.filters.date_ok(article.published_at or warc_date):
            return "filtered_date"
        article.source = article.source or hints.source
        if src is not None:
            article.country = article.country or src.country
        self.indexer.add(article)
        return None


def _date(value: str | None, option: str = "--since") -> datetime | None:
    """A ``--since``/``--until`` value by the one date parser (``pipelines.dates``); UTC without a zone."""
    if not value:
        return None
    when = parse_date(value)
    if when is None:
        raise ValueError(f"{option} {value!r} is not a date. Fix: {option} YYYY-MM-DD "
                         "(or an ISO date-time such as 2024-12-05T08:00:00+07:00)")
    return when


def run(files: list[str], *, state_path: Path | None = None, domains: list[str] | None = None,
        sources: list[str] | None = None, since: str | None = None, until: str | None = None,
        force: bool = False, store: Any = None) -> dict[str, Any]:
    """Ingest ``files``; returns the summary printed by the CLI."""
    from news_ingest.store.indexer import IndexConfig, Indexer  # late: numpy (dedupe); the CLI imports warc

    filters = Filters(domains=tuple(d.lower() for d in domains or ()), sources=tuple(sources or ()),
                      since=_date(since), until=_date(until, "--until"))
    store = store or connect()
    store.setup()
    indexer = Indexer(store, IndexConfig.from_env())
    ing = WarcIngester(indexer, filters, state=State(state_path or StatePaths.from_env().warc_state))
    results = []
    try:
        for f in files:
            r = ing.ingest(Path(f), force=force)
            log.info("%s: %s", f, r)
            results.append(r)
    finally:
        indexer.close()
    total: Counter[str] = Counter()
    for r in results:
        total.update(r.skipped)
    return {"files": len(results), "indexed": sum(r.indexed for r in results),
            "records": sum(r.records for r in results), "skipped": dict(sorted(total.items())),
            "per_file": [{"path": r.path, "status": r.status, "indexed": r.indexed, "records": r.records,
                          "resumed_from": r.resumed_from} for r in results],
            "spooled": indexer.stats.get("spooled", 0), "dead_letter": indexer.stats.get("dead_letter", 0),
            "ok": all(r.status in ("done", "already_done") for r in results)}


def cmd_ingest_warc(args: Any) -> int:
    summary = run(args.files, state_path=Path(args.state) if args.state else None, domains=args.domain,
                  sources=args.source,
                  since=args.since, until=args.until, force=args.force)
    print(json.dumps(summary, sort_keys=True, default=str))
    return 0 if summary["ok"] else 1


def register(sub: Any) -> None:
    p = sub.add_parser("ingest-warc",
                       help="run the stages over WARC files (own archives, CC-NEWS) into the index")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--domain", action="append", help="only these hosts (and subdomains); repeatable")
    p.add_argument("--source", action="append", help="only URLs of these sources.yaml sources; repeatable")
    p.add_argument("--since", help="only articles published (else archived) on/after this ISO date")
    p.add_argument("--until", help="only articles published (else archived) before this ISO date")
    p.add_argument("--state", help="resume state file (default $NEWS_HOME/state/ingest-warc.json)")
    p.add_argument("--force", action="store_true", help="redo files the state file lists as done")
    p.set_defaults(func=cmd_ingest_warc)
