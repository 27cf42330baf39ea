"""One exclusive ``flock`` per source (``$NEWS_HOME/lock/crawl-<source>.lock``) for scheduled runs.

Held by the runner *and* inherited by its ``scrapy crawl`` child (``news_ingest.runner``), so the lock
lasts as long as either lives.  The kernel drops a lock when its last holder dies, so a dead run
needs no cleanup.  The lock file records who holds it (pid, since, the crawl child's pid) for the
next run to report.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any


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


def source_locks(lock_dir: Path, names: list[str], max_hours: float) -> tuple[dict[str, Lock],
                                                                            dict[str, dict[str, Any]]]:
    """Take the lock of each source that is free: (source -> held Lock, source -> who holds it
    otherwise: pid, child, hours, stuck = held longer than ``max_hours``)."""
    locks: dict[str, Lock] = {}
    held: dict[str, dict[str, Any]] = {}
    for name in names:
        lock = Lock(lock_dir / f"crawl-{name}.lock")
        if lock.acquire():
            locks[name] = lock
        else:
            holder = lock.holder()
            age_h = (time.time() - float(holder.get("since", time.time()))) / 3600
            held[name] = {"pid": holder.get("pid"), "child": holder.get("child"), "hours": round(age_h, 2),
                          "stuck": age_h > max_hours}
    return locks, held
