"""Load config/sources.yaml into typed Source objects (first version; the crawl issue extends it)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SOURCES_PATH = Path(__file__).resolve().parent.parent / "config" / "sources.yaml"
_ENV = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


class SourceConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    name: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...]
    article_allow: tuple[str, ...] = ()
    language: str | None = None
    country: str | None = None
    allow_loopback: bool = False
    extra: dict = field(default_factory=dict)


def _expand(value: str) -> str:
    return _ENV.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), value)


def load_sources(path: Path = SOURCES_PATH) -> dict[str, Source]:
    data = yaml.safe_load(path.read_text()) or {}
    out: dict[str, Source] = {}
    for i, entry in enumerate(data.get("sources") or []):
        name = entry.get("name") or f"#{i + 1}"
        try:
            out[name] = Source(
                name=name,
                domains=tuple(entry["domains"]),
                start_urls=tuple(_expand(u) for u in entry["start_urls"]),
                article_allow=tuple(entry.get("article_allow") or ()),
                language=entry.get("language"),
                country=entry.get("country"),
                allow_loopback=bool(entry.get("allow_loopback", False)),
            )
        except KeyError as exc:
            raise SourceConfigError(f"source {name}: missing field {exc.args[0]!r} in {path}") from None
    return out
