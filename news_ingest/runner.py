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
- **Run ledger**: the run is recorded in ``<alias>-runs`` (``news_ingest.run_record``).
- **Per-source health**: fill rates of body/title/published_at among this run's articles are compared
  with the median of the source's recent runs (``news_ingest.health``); a drop of more than
  ``HEALTH_DROP`` (absolute) is a warning in the summary.

The pieces: ``news_ingest.locks`` (the per-source flocks), this module (the run: the crawl child, its
summary, the status), ``news_ingest.health`` (fill rates and their history),
``news_ingest.run_record`` (the ledger record).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from news_ingest.health import HealthState, fill_rates, health_warnings
from news_ingest.locks import Lock, source_locks
from news_ingest.run_record import record, run_document
from news_ingest.settings import CHECKOUT, SearchSettings, StatePaths
from news_ingest.sources import load_sources, select
from news_ingest.store.client import StoreError, connect

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
EXIT = {"ok": 0, "skipped_locked": 0, "partial": 1, "failed": 2, "stuck": 3, "ok_spooled": 4}
COUNTS = ("indexed", "extracted", "spooled", "dead_letter", "replayed")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
    started = _now()
    summary: dict[str, Any] = {"run": "crawl", "sources": names, "started_at": started}
    # one lock per source, so overlapping sets (`--all` hourly, a hot set every 15 min) never
    # crawl the same source twice at once; a source still held by another run is left to it
    locks, held = source_locks(paths.lock, names, max_hours)
    if held:
        summary["locked_by_other_run"] = held
    stuck = {n: f"lock held for {h['hours']}h by pid {h['pid']}: stuck run?" for n, h in held.items()
             if h["stuck"]}
    if not locks:
        summary["status"] = "stuck" if stuck else "skipped_locked"
        return EXIT[summary["status"]], summary
    try:
        return _run_locked(spec, [n for n in names if n in locks], locks, extra, store, env, paths,
                           summary, stuck)
    finally:
        for lock in locks.values():
            lock.release()


def _run_locked(spec: str, names: list[str], locks: dict[str, Lock], extra: list[str] | None, store: Any,
                env: dict[str, str], paths: StatePaths, summary: dict[str, Any],
                stuck: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """The run once its sources' locks are held: crawl, read the crawl's summary, judge each
    source, record the run."""
    started = summary["started_at"]
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    log_path = paths.log / f"crawl-{stamp}-{_set_key(spec, names)}.log"
    summary_path = log_path.with_suffix(".summary.json")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"source={','.join(names)}", *(extra or [])]
    crawl_env = {"SCRAPY_SETTINGS_MODULE": "crawler.settings", **env,
                 "NEWS_HOME": str(paths.home), "NEWS_SUMMARY_FILE": str(summary_path),
                 # the runner records the run itself, with health and lock details: not the crawl too
                 "NEWS_INGEST_RUNNER": "1"}
    returncode, interrupted = _crawl(cmd, log_path, crawl_env, list(locks.values()))
    crawl = _read_summary(summary_path)
    counts = {k: int((crawl or {}).get(k) or 0) for k in COUNTS}
    summary.update(finished_at=_now(), log=str(log_path), exit_code=returncode, **counts)
    if interrupted:
        summary["interrupted"] = interrupted
    if crawl is None:
        summary["error"] = f"the crawl wrote no summary (exit {returncode}); see {log_path}"
    search = SearchSettings.from_env(env)
    if store is None:
        try:
            store = connect(search)
        except StoreError as exc:  # health is best effort; the ledger record is spooled below
            summary["ledger_error"] = str(exc)
    failed, per_source, warnings = _judge_sources(crawl, names, store, started, paths, dict(stuck), summary)
    summary.update(per_source=per_source, failed=failed, health_warnings=warnings)
    summary["status"] = run_status(crawl_ok=crawl is not None and returncode == 0 and not interrupted,
                                   sources=names, failed=failed, dead_letter=counts["dead_letter"],
                                   spooled=counts["spooled"])
    run_doc = run_document(summary, started=started, names=names, counts=counts, log_path=log_path,
                           failed=failed, warnings=warnings, per_source=per_source)
    record(store, run_doc, summary, spool_dir=paths.spool, alias=search.index)
    return EXIT[summary["status"]], summary


def _judge_sources(crawl: dict[str, Any] | None, names: list[str], store: Any, started: str,
                   paths: StatePaths, failed: dict[str, str], summary: dict[str, Any]
                   ) -> tuple[dict[str, str], dict[str, Any], dict[str, list[str]]]:
    """Each source's numbers from the crawl's summary, whether it failed, its fill rates and health
    warnings (its history updated): (failed, per_source, warnings)."""
    per_source: dict[str, Any] = {}
    warnings: dict[str, list[str]] = {}
    with HealthState(paths.health).locked() as history:
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
    return failed, per_source, warnings


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
