"""Crawled text never reaches the operator's terminal raw: search, stats, demo and explain output."""

from __future__ import annotations

import argparse
import json

import pytest

from news_ingest import cli, search
from news_ingest.explain import Explanation
from news_ingest.stats import FILL_FIELDS
from news_ingest.terminal import printable

# What hostile pages put in titles: clear screen + cursor home, a window-title OSC, an OSC 52
# clipboard write, 8-bit CSI, a carriage return that overwrites the line, bidi overrides, NUL, BEL, DEL.
HOSTILE = ("Harga \x1b[2J\x1b[Hberas\x1b]0;owned\x07 naik\x1b]52;c;ZWNobyBoaQ==\x1b\\ \x9b31mmerah"
           "\rFAKE\u202egnp.exe\u2066x\u2069\x00\x07\x7f\x1bc end")


def assert_clean(text: str) -> None:
    bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f
           or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"]
    assert not bad, f"control characters left: {bad!r} in {text!r}"


def test_printable_strips_escapes_and_controls_and_keeps_the_words():
    out = printable(HOSTILE)
    assert_clean(out)
    assert "owned" not in out and "ZWNobyBoaQ" not in out  # OSC payloads go with their sequence
    assert out.startswith("Harga beras naik") and "merah FAKE" in out and out.endswith(" end")
    assert printable("Dünyà 世界 🇮🇩 नमस्ते\u200dक") == "Dünyà 世界 🇮🇩 नमस्ते\u200dक"  # ZWJ and scripts intact
    assert printable("a\nb\tc") == "a b c"
    assert printable("a\r\nb\x1b[31m\nc", multiline=True) == "a\nb\nc"
    assert printable(None) == ""


def test_printable_keeps_only_our_own_highlight_sequences():
    on, off = "\x1b[1m", "\x1b[0m"
    out = printable(f"x {on}perjanjian{off} \x1b[5mblink\x1b]8;;http://evil/\x1b\\link", keep=(on, off))
    assert out == f"x {on}perjanjian{off} blinklink"


def hostile_hit() -> dict:
    return {"_source": {"url": "http://127.0.0.1/berita/x\x1b[8m.html", "title": HOSTILE, "source": "sample",
                        "published_at": "2024-12-05T10:15:00+07:00", "language": "id\x1b[2J",
                        "source_attribution": ["AFP\x1b]0;x\x07"], "body": HOSTILE},
            "highlight": {"body": [f"pre {search.HL_PRE}perjanjian{search.HL_POST} \x1b[1mfake\x1b[0m "
                                   f"{HOSTILE}"]}}


def test_search_output_is_sanitised(capsys):
    search.print_hits({"hits": {"total": {"value": 1}, "hits": [hostile_hit()]}}, "perjanjian\x1b[2J",
                      tty=True)
    out = capsys.readouterr().out
    assert_clean(out.replace("\x1b[1m", "").replace("\x1b[0m", ""))
    assert "\x1b[1mperjanjian\x1b[0m" in out  # our own bold survives, a page's does not
    assert out.count("\x1b[1m") == 1 and "fake" in out
    assert "Harga beras naik" in out and "AFP" in out


def test_stats_output_is_sanitised(monkeypatch, capsys):
    fill = dict.fromkeys(FILL_FIELDS, 1.0)
    monkeypatch.setattr(search, "connect", lambda: object())
    monkeypatch.setattr(search, "stats", lambda store, **kw: {"day_zone": "UTC",
        "total": 1, "stories": 1, "sources": {"evil\x1b[2J": {"articles": 1, "fill": fill}},
        "languages": {"id\x9b2J": 1}, "agencies": {HOSTILE: 1}, "wire": {"false": 1},
        "days": {"2024-12-05": 1}})
    monkeypatch.setattr(search, "recent_runs", lambda store: [
        {"started_at": "2024-12-05T00:00:00", "status": "ok\x1b[2J", "sources": ["a\rb"], "error_count": 0}])
    assert search.cmd_stats(argparse.Namespace(since=None, top=20, days=14, tz=None, source=None)) == 0
    out = capsys.readouterr().out
    assert_clean(out)
    assert "evil" in out and "Harga beras naik" in out


@pytest.mark.parametrize("as_json", [False, True])
def test_explain_output_is_sanitised(monkeypatch, capsys, as_json):
    ex = Explanation(url="http://127.0.0.1/x\x1b[2J\x9d0;t\x07", page_kind=f"article (og:type {HOSTILE})",
                     notes=[f"fetch failed: {HOSTILE}"])
    monkeypatch.setattr("news_ingest.explain.explain", lambda url, fetch=False: ex)
    assert cli.main(["explain", "http://127.0.0.1/x", *(["--json"] if as_json else [])]) == 0
    out = capsys.readouterr().out
    assert_clean(out)
    if as_json:
        assert json.loads(out)["url"].startswith("http://127.0.0.1/x")
    else:
        assert "note        fetch failed: Harga beras naik" in out
