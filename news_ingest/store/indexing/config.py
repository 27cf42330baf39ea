"""``IndexConfig``: how the bulk indexer batches, retries and where it keeps what it could not send.

A group of the one configuration model (``news_ingest.config``): its variables (``INDEX_BATCH_DOCS``
...) are read with the one precedence rule — defaults < the sources file's ``settings:`` < Scrapy
``-s`` < the environment — and a bad value names the variable and the fix.  The directories are those
of ``StatePaths`` (``$NEWS_HOME/spool``; ``INDEX_SPOOL_DIR`` / ``INDEX_DEAD_LETTER_DIR`` relative to it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import Field

from news_ingest.config import Duration, Settings, Size, layered, load, parse_size
from news_ingest.settings import StatePaths

parse_bytes = parse_size  # ``5MB``, ``512kb``, ``1048576`` -> bytes: the one size parser (news_ingest.config)


class IndexConfig(Settings):
    ENV: ClassVar[dict[str, str]] = {
        "batch_docs": "INDEX_BATCH_DOCS", "batch_bytes": "INDEX_BATCH_BYTES",
        "flush_seconds": "INDEX_FLUSH_SECONDS", "max_retries": "INDEX_MAX_RETRIES",
        "backoff_base": "INDEX_BACKOFF_SECONDS", "outage_probe_seconds": "INDEX_OUTAGE_PROBE_SECONDS",
        "syndication_window_days": "INDEX_SYNDICATION_WINDOW_DAYS", "history_size": "INDEX_HISTORY_SIZE",
        "bulk_in_flight": "INDEX_BULK_IN_FLIGHT", "seen_interval": "INDEX_SEEN_INTERVAL"}
    EXAMPLES: ClassVar[dict[str, str]] = {"batch_bytes": "5MB"}
    # where the directories come from (StatePaths), not parsed here
    DIRECTORIES: ClassVar[tuple[str, ...]] = ("INDEX_SPOOL_DIR", "INDEX_DEAD_LETTER_DIR", "NEWS_HOME")

    batch_docs: Annotated[int, Field(ge=1)] = 500
    batch_bytes: Annotated[Size, Field(ge=1024)] = 5 * 1024 * 1024
    flush_seconds: Annotated[Duration, Field(gt=0)] = 5.0
    # per request; a wait of backoff_base * 2**attempt, +-50% at random (<= backoff_max)
    max_retries: Annotated[int, Field(ge=0)] = 4
    backoff_base: Duration = 0.5
    backoff_max: Duration = 8.0
    outage_probe_seconds: Duration = 30.0  # while the cluster is away, spool without asking it
    # $NEWS_HOME/spool and $NEWS_HOME/dead-letter (news_ingest.settings.StatePaths), never the cwd
    spool_dir: Path = Field(default_factory=lambda: StatePaths.from_env().spool)
    dead_letter_dir: Path = Field(default_factory=lambda: StatePaths.from_env().dead_letter)
    syndication_window_days: float = 3.0
    history_size: int = 10
    # bulk requests the flush path keeps in flight (the cluster never waits)
    bulk_in_flight: Annotated[int, Field(ge=1, le=8)] = 2
    # a re-crawl that finds an article unchanged re-indexes it (to move its last_seen_at) only when that
    # is this much older than the crawl; in between the exact time goes to its lookup entry (0: always)
    seen_interval: Annotated[Duration, Field(ge=0)] = 6 * 3600.0

    @classmethod
    def from_layers(cls, *, file: Mapping[str, Any] | None = None, scrapy: Mapping[str, Any] | None = None,
                    env: Mapping[str, Any] | None = None) -> IndexConfig:
        """The one precedence rule: defaults < ``file`` < ``scrapy`` < ``env`` (each a mapping of
        variable names).  The directories follow the same layers through ``StatePaths``."""
        names = (*cls.ENV.values(), *cls.DIRECTORIES)
        merged = layered(*({n: layer.get(n) for n in names} if layer is not None else None
                           for layer in (file, scrapy, env)))
        paths = StatePaths.from_env({**os.environ, **{k: str(v) for k, v in merged.items()}})
        return load(cls, file=file, scrapy=scrapy, env=env).model_copy(
            update={"spool_dir": paths.spool, "dead_letter_dir": paths.dead_letter})

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> IndexConfig:
        """From one mapping of variable names (``INDEX_BATCH_DOCS`` ...), e.g. os.environ."""
        return cls.from_layers(env=values)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IndexConfig:
        return cls.from_mapping(os.environ if env is None else env)


__all__ = ["IndexConfig", "parse_bytes"]
