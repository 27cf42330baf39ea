"""What the spider and frontier unit tests share: a sources file of their own, a way to drain the
spider's async generators, and a spider with the news spider's callback names."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import scrapy


def use_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    """``text`` as the sources file (NEWS_SOURCES), and a private NEWS_HOME (the crawl state)."""
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    monkeypatch.setenv("NEWS_SOURCES", str(path))
    monkeypatch.setenv("NEWS_HOME", str(tmp_path / "home"))
    return path


def collect(agen: Any) -> list[Any]:
    """Everything an async generator (a spider callback) yields."""
    async def run() -> list[Any]:
        return [x async for x in agen]
    return asyncio.run(run())


class NewsLike(scrapy.Spider):
    """The news spider's callback names, nothing else: what the frontier serialises requests against."""

    name = "news"

    def parse_article(self, response, source, identity, hints):
        pass

    def on_error(self, failure):
        pass

    def source_of(self, url):
        return None
