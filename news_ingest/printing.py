"""What search and stats put on the operator's terminal.  Stored text is hostile (a page puts anything
in it): everything printed goes through the project's one sanitiser (``news_ingest.terminal``), and
only our own highlight markers become bold (a tty) or [brackets] (a pipe or a file)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from news_ingest.stats import FILL_FIELDS
from news_ingest.terminal import printable

# highlight markers the cluster puts around matches: two private-use characters (not control
# characters: the highlighter trims those off a fragment's ends); render_snippet turns them into
# bold or [..], and every other character a terminal would act on is removed
HL_PRE, HL_POST = "\ue000", "\ue001"


def _printable(text: str) -> str:
    """Stored text (hostile: a page puts anything in it) as text a terminal only displays: the
    project's one sanitiser (news_ingest.terminal: escape sequences, C0/C1 and bidi controls), our
    highlight markers removed, whitespace runs collapsed."""
    clean = printable(unicodedata.normalize("NFC", text)).replace(HL_PRE, "").replace(HL_POST, "")
    return re.sub(r"\s+", " ", clean)


def terminal_text(text: str) -> str:
    """One line of printable text (see :func:`_printable`)."""
    return _printable(text).strip()


def render_snippet(fragment: str, tty: bool) -> str:
    """A highlighted fragment for a terminal: matches in bold (a tty) or [brackets] (a pipe/file);
    every other control character removed, so a page cannot drive the terminal."""
    on, off = ("\033[1m", "\033[0m") if tty else ("[", "]")
    parts = re.split(f"({HL_PRE}|{HL_POST})", fragment)
    out = []
    for part in parts:
        out.append(on if part == HL_PRE else off if part == HL_POST else _printable(part))
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    return text + off if tty and text.count(on) > text.count(off) else text


def snippet(hit: dict[str, Any], width: int = 220, tty: bool = False) -> str:
    """The best highlighted fragment (language field or standard body), else the body's start."""
    hl = hit.get("highlight", {})
    for key in sorted(hl, key=lambda k: (k == "title", k == "body")):
        if key != "title" and hl[key]:
            return " … ".join(render_snippet(f, tty) for f in hl[key])
    body = (hit.get("_source", {}).get("body") or "").strip()
    return terminal_text(body[:width])


def print_hits(resp: dict[str, Any], text: str, collapse: bool = False, tty: bool = False) -> None:
    """Top hits as users read them: date, source, language, attribution, title, URL, snippet —
    all of it printable text only (see :func:`terminal_text`)."""
    total = resp["hits"]["total"]["value"]
    print(f"{total} hit(s) for {terminal_text(text)!r}" + (" (one line per story)" if collapse else ""))
    for hit in resp["hits"]["hits"]:
        s = {k: printable(v) if isinstance(v, str) else v for k, v in hit["_source"].items()}
        copies = hit.get("inner_hits", {}).get("copies", {}).get("hits", {}).get("total", {}).get("value")
        agencies = ", ".join(terminal_text(a) for a in s.get("source_attribution") or []) or "-"
        extra = f", {copies} copies" if copies and copies > 1 else ""
        when = (s.get("published_at") or "-")[:16]
        src, lang = terminal_text(s.get("source") or "-"), terminal_text(s.get("language") or "-")
        print(f"\n{when}  {src}  [{lang}]"
              f"  attribution: {agencies}{' (wire)' if s.get('is_wire_copy') else ''}{extra}")
        print(f"  {terminal_text(s.get('title') or '(no title)')}\n  {terminal_text(s.get('url') or '')}\n"
              f"  {snippet(hit, tty=tty)}")


def print_stats(st: dict[str, Any], runs: list[dict[str, Any]], days: int = 14) -> None:
    """``news-ingest stats`` as users read it: the counts, the tables, the fill rates per source and
    the recent runs of the ledger — printable text only."""
    print(f"{st['total']} articles, {st['stories']} distinct stories (syndication clusters)")
    if st.get("pages_incomplete"):
        print(f"{st['pages_incomplete']} multi-page article(s) missing a part (pages_incomplete; the next "
              f"crawl fetches them again)")

    def table(title: str, rows: dict[str, int]) -> None:
        print(f"\n{title}")
        for k, v in rows.items():
            print(f"  {v:>8}  {terminal_text(str(k))}")

    table("per source", {k: v["articles"] for k, v in st["sources"].items()})
    table("per language", st["languages"])
    table("per attributed agency", st["agencies"])
    table("wire copy", st["wire"])
    table(f"per day (published_at, local day in {st['day_zone']} time zone, newest first)",
          dict(list(st["days"].items())[:days]))
    print("\nfield fill rates per source (%)")
    short = [f[:8] for f in FILL_FIELDS]
    print("  " + f"{'source':<20}" + "".join(f"{h:>9}" for h in short))
    for src, v in st["sources"].items():
        rates = "".join(f"{100 * v['fill'][f]:>9.0f}" for f in FILL_FIELDS)
        print("  " + f"{terminal_text(src)[:20]:<20}" + rates)
    if runs:
        print("\nrecent crawl runs")
        for r in runs:
            line = (f"{r.get('started_at', '-')[:19]}  {r.get('status', '-'):<10} "
                    f"{','.join(r.get('sources') or [])[:40]:<40} errors {r.get('error_count', 0)}")
            print("  " + _printable(line))


