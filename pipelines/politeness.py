"""How long to wait for a host: robots.txt Crawl-delay under a ceiling, HTTP Retry-After.  Pure.

    crawl_delay(declared, ceiling) -> (seconds to use, capped?)
    retry_after_seconds(header, now) -> seconds or None

A robots.txt may ask for anything (``Crawl-delay: 86400`` exists); a crawl that obeyed it would fetch
one page a day from that host, and with Scrapy's global concurrency full of that host's requests,
nothing from any other source either.  Above the ceiling the host is crawled at the ceiling and the
crawl summary says so (``warnings``).  ``Retry-After`` comes as delta-seconds (``30``) or an HTTP date
(``Wed, 21 Oct 2026 07:28:00 GMT``); both are read, negative and unreadable values are None.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

CRAWL_DELAY_CEILING = 30.0  # seconds; the setting CRAWL_DELAY_MAX overrides it
RETRY_AFTER_CEILING = 120.0  # seconds; the setting RETRY_AFTER_MAX overrides it


def crawl_delay(declared: float | None, ceiling: float = CRAWL_DELAY_CEILING) -> tuple[float | None, bool]:
    """(the delay to honour, whether the declared one was above the ceiling and cut to it)."""
    if declared is None or declared < 0:
        return None, False
    if declared > ceiling:
        return ceiling, True
    return declared, False


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (0 for a date in the past), None when absent or
    unreadable."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
