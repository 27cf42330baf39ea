"""``IndexConfig``: how the bulk indexer batches, retries and where it keeps what it could not send.

From env-style names (``INDEX_BATCH_DOCS`` ...; os.environ or Scrapy settings) with ``from_mapping`` /
``from_env``; bad values name the variable and the fix.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from news_ingest.config import parse_size
from news_ingest.settings import StatePaths

parse_bytes = parse_size  # ``5MB``, ``512kb``, ``1048576`` -> bytes: the one size parser (news_ingest.config)


@dataclass(frozen=True)
class IndexConfig:
    batch_docs: int = 500
    batch_bytes: int = 5 * 1024 * 1024
    flush_seconds: float = 5.0
    max_retries: int = 4  # per request; a wait of backoff_base * 2**attempt, +-50% at random (<= backoff_max)
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    outage_probe_seconds: float = 30.0  # while the cluster is away, spool without asking it
    # $NEWS_HOME/spool and $NEWS_HOME/dead-letter (news_ingest.settings.StatePaths), never the cwd
    spool_dir: Path = field(default_factory=lambda: StatePaths.from_env().spool)
    dead_letter_dir: Path = field(default_factory=lambda: StatePaths.from_env().dead_letter)
    syndication_window_days: float = 3.0
    history_size: int = 10
    bulk_in_flight: int = 2  # bulk requests the flush path keeps in flight (the cluster never waits)

    ENV: ClassVar[dict[str, tuple[str, Callable[[Any], Any] | None]]] = {
        "batch_docs": ("INDEX_BATCH_DOCS", int), "batch_bytes": ("INDEX_BATCH_BYTES", parse_bytes),
        "flush_seconds": ("INDEX_FLUSH_SECONDS", float), "max_retries": ("INDEX_MAX_RETRIES", int),
        "backoff_base": ("INDEX_BACKOFF_SECONDS", float),
        "outage_probe_seconds": ("INDEX_OUTAGE_PROBE_SECONDS", float),
        "spool_dir": ("INDEX_SPOOL_DIR", None), "dead_letter_dir": ("INDEX_DEAD_LETTER_DIR", None),
        "syndication_window_days": ("INDEX_SYNDICATION_WINDOW_DAYS", float),
        "history_size": ("INDEX_HISTORY_SIZE", int), "bulk_in_flight": ("INDEX_BULK_IN_FLIGHT", int)}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> IndexConfig:
        """From env-style names (``INDEX_BATCH_DOCS`` ...): os.environ or Scrapy settings.  The
        directories are those of ``StatePaths`` (``NEWS_HOME`` from the environment)."""
        kw: dict[str, Any] = {}
        for attr, (name, conv) in cls.ENV.items():
            raw = values.get(name)
            if conv is None or raw is None or raw == "":
                continue
            try:
                kw[attr] = conv(raw)
            except (TypeError, ValueError):
                kind, example = (("a whole number", getattr(cls, attr)) if conv is int else
                                 ("a number", getattr(cls, attr)) if conv is float else ("a size", "5MB"))
                raise ValueError(f"{name}={raw!r} is not {kind}. Fix: e.g. {name}={example}") from None
        paths = StatePaths.from_env({**os.environ, **{k: str(v) for k, v in values.items() if v is not None}})
        cfg = cls(**kw, spool_dir=paths.spool, dead_letter_dir=paths.dead_letter)
        limits = {"INDEX_BATCH_DOCS": cfg.batch_docs >= 1, "INDEX_BATCH_BYTES": cfg.batch_bytes >= 1024,
                  "INDEX_FLUSH_SECONDS": cfg.flush_seconds > 0, "INDEX_MAX_RETRIES": cfg.max_retries >= 0,
                  "INDEX_BULK_IN_FLIGHT": 1 <= cfg.bulk_in_flight <= 8}
        if bad := [k for k, ok in limits.items() if not ok]:
            raise ValueError(f"{bad[0]} is out of range. Fix: batch docs >= 1, batch bytes >= 1KB, flush "
                             f"seconds > 0, retries >= 0, bulk in flight 1..8")
        return cfg

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IndexConfig:
        return cls.from_mapping(os.environ if env is None else env)


__all__ = ["IndexConfig", "parse_bytes"]
