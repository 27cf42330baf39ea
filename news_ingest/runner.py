"""``news-ingest crawl --all | --source NAME[,NAME]``: the one entry point for scheduled (cron) runs.

- **No overlap**: an exclusive ``flock`` per source (``$NEWS_HOME/lock/crawl-<source>.lock``), held
  by the runner *and* inherited by its ``scrapy crawl`` child, so the lock lasts as long as either
  lives — a killed runner never lets a second crawl of the same source start beside its orphan.
  The kernel drops a lock when its last holder dies, so a dead run needs no cleanup.  A run that
  finds every lock held reports ``skipped_locked`` (exit 0), or ``stuck`` (exit 3) when a holder has
  run longer than ``--max-hours``.
- **Signals**: SIGTERM/SIGINT/SIGHUP to the runner are forwarded to the crawl (Scrapy then shuts
  down gracefully and flushes what it has; a second signal forces it); the runner waits for the
  child, records the run as ``failed`` (``interrupted``) and only then releases the locks.
- **A log per run**: ``$NEWS_HOME/log/crawl-<UTC time>-<set>.log`` (the whole Scrapy log).
- **The crawl's numbers** come from a summary file the crawl writes at close
  (``NEWS_SUMMARY_FILE``, ``crawler/extensions.py``) — a contract, independent of log level/format.
- **One JSON line** on stdout: status, counts, per-source numbers, health warnings, log path.
- **Status and exit code** (cron mails on non-zero): ``ok`` 0 (also a quiet run: nothing new);
  ``ok_spooled`` 4 (nothing lost, but documents wait in the spool for the cluster: the next run or
  ``news-ingest replay`` delivers them); ``partial`` 1 (dead letters, or some sources failed);
  ``failed`` 2 (the crawl process failed or was interrupted, or every source failed);
  ``stuck`` 3; ``skipped_locked`` 0.
- **Run ledger**: the run is recorded in ``<alias>-runs``.
- **Per-source health**: fill rates of body/title/published_at among this run's articles are compared
  with the median of the source's recent runs (``$NEWS_HOME/state/health.json``, read-modify-written
  under a lock); a drop of more than ``HEALTH_DROP`` (absolute) is a warning in the summary.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from news_ingest.settings import CHECKOUT, SearchSettings, StatePaths
from news_ingest.sources import load_sources, select
from news_ingest.store.client import StoreError, StoreUnavailable, connect
from news_ingest.store.ledger import record_run
from news_ingest.store.spool import RUN, Spool

HEALTH_FIELDS = ("body", "title", "published_at")
HEALTH_DROP = 0.3  # absolute fall in a fill rate that is reported
HEALTH_MIN_ARTICLES = 5  # fewer articles in a run: too few to judge rates
HISTORY = 10  # runs kept per source
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
EXIT = {"ok": 0, "skipped_locked": 0, "partial": 1, "failed": 2, "stuck": 3, "ok_spooled": 4}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Lock:
    """An exclusive, non-blocking flock; released by the kernel when its last holder dies."""

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
        self.note(pid=os.getpid(), since=time.time())
        return True

    def note(self, **info: Any) -> None:
        """Record who holds the lock (pid, since, the crawl child's pid) for the next run to report."""
        data = {**self.holder(), **info} if "pid" not in info else info
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(json.dumps(data))
        self.fh.flush()

    def fileno(self) -> int:
        return int(self.fh.fileno())

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


def source_failed(entry: dict[str, Any]) -> str | None:
    """Why a source's run failed, or None.  A quiet run (feeds fetched, nothing new, a 404 here and
    there) is not a failure: only a source that could fetch nothing, or failed more requests than
    it fetched, is."""
    fetched = entry.get("pages_fetched") or 0
    errors = sum(v for v in (entry.get("errors") or {}).values() if isinstance(v, int | float))
    if not fetched:
        return "nothing fetched" + (f" ({errors} error(s))" if errors else "")
    if errors > fetched:
        return f"{errors} error(s), {fetched} page(s) fetched"
    return None


def run_status(*, crawl_ok: bool, sources: list[str], failed: dict[str, str], dead_letter: int,
               spooled: int) -> str:
    """``failed`` > ``partial`` > ``ok_spooled`` > ``ok`` (see the module docstring)."""
    if not crawl_ok or (sources and all(n in failed for n in sources)):
        return "failed"
    if failed or dead_letter:
        return "partial"
    if spooled:
        return "ok_spooled"
    return "ok"


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


def _set_key(spec: str, names: list[str]) -> str:
    key = "all" if spec.strip() in ("", "all") else "-".join(sorted(names))
    return hashlib.sha1(key.encode()).hexdigest()[:12] if len(key) > 60 else key


def _crawl(cmd: list[str], log_path: Path, env: dict[str, str], locks: list[Lock]) -> tuple[int, str | None]:
    """Run the crawl child with the locks inherited and signals forwarded; (exit code, signal name)."""
    received: list[int] = []
    proc: subprocess.Popen[bytes] | None = None

    def forward(signum: int, frame: Any) -> None:
        received.append(signum)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                # Scrapy shuts down gracefully on SIGTERM/SIGINT; SIGHUP would kill it outright
                proc.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)

    previous = {s: signal.signal(s, forward) for s in FORWARDED}
    try:
        with open(log_path, "wb") as log:
            # its own session: a terminal's Ctrl-C reaches the child once (forwarded), not twice
            proc = subprocess.Popen(cmd, cwd=CHECKOUT or env.get("NEWS_HOME"), stdout=log,
                                    stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                    pass_fds=[lk.fileno() for lk in locks])
            for lk in locks:
                lk.note(child=proc.pid)
            if received:  # a signal that came before the child existed
                forward(received[0], None)
            code = proc.wait()
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
    return code, (signal.Signals(received[0]).name if received else None)


def _read_summary(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def run(spec: str, extra: list[str] | None = None, max_hours: float = 6.0, store: Any = None,
        env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """Run one scheduled crawl; returns (exit code, summary)."""
    env = dict(os.environ if env is None else env)
    paths = StatePaths.from_env(env)
    names = [s.name for s in select(load_sources(), spec)]
    key = _set_key(spec, names)
    started = _now()
    summary: dict[str, Any] = {"run": "crawl", "sources": names, "started_at": started}
    # one lock per source, so overlapping sets (`--all` hourly, a hot set every 15 min) never
    # crawl the same source twice at once; a source still held by another run is left to it
    locks: dict[str, Lock] = {}
    held: dict[str, dict[str, Any]] = {}
    for name in names:
        lock = Lock(paths.lock / f"crawl-{name}.lock")
        if lock.acquire():
            locks[name] = lock
        else:
            holder = lock.holder()
            age_h = (time.time() - float(holder.get("since", time.time()))) / 3600
            held[name] = {"pid": holder.get("pid"), "child": holder.get("child"), "hours": round(age_h, 2),
                          "stuck": age_h > max_hours}
    if held:
        summary["locked_by_other_run"] = held
    stuck = {n: f"lock held for {h['hours']}h by pid {h['pid']}: stuck run?" for n, h in held.items()
             if h["stuck"]}
    if not locks:
        summary["status"] = "stuck" if stuck else "skipped_locked"
        return EXIT[summary["status"]], summary
    names = [n for n in names if n in locks]
    try:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        log_path = paths.log / f"crawl-{stamp}-{key}.log"
        summary_path = log_path.with_suffix(".summary.json")
        log_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"source={','.join(names)}",
               *(extra or [])]
        crawl_env = {"SCRAPY_SETTINGS_MODULE": "crawler.settings", **env,
                     "NEWS_HOME": str(paths.home), "NEWS_SUMMARY_FILE": str(summary_path),
                     # the runner records the run itself, with health and lock details: not the crawl too
                     "NEWS_INGEST_RUNNER": "1"}
        returncode, interrupted = _crawl(cmd, log_path, crawl_env, list(locks.values()))
        crawl = _read_summary(summary_path)
        counts = {k: int((crawl or {}).get(k) or 0)
                  for k in ("indexed", "extracted", "spooled", "dead_letter", "replayed")}
        summary.update(finished_at=_now(), log=str(log_path), exit_code=returncode, **counts)
        if interrupted:
            summary["interrupted"] = interrupted
        if crawl is None:
            summary["error"] = f"the crawl wrote no summary (exit {returncode}); see {log_path}"
        failed, per_source, warnings = dict(stuck), {}, {}
        search = SearchSettings.from_env(env)
        if store is None:
            try:
                store = connect(search)
            except StoreError as exc:  # health is best effort; the ledger record is spooled below
                summary["ledger_error"] = str(exc)
        health = HealthState(paths.health)
        with health.locked() as history:
            for name in names:
                entry = ((crawl or {}).get("sources") or {}).get(name, {})
                per_source[name] = {k: entry.get(k) for k in ("pages_fetched", "articles_found",
                                                               "skipped_seen", "errors")}
                if crawl is not None and (reason := source_failed(entry)):
                    failed[name] = reason
                if store is None:
                    continue
                try:
                    rates = fill_rates(store, name, started)
                except Exception as exc:  # noqa: BLE001
                    summary["health_error"] = str(exc)
                    continue
                per_source[name]["fill"] = rates
                if w := health_warnings(rates, history.get(name, [])):
                    warnings[name] = w
                if entry.get("pages_fetched"):
                    HealthState.add(history, name, rates)
        summary.update(per_source=per_source, failed=failed, health_warnings=warnings)
        summary["status"] = run_status(crawl_ok=crawl is not None and returncode == 0 and not interrupted,
                                       sources=names, failed=failed, dead_letter=counts["dead_letter"],
                                       spooled=counts["spooled"])
        errors = [f"{n}: {r}" for n, r in failed.items()] + ([summary["error"]] if "error" in summary else [])
        run_doc = {
            "run_id": f"{started}-{socket.gethostname()}", "started_at": started,
            "finished_at": summary["finished_at"], "sources": names, "status": summary["status"],
            "counts": counts, "log": str(log_path),
            "errors": errors,
            "health_warnings": [f"{n}: {w}" for n, ws in warnings.items() for w in ws],
            "per_source": per_source}
        try:
            if store is None:
                raise StoreUnavailable(summary.get("ledger_error") or "no cluster")
            summary["run_id"] = record_run(store, run_doc)
        except StoreError as exc:
            # the cluster is away: the record waits in the spool like the documents, and the next
            # crawl start (or `news-ingest replay`) writes it to the ledger
            if summary["status"] == "ok":
                summary["status"] = run_doc["status"] = "ok_spooled"
            spool = Spool(paths.spool)
            spool.append([run_doc], f"run ledger: {exc}", target=search.index, kind=RUN)
            spool.close()
            summary.update(run_id=run_doc["run_id"], ledger_error=str(exc), ledger="spooled")
        return EXIT[summary["status"]], summary
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
    p = sub.add_parser("crawl", help="one scheduled crawl run: lock, log, JSON summary, ledger, health",
                       description="Exit codes: 0 ok (or skipped: locked), 4 ok_spooled (documents wait "
                                   "for the cluster), 1 partial (dead letters or failed sources), 2 failed, "
                                   "3 stuck lock.")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--all", action="store_true", help="every real source in sources.yaml (never fixtures)")
    g.add_argument("--source", help="one source or a comma list")
    p.add_argument("--max-hours", type=float, default=6.0,
                   help="a lock held longer than this is reported stuck")
    p.add_argument("scrapy_args", nargs="*",
                   help="extra `scrapy crawl` arguments after --, e.g. -- -a since=2024-12-01")
    p.set_defaults(func=cmd_crawl)
