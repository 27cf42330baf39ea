"""``news-ingest crawl --all | --source NAME[,NAME]``: the one entry point for scheduled (cron) runs.

- **No overlap**: an exclusive ``flock`` per source set (``var/lock/crawl-<set>.lock``).  The kernel
  drops the lock when its holder dies, so a lock left by a killed run is recovered by the next run
  with no manual step; a run that finds the lock held reports ``skipped_locked`` (exit 0), or
  ``stuck`` (exit 3) when the holder has run longer than ``--max-hours``.
- **A log per run**: ``var/log/crawl-<UTC time>-<set>.log`` (the whole Scrapy log).
- **One JSON line** on stdout: status, per-source numbers, health warnings, log path.
- **Exit code**: 0 ok, 1 a source failed (nothing fetched, or errors and no article), 2 the crawl
  process itself failed, 3 stuck lock.  Cron mails/alerts on non-zero.
- **Run ledger**: the run is recorded in ``<alias>-runs`` (``news_ingest.search.record_run``).
- **Per-source health**: fill rates of body/title/published_at among this run's articles are compared
  with the median of the source's recent runs (``var/state/health.json``); a drop of more than
  ``HEALTH_DROP`` (absolute) is a warning in the summary — a layout change shows up the day it happens.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from news_ingest.sources import load_sources, select

ROOT = Path(__file__).resolve().parent.parent
SUMMARY_MARKER = "news-ingest crawl summary:"
HEALTH_FIELDS = ("body", "title", "published_at")
HEALTH_DROP = 0.3  # absolute fall in a fill rate that is reported
HEALTH_MIN_ARTICLES = 5  # fewer articles in a run: too few to judge rates
HISTORY = 10  # runs kept per source


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _var(env: str, default: str) -> Path:
    return Path(os.environ.get(env) or ROOT / default)


class Lock:
    """An exclusive, non-blocking flock; released by the kernel if the holder dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh: Any = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.close()
            self.fh = None
            return False
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(json.dumps({"pid": os.getpid(), "since": time.time()}))
        self.fh.flush()
        return True

    def holder(self) -> dict[str, Any]:
        try:
            return json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return {}

    def release(self) -> None:
        if self.fh is not None:
            fcntl.flock(self.fh, fcntl.LOCK_UN)
            self.fh.close()
            self.fh = None


def parse_summary(log_text: str) -> dict[str, Any] | None:
    """The crawl's own summary line (crawler/extensions.py) from a run log."""
    for line in reversed(log_text.splitlines()):
        if SUMMARY_MARKER in line:
            try:
                return json.loads(line.split(SUMMARY_MARKER, 1)[1])
            except ValueError:
                return None
    return None


def source_failed(entry: dict[str, Any]) -> str | None:
    if not entry.get("pages_fetched"):
        return "nothing fetched"
    errors = sum(v for v in (entry.get("errors") or {}).values() if isinstance(v, int | float))
    if errors and not entry.get("articles_found"):
        return f"{errors} error(s) and no article"
    return None


def fill_rates(store: Any, source: str, since: str) -> dict[str, Any]:
    """Share of this run's articles (``last_seen_at`` >= run start) with each health field filled."""
    base = [{"term": {"source": source}}, {"range": {"last_seen_at": {"gte": since}}}]
    total = store.count({"bool": {"filter": base}})
    rates: dict[str, Any] = {"articles": total}
    for f in HEALTH_FIELDS:
        n = store.count({"bool": {"filter": [*base, {"exists": {"field": f}}]}}) if total else 0
        rates[f] = round(n / total, 3) if total else None
    return rates


def health_warnings(current: dict[str, Any], history: list[dict[str, Any]]) -> list[str]:
    """Compare this run's fill rates with the median of the recent runs of the same source."""
    warnings = []
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
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.data: dict[str, list[dict[str, Any]]] = json.loads(path.read_text())
        except (FileNotFoundError, ValueError):
            self.data = {}

    def history(self, source: str) -> list[dict[str, Any]]:
        return self.data.get(source, [])

    def add(self, source: str, rates: dict[str, Any]) -> None:
        self.data[source] = [*self.data.get(source, []), {**rates, "at": _now()}][-HISTORY:]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1))
        os.replace(tmp, self.path)


def run(spec: str, extra: list[str] | None = None, max_hours: float = 6.0, store: Any = None,
        env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """Run one scheduled crawl; returns (exit code, summary)."""
    names = [s.name for s in select(load_sources(), spec)]
    key = "all" if spec.strip() in ("", "all") else "-".join(sorted(names))
    if len(key) > 60:
        key = hashlib.sha1(key.encode()).hexdigest()[:12]
    started = _now()
    summary: dict[str, Any] = {"run": "crawl", "sources": names, "started_at": started}
    # one lock per source, so overlapping sets (`--all` hourly, a hot set every 15 min) never
    # crawl the same source twice at once; a source still held by another run is left to it
    lock_dir = _var("NEWS_LOCK_DIR", "var/lock")
    locks: dict[str, Lock] = {}
    held: dict[str, dict[str, Any]] = {}
    for name in names:
        lock = Lock(lock_dir / f"crawl-{name}.lock")
        if lock.acquire():
            locks[name] = lock
        else:
            holder = lock.holder()
            age_h = (time.time() - float(holder.get("since", time.time()))) / 3600
            held[name] = {"pid": holder.get("pid"), "hours": round(age_h, 2), "stuck": age_h > max_hours}
    if held:
        summary["locked_by_other_run"] = held
    stuck = {n: f"lock held for {h['hours']}h by pid {h['pid']}: stuck run?" for n, h in held.items()
             if h["stuck"]}
    if not locks:
        summary["status"] = "stuck" if stuck else "skipped_locked"
        return (3 if stuck else 0), summary
    names = [n for n in names if n in locks]
    try:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        log_path = _var("NEWS_LOG_DIR", "var/log") / f"crawl-{stamp}-{key}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"source={','.join(names)}",
               *(extra or [])]
        with open(log_path, "wb") as log:
            # the runner records the run itself, with health and lock details: not the crawl too
            crawl_env = {**(env if env is not None else os.environ), "NEWS_INGEST_RUNNER": "1"}
            proc = subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=crawl_env)
        crawl = parse_summary(log_path.read_text(errors="replace")) or {}
        summary.update(finished_at=_now(), log=str(log_path), exit_code=proc.returncode,
                       indexed=crawl.get("indexed", 0), extracted=crawl.get("extracted", 0))
        failed, per_source, warnings = dict(stuck), {}, {}
        health = HealthState(_var("NEWS_STATE_DIR", "var/state") / "health.json")
        if store is None:
            try:
                from news_ingest.store import connect

                store = connect()
            except Exception as exc:  # noqa: BLE001 - health and ledger are best effort; the crawl ran
                summary["ledger_error"] = str(exc)
        for name in names:
            entry = (crawl.get("sources") or {}).get(name, {})
            per_source[name] = {k: entry.get(k) for k in ("pages_fetched", "articles_found", "skipped_seen")}
            if reason := source_failed(entry):
                failed[name] = reason
            if store is not None:
                try:
                    rates = fill_rates(store, name, started)
                except Exception as exc:  # noqa: BLE001
                    summary["health_error"] = str(exc)
                    continue
                per_source[name]["fill"] = rates
                if w := health_warnings(rates, health.history(name)):
                    warnings[name] = w
                if entry.get("pages_fetched"):
                    health.add(name, rates)
        health.save()
        summary.update(per_source=per_source, failed=failed, health_warnings=warnings)
        code = 2 if proc.returncode != 0 or not crawl else (1 if failed else 0)
        summary["status"] = {0: "ok", 1: "source_failed", 2: "crawl_failed"}[code]
        if store is not None:
            try:
                from news_ingest.search import record_run

                counts = {k: v for k, v in (("indexed", summary["indexed"]),
                                            ("extracted", summary["extracted"]))}
                summary["run_id"] = record_run(store, {
                    "started_at": started, "finished_at": summary["finished_at"], "sources": names,
                    "status": summary["status"], "counts": counts, "log": str(log_path),
                    "errors": [f"{n}: {r}" for n, r in failed.items()],
                    "health_warnings": [f"{n}: {w}" for n, ws in warnings.items() for w in ws],
                    "per_source": per_source})
            except Exception as exc:  # noqa: BLE001
                summary["ledger_error"] = str(exc)
        return code, summary
    finally:
        for lock in locks.values():
            lock.release()


def cmd_crawl(args: Any) -> int:
    spec = "all" if args.all else (args.source or "")
    if not spec:
        print("error: give --all or --source NAME[,NAME]", file=sys.stderr)
        return 2
    code, summary = run(spec, extra=args.scrapy_args, max_hours=args.max_hours)
    print(json.dumps(summary, sort_keys=True, default=str))
    return code


def register(sub: Any) -> None:
    p = sub.add_parser("crawl", help="one scheduled crawl run: lock, log, JSON summary, ledger, health")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--all", action="store_true", help="every source in sources.yaml")
    g.add_argument("--source", help="one source or a comma list")
    p.add_argument("--max-hours", type=float, default=6.0,
                   help="a lock held longer than this is reported stuck")
    p.add_argument("scrapy_args", nargs="*",
                   help="extra `scrapy crawl` arguments after --, e.g. -- -a since=2024-12-01")
    p.set_defaults(func=cmd_crawl)
