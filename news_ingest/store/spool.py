"""Durable on-disk queues: the outage spool and the dead-letter file.

Spool: documents the cluster could not take (unreachable, kept failing) are appended to JSONL
segments and fsync'd before ``append`` returns, so a crash right after loses nothing.  A writer
owns ``<ns>-<pid>-<seq>.jsonl.open`` and seals it (rename to ``.jsonl``) on rotation or close;
``replay`` takes sealed segments — and ``.open`` ones whose writer process is gone — oldest
first, sends them, and deletes a segment only after every record in it was acknowledged.  An
interrupted replay therefore re-sends at most one segment, and because ids are stable and the
index stage merges by content hash, re-sending yields each article once.

Dead letters: documents the cluster rejected (mapping error, too large) with the reason, for a
human to look at; never replayed automatically (they would be rejected again).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
FORMAT_VERSION = 1
ARTICLE, RUN = "article", "run"  # record kinds


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _JsonlAppender:
    """Append JSON lines with one fsync per call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        new = not path.exists()
        self.fh = open(path, "ab")  # noqa: SIM115 - kept open across appends
        if new:
            _fsync_dir(path.parent)

    def write(self, records: list[dict[str, Any]]) -> int:
        data = b"".join(json.dumps(r, ensure_ascii=False, separators=(",", ":"), default=str).encode() + b"\n"
                        for r in records)
        self.fh.write(data)
        self.fh.flush()
        os.fsync(self.fh.fileno())
        return len(data)

    def size(self) -> int:
        return self.fh.tell()

    def close(self) -> None:
        self.fh.close()


@dataclass
class ReplayResult:
    segments: int = 0  # fully replayed and deleted
    records: int = 0  # acknowledged by the receiver
    corrupt: int = 0  # unreadable lines, kept in corrupt/ for inspection
    pending_segments: int = 0  # left for the next replay (receiver failed, or busy)
    busy: bool = False  # another process is replaying this spool
    error: str | None = None

    def __str__(self) -> str:
        s = f"replayed {self.records} document(s) from {self.segments} segment(s)"
        if self.corrupt:
            s += f", {self.corrupt} unreadable line(s) moved to corrupt/"
        if self.pending_segments:
            s += f"; {self.pending_segments} segment(s) still pending"
        if self.busy:
            s += " (another replay holds the lock)"
        if self.error:
            s += f": {self.error}"
        return s


@dataclass
class Spool:
    directory: Path
    segment_bytes: int = 64 * 1024 * 1024
    _current: _JsonlAppender | None = field(default=None, init=False, repr=False)
    _seq: int = field(default=0, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)

    # ---------------------------------------------------------------- writing
    def append(self, docs: list[dict[str, Any]], reason: str, target: str | None = None,
               kind: str = ARTICLE) -> None:
        """Durably store documents; returns only after they are on disk.  ``target``: the alias
        they were written to (replay sends them back there, not to whatever ``ES_INDEX`` says
        then); ``kind``: ``article`` (through the indexer) or ``run`` (a run-ledger record)."""
        if not docs:
            return
        extra: dict[str, Any] = {"index": target} if target else {}
        if kind != ARTICLE:
            extra["kind"] = kind
        records = [{"v": FORMAT_VERSION, "spooled_at": _now(), "reason": reason, **extra, "doc": d}
                   for d in docs]
        with self._lock:
            if self._current is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._seq += 1
                name = f"{time.time_ns():020d}-{os.getpid()}-{self._seq:04d}.jsonl.open"
                self._current = _JsonlAppender(self.directory / name)
            self._current.write(records)
            if self._current.size() >= self.segment_bytes:
                self._seal()

    def _seal(self) -> None:
        if self._current is None:
            return
        cur, self._current = self._current, None
        cur.close()
        cur.path.rename(cur.path.with_suffix(""))  # drop ".open"
        _fsync_dir(self.directory)

    def close(self) -> None:
        with self._lock:
            self._seal()

    # ---------------------------------------------------------------- reading
    def segments(self) -> list[Path]:
        """Replayable segments, oldest first: sealed ones and those of dead writers."""
        if not self.directory.is_dir():
            return []
        own = self._current.path if self._current else None
        out = []
        for p in self.directory.iterdir():
            if p.name.endswith(".jsonl"):
                out.append(p)
            elif p.name.endswith(".jsonl.open") and p != own:
                try:
                    pid = int(p.name.split("-")[1])
                except (IndexError, ValueError):
                    continue
                if pid != os.getpid() and not _pid_alive(pid):
                    out.append(p)
        return sorted(out, key=lambda p: p.name)

    def pending(self) -> int:
        """Documents waiting in replayable segments (reads them: for status, not hot paths)."""
        return sum(1 for seg in self.segments() for _ in self._read(seg, quarantine=False))

    def _read(self, seg: Path, quarantine: bool = True) -> Iterator[dict[str, Any] | None]:
        """Records of a segment; None for a line that does not decode (torn write, damage)."""
        with open(seg, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    rec = json.loads(raw)
                    if not isinstance(rec, dict) or not isinstance(rec.get("doc"), dict):
                        raise ValueError("not a spool record")
                except ValueError:
                    if quarantine:
                        self._quarantine(seg, lineno, raw)
                    yield None
                    continue
                yield rec

    def _quarantine(self, seg: Path, lineno: int, raw: bytes) -> None:
        qdir = self.directory / "corrupt"
        qdir.mkdir(exist_ok=True)
        with open(qdir / f"{seg.name.split('.')[0]}.txt", "ab") as fh:
            fh.write(f"# line {lineno}\n".encode() + raw.rstrip(b"\n") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        log.error("spool %s line %d is unreadable; kept in %s", seg.name, lineno, qdir)

    def replay(self, send: Callable[..., None], batch_docs: int = 500,
               by_target: bool = False) -> ReplayResult:
        """Hand spooled documents to ``send`` in batches, oldest first, deleting each segment once
        all its documents were sent.  ``send`` raises to stop (the cluster is still away): the
        current segment and all later ones stay for the next replay.  With ``by_target`` each
        batch holds one kind and target and the call is ``send(docs, kind, target)`` (target None:
        a record spooled before targets were recorded)."""
        result = ReplayResult()
        if not self.directory.is_dir():
            return result
        lock_fh = open(self.directory / ".replay.lock", "a")  # noqa: SIM115 - held for the replay
        try:
            try:
                fcntl.flock(lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                result.busy = True
                result.pending_segments = len(self.segments())
                return result
            segs = self.segments()
            for i, seg in enumerate(segs):
                try:
                    result.records += self._replay_segment(seg, send, batch_docs, result, by_target)
                except Exception as exc:  # the receiver failed: keep this and later segments
                    result.pending_segments = len(segs) - i
                    result.error = f"{type(exc).__name__}: {exc}"
                    log.warning("spool replay stopped at %s: %s", seg.name, result.error)
                    break
                seg.unlink()
                _fsync_dir(self.directory)
                result.segments += 1
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(lock_fh, fcntl.LOCK_UN)
            lock_fh.close()
        return result

    def _replay_segment(self, seg: Path, send: Callable[..., None], batch_docs: int,
                        result: ReplayResult, by_target: bool = False) -> int:
        sent = 0
        batch: list[dict[str, Any]] = []
        group: tuple[str, str | None] = (ARTICLE, None)

        def flush() -> None:
            nonlocal sent, batch
            if batch:
                if by_target:
                    send(batch, *group)
                else:
                    send(batch)
                sent += len(batch)
                batch = []

        for rec in self._read(seg):
            if rec is None:
                result.corrupt += 1
                continue
            key = (rec.get("kind") or ARTICLE, rec.get("index"))
            if key != group:
                flush()
                group = key
            batch.append(rec["doc"])
            if len(batch) >= batch_docs:
                flush()
        flush()
        return sent


@dataclass
class DeadLetters:
    """``dead-letter-YYYYMMDD.jsonl`` files of rejected documents, each with the reason."""

    directory: Path
    _files: dict[str, _JsonlAppender] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)

    def write(self, entries: list[tuple[Any, ...]]) -> None:
        """entries: (id, HTTP status or None, reason, document[, operation]).  The operation is kept
        for a rejected update of a stored copy (its document is only the changed fields)."""
        if not entries:
            return
        at = _now()
        day = at[:10].replace("-", "")
        records = [{"at": at, "id": e[0], "status": e[1], "reason": e[2], "doc": e[3],
                    **({"op": e[4]} if len(e) > 4 and e[4] else {})} for e in entries]
        with self._lock:
            if day not in self._files:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._files[day] = _JsonlAppender(self.directory / f"dead-letter-{day}.jsonl")
            self._files[day].write(records)

    def claim(self) -> list[Path]:
        """Dead-letter files to send again (after a mapping or config fix), each first renamed
        ``*.resending`` so new rejects start a fresh file; files a crashed re-send left are
        claimed again (re-sending is idempotent: ids are stable)."""
        with self._lock:
            for f in self._files.values():
                f.close()
            self._files.clear()
            if not self.directory.is_dir():
                return []
            for p in sorted(self.directory.glob("dead-letter-*.jsonl")):
                p.rename(p.with_name(p.name + ".resending"))
            return sorted(self.directory.glob("dead-letter-*.jsonl.resending"))

    def done(self, path: Path) -> None:
        """A claimed file was sent again: keep it under ``resent/`` for the record."""
        target = self.directory / "resent" / f"{path.name.removesuffix('.resending')}.{time.time_ns()}"
        target.parent.mkdir(exist_ok=True)
        path.rename(target)

    def read_all(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for p in sorted(self.directory.glob("dead-letter-*.jsonl")):
            with open(p, encoding="utf-8") as fh:
                out.extend(json.loads(line) for line in fh if line.strip())
        return out

    def close(self) -> None:
        with self._lock:
            for f in self._files.values():
                f.close()
            self._files.clear()
