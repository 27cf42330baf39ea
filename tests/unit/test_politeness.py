"""Crawl-delay under a ceiling; Retry-After in seconds or as an HTTP date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.politeness import CRAWL_DELAY_CEILING, crawl_delay, retry_after_seconds

NOW = datetime(2026, 10, 21, 7, 27, 30, tzinfo=UTC)


def test_crawl_delay_is_honoured_up_to_the_ceiling():
    assert CRAWL_DELAY_CEILING == 30.0
    assert crawl_delay(0.2) == (0.2, False)
    assert crawl_delay(30) == (30, False)
    assert crawl_delay(86400) == (30.0, True)
    assert crawl_delay(3600, ceiling=5) == (5, True)
    assert crawl_delay(None) == (None, False) and crawl_delay(-1) == (None, False)


@pytest.mark.parametrize(("value", "seconds"), [
    ("30", 30.0), (b"120", 120.0), (" 0 ", 0.0),
    ("Wed, 21 Oct 2026 07:28:00 GMT", 30.0),  # an HTTP date 30 s ahead
    ("Wed, 21 Oct 2026 07:00:00 GMT", 0.0),  # in the past: now
    ("-5", None), ("soon", None), ("", None), (None, None), ("Wed, 99 Foo 2026", None),
])
def test_retry_after(value, seconds):
    assert retry_after_seconds(value, NOW) == seconds
