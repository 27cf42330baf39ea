"""Items that travel through the Scrapy pipeline.

``FetchedPage`` is what a spider yields (raw bytes plus what discovery learned about the
URL); the extract stage turns it into the one ``Article`` schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipelines.article import Article

__all__ = ["Article", "FetchedPage"]


@dataclass
class FetchedPage:
    url: str
    body: bytes
    status: int = 200
    encoding: str | None = None  # charset from the HTTP header, if any
    source: str | None = None
    fetched_at: str | None = None
    hints: dict[str, Any] = field(default_factory=dict)  # feed/sitemap title+date, language hint ...
