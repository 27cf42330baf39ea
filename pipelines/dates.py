"""The project's one date parser: page metadata, feeds, sitemaps, URLs and the crawl's ``since=``. Pure.

    parse(value, country=..., tz=..., languages=...) -> ParsedDate | None   # with what the text gave
    parse_date(value, ...) -> datetime | None                               # aware, or None
    plausible(dt, now) -> bool                                              # the sanity rules

What it reads, fast paths first (no library call for the forms real pages use most):
- ISO 8601 / W3C, tolerant of what real sites emit: ``2015-06-16T14-05-11Z`` (dashes in the time),
  ``…+07:00Z`` (an offset *and* a Z), ``+0700``, a space instead of ``T``, fractions of a second;
- numbers: ``05/12/2024 10:15``, ``05.12.2024``, ``2024/12/05``: day first unless the source's country
  writes the month first (``dates.yaml: month_first``) or a part above 12 settles it;
- month names in the languages of ``dates.yaml`` (Indonesian/Malay included), weekday names skipped:
  ``Kamis, 05 Desember 2024 10:15 WIB``, ``5 Dis 2024``, ``Thu, 20 Feb 2025 02:15:00 GMT``, ``May 7, 2025``;
- zone abbreviations (``WIB``/``WITA``/``WIT``, ``CEST``, ``EDT`` …) and written offsets; a date without
  either is read in the source's zone (``country_timezones``), else UTC;
- CJK ``2024年12月5日`` / ``2024년 12월 5일``; epoch seconds or milliseconds;
- anything else with a four-digit year: ``dateparser`` (relative phrases such as "3 hours ago" refused);
- relative datelines (``2 jam lalu``, ``3 hari yang lalu``, ``kemarin 14:30``, ``5 minutes ago``, ``1 jam yang
  lepas``, ``vor 2 Stunden``) only when the caller gives the moment they are relative to (``relative_to``: the
  fetch time) and the text holds no absolute date; a unit of a day or more gives a day, not a time of day.

Never guesses: a bare year or a year and month is None (never today's month and day), so is a placeholder
year (``0001-01-01``, ``9999-12-31``), an impossible day, or anything that would overflow. Never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.patterns import read_yaml

DATA_PATH = Path(__file__).with_name("dates.yaml")
MIN_YEAR, MAX_YEAR = 1000, 2999  # outside: placeholders and junk, never a real publication date
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # the default sanity floor of page dates (news on the web)
FUTURE_SKEW = timedelta(days=1)  # a page dated "tomorrow" in its own zone is normal near midnight
MAX_TEXT = 200  # a date string longer than this is not a date string

DATA = read_yaml(DATA_PATH)
_MONTH_FIRST = frozenset(c.lower() for c in DATA["month_first"])
_ZONES: dict[str, str] = {k.lower(): v for k, v in DATA["country_timezones"].items()}
_OTHER_ZONES: dict[str, tuple[str, ...]] = {
    k.lower(): tuple(v) for k, v in (DATA.get("country_other_zones") or {}).items()}
_ABBR: dict[str, timezone] = {
    k.lower(): timezone(timedelta(hours=float(v))) for k, v in DATA["zone_abbreviations"].items()
}
_MONTHS: dict[str, int] = {name: int(num) for num, names in DATA["months"].items() for name in names}
_WEEKDAYS = frozenset(DATA["weekdays"])
_REL: dict[str, Any] = DATA["relative"]
_REL_UNITS: dict[str, int] = {w: int(secs) for secs, words in _REL["units"].items() for w in words}
_REL_ONE = frozenset(_REL["one"])
_REL_PAIRS: dict[str, int] = {" ".join(k.split()): int(v) for k, v in _REL["unit_before_ago"].items()}


@dataclass(frozen=True)
class ParsedDate:
    dt: datetime  # timezone-aware
    has_time: bool  # the text gave a time of day (else midnight)
    has_zone: bool  # the text gave an offset or zone (else the default zone was assumed)
    form: str  # which reader took it: iso, numeric, named, cjk, epoch, datetime, dateparser, relative


# ------------------------------------------------------------------------------------------ zones, order


def zone_for(country: str | None) -> tzinfo:
    """The zone naive dates of a source in ``country`` are read in (UTC when unknown)."""
    name = _ZONES.get((country or "").strip().lower())
    return ZoneInfo(name) if name else UTC


def on_local_clock(dt: datetime, country: str | None, day: date | None = None) -> datetime:
    """The instant ``dt`` as the publisher's clock in ``country`` shows it: in the country's zone, or, for a
    country of several zones, in the first of them whose day is ``day`` (the day the article's address
    spells) when the main zone's is not. The moment does not change; unknown country: ``dt`` as given."""
    key = (country or "").strip().lower()
    if key not in _ZONES:
        return dt
    local = dt.astimezone(ZoneInfo(_ZONES[key]))
    if day is not None and local.date() != day:
        for name in _OTHER_ZONES.get(key, ()):
            if (other := dt.astimezone(ZoneInfo(name))).date() == day:
                return other
    return local


def month_first(country: str | None) -> bool:
    """Does ``country`` write all-numeric dates month first (05/12/2024 = May 12)?"""
    return (country or "").strip().lower() in _MONTH_FIRST


# ------------------------------------------------------------------------------------------ patterns

_WS = re.compile(r"\s+")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?(?:\.\d+)?$")
_OFFSET = r"(?P<off>Z|[+-]\d{2}(?::?\d{2})?)"
_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:T|\s+|T\s*)(?P<H>\d{1,2})[:\-.](?P<M>\d{2})(?:[:\-.](?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?:" + _OFFSET + r"|(?P<abbr>[A-Za-z]{1,5}))?\s*Z?$"
)
_ISO_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:T(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?"
                          r"\s*(?P<off>Z|[+-]\d{2}:?\d{2})?$")
_CJK = re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?")
_NUMERIC = re.compile(
    r"(?<![\d.:/-])(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4})(?![\d:/-])"
)
_WORD = r"(?P<mon>[^\W\d_]{3,}(?:\.|(?=[\s,\d])))"
_NAMED_DMY = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s*(?:de\s+)?[-/]?\s*" + _WORD
    + r"\s*[-/,]?\s*(?:de\s+)?(?P<y>\d{4})(?!\d)",
    re.I,
)
_NAMED_MDY = re.compile(_WORD + r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<y>\d{4})(?!\d)", re.I)
# a time of day; "05.04" inside a dotted date ("… Aktualisiert am 06.04.2025", "2025.04.06") is none: no digit
# and dot right before it, no dot and digit right after it
_TIME = re.compile(
    r"(?<![\d:])(?<!\d\.)(?P<H>\d{1,2})\s*[:.h]\s*(?P<M>\d{2})(?:\s*[:.]\s*(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"(?![\d])(?!\.\d)(?:\s*(?P<ampm>[ap])\.?\s*m\b\.?)?",
    re.I,
)
# a time written with CJK marks ("14時30分", "14时30分", "14시 30분", "14時"), and the half-day marks before a
# time ("午後2時30分", "下午2:30", "오후 2:30": afternoon; "午前", "上午", "오전": morning)
_CJK_TIME = re.compile(r"(?<!\d)(?P<H>\d{1,2})\s*[時时시]\s*(?:(?P<M>\d{1,2})\s*[分분])?")
_HALF_DAY = re.compile(r"(?P<half>午後|下午|오후|午前|上午|오전)\s*$")
_AFTERNOON = ("午後", "下午", "오후")
_ZONE_AFTER = re.compile(
    r"^\s*[(\[]?\s*(?:(?P<gmt>gmt|utc)\s*)?(?P<off>[+-]\d{1,2}(?::?\d{2})?)?\s*(?P<abbr>[a-z]{1,5})?\b",
    re.I,
)
_YEAR4 = re.compile(r"(?<!\d)[12]\d{3}(?!\d)")


def _alternation(words: Any) -> str:
    """Words (longest first, so "minutes" is tried before "min"), spaces matching any run of blanks."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_REL_AMOUNT = (r"(?P<n>\d{1,3}|" + _alternation(_REL_ONE) + r")\s*(?P<unit>" + _alternation(_REL_UNITS)
               + r")\.?")
_REL_AGO = re.compile(
    r"(?<![\w.])" + _REL_AMOUNT + r"\s+(?P<ago>" + _alternation(_REL["ago_after"]) + r")(?!\w)"
    r"|(?<!\w)(?:" + _alternation(_REL["ago_before"]) + r")\s+"
    + _REL_AMOUNT.replace("?P<", "?P<v") + r"(?!\w)",
    re.I,
)
_REL_DAY = re.compile(
    r"(?<!\w)(?:(?P<yesterday>" + _alternation(_REL["yesterday"])
    + r")|(?P<today>" + _alternation(_REL["today"])
    + r")|(?P<now>" + _alternation(_REL["just_now"]) + r"))(?!\w)",
    re.I,
)
_LETTER = re.compile(r"[^\W\d_]")


def _offset(text: str) -> timezone | None:
    text = text.strip()
    if text.upper() == "Z":
        return UTC
    m = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", text)
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if m.group(1) == "-" else delta)


def _build(
    y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0, zone: tzinfo | None = None,
    default: tzinfo = UTC,
) -> datetime | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    if ss == 60:  # a leap second written out
        ss = 59
    try:
        return datetime(y, m, d, hh, mm, ss, tzinfo=zone or default)
    except (ValueError, OverflowError):
        return None


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


def _zone_after(rest: str) -> tzinfo | None:
    """An offset or zone abbreviation right after a time ('10:15 WIB', '02:15:00 +0000', 'GMT+7')."""
    m = _ZONE_AFTER.match(rest)
    if not m:
        return None
    if m.group("off"):
        return _offset(m.group("off"))
    if m.group("abbr") and m.group("abbr").lower() in _ABBR:
        return _ABBR[m.group("abbr").lower()]
    if m.group("gmt"):
        return UTC
    return None


# ------------------------------------------------------------------------------------------ readers


def _read_iso(text: str, default: tzinfo) -> ParsedDate | None:
    m = _ISO.match(text) or _ISO_COMPACT.match(text)
    if not m:
        return None
    gd = m.groupdict()
    zone = _offset(gd["off"]) if gd.get("off") else None
    if gd.get("abbr"):
        zone = _ABBR.get(gd["abbr"].lower())
        if zone is None:
            return None
    has_time = gd.get("H") is not None
    dt = _build(
        int(gd["y"]), int(gd["m"]), int(gd["d"]),
        int(gd["H"] or 0), int(gd["M"] or 0), int(gd.get("S") or 0), zone, default,
    )
    if dt is None or (has_time and not (0 <= dt.hour <= 23)):
        return None
    return ParsedDate(dt, has_time, zone is not None, "iso")


def _month(word: str) -> int | None:
    return _MONTHS.get(word.lower().rstrip("."))


def _find_date(text: str, us_order: bool) -> tuple[tuple[int, int, int], str, tuple[int, int]] | None:
    """((y, m, d), form, span of the date in text)."""
    if m := _CJK.search(text):
        return (int(m["y"]), int(m["m"]), int(m["d"])), "cjk", m.span()
    if m := _NUMERIC.search(text):
        a, b, c = m["a"], m["b"], m["c"]
        if len(a) == 4:
            return (int(a), int(b), int(c)), "numeric", m.span()
        if len(a) <= 2:
            first, second = int(a), int(b)
            if first > 12 or (second <= 12 and not us_order):
                day, mon = first, second
            else:
                mon, day = first, second
            return (_year(c), mon, day), "numeric", m.span()
    for rx in (_NAMED_DMY, _NAMED_MDY):
        for m in rx.finditer(text):
            named = _month(m["mon"])
            if named:
                return (int(m["y"]), named, int(m["d"])), "named", m.span()
    return None


def _read_text(text: str, default: tzinfo, us_order: bool) -> ParsedDate | None:
    found = _find_date(text, us_order)
    if found is None:
        return None
    (y, mon, day), form, (start, end) = found
    rest = text[:start] + " " + text[end:]
    hh = mm = ss = 0
    has_time = False
    zone: tzinfo | None = None
    t = _TIME.search(rest) or (_CJK_TIME.search(rest) if form == "cjk" else None)
    if t:
        hh, mm, ss = int(t["H"]), int(t["M"] or 0), int(t.groupdict().get("S") or 0)
        half = _HALF_DAY.search(rest, 0, t.start())
        ampm = t.groupdict().get("ampm") or (half and ("p" if half["half"] in _AFTERNOON else "a"))
        if ampm:
            pm = ampm.lower() == "p"
            if hh > 12:
                return None
            hh = (hh % 12) + (12 if pm else 0)
        if hh > 23 or mm > 59:
            return None
        has_time = True
        zone = _zone_after(rest[t.end():])
    elif end < len(text):
        zone = _zone_after(text[end:])
    dt = _build(y, mon, day, hh, mm, ss, zone, default)
    return ParsedDate(dt, has_time, zone is not None, form) if dt else None


_PARSERS = ["timestamp", "custom-formats", "absolute-time"]  # no "relative-time": "3 hours ago" is no date


def _read_dateparser(
    text: str, default: tzinfo, us_order: bool, languages: list[str] | None
) -> ParsedDate | None:
    try:
        import dateparser
    except ImportError:  # pragma: no cover - declared dependency
        return None
    settings = {
        "PARSERS": _PARSERS,
        "DATE_ORDER": "MDY" if us_order else "DMY",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }
    try:
        dt = dateparser.parse(text, languages=languages or None, settings=settings)
    except Exception:  # noqa: BLE001 - dateparser raises many kinds on junk (OverflowError, ValueError ...)
        return None
    if dt is None:
        return None
    has_zone = dt.tzinfo is not None and dt.tzinfo.utcoffset(dt) is not None
    out = _build(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second,
                 dt.tzinfo if has_zone else None, default)
    has_time = bool(_TIME.search(text))
    return ParsedDate(out, has_time, has_zone, "dateparser") if out else None



# a date only dateparser reads (the project's own reader has no "the 5th of")
_DATEPARSER_SAMPLE = "Thursday, the 5th of March 2024"


def warm_up() -> None:
    """Build dateparser's tables now: its first parse compiles a regex of every time zone and loads its
    locale data (~140 ms, once a process), which otherwise lands on the first page whose date only
    dateparser reads (a crawl worker's, again after each recycling). The crawl's stage warm-up
    (``crawler.workers.warm_up``) and the extraction bench call it."""
    _read_dateparser(_DATEPARSER_SAMPLE, UTC, False, None)


# ------------------------------------------------------------------------------------------ entry points


def parse(
    value: Any,
    *,
    country: str | None = None,
    tz: tzinfo | None = None,
    languages: list[str] | tuple[str, ...] | None = None,
    day_first: bool | None = None,
    relative_to: datetime | None = None,
) -> ParsedDate | None:
    """Read one date value. ``country`` gives the numeric order and the default zone; ``tz`` overrides the
    zone; ``languages`` (ISO 639-1) narrows dateparser's fallback; ``day_first`` overrides the order;
    ``relative_to`` (the fetch time) lets a relative dateline ("2 jam lalu") be read, and only then."""
    default = tz or zone_for(country)
    us_order = (not day_first) if day_first is not None else month_first(country)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        aware = value.tzinfo is not None and value.tzinfo.utcoffset(value) is not None
        dt = value if aware else value.replace(tzinfo=default)
        if not MIN_YEAR <= dt.year <= MAX_YEAR:
            return None
        return ParsedDate(dt, True, aware, "datetime")
    if isinstance(value, date):
        built = _build(value.year, value.month, value.day, default=default)
        return ParsedDate(built, False, False, "datetime") if built else None
    if isinstance(value, (int, float)):
        return _epoch(float(value))
    if not isinstance(value, str):
        return None
    text = _WS.sub(" ", value).strip()
    if not text or len(text) > MAX_TEXT:
        return None
    if _EPOCH.match(text):
        return _epoch(float(text))
    if text[:4].isdigit() and (got := _read_iso(text, default)):
        return got
    lowered = text.lower()
    words = re.split(r"[\s,]+", lowered)
    if words and words[0].rstrip(".") in _WEEKDAYS:
        lowered = lowered[len(words[0]):]
    if got := _read_text(lowered, default, us_order):
        return got
    if _YEAR4.search(text) and _LETTER.search(text):
        got = _read_dateparser(text, default, us_order, list(languages) if languages else None)
        if got is not None or not relative_to:
            return got
    return _read_relative(lowered, relative_to, default) if relative_to else None


def _read_relative(text: str, anchor: datetime, default: tzinfo) -> ParsedDate | None:
    """A relative dateline against ``anchor`` (aware: the fetch time); None when there is none or it would
    need a guess (a month ago, a bare "yesterday evening" gives the day only)."""
    if anchor.tzinfo is None or anchor.tzinfo.utcoffset(anchor) is None:
        anchor = anchor.replace(tzinfo=UTC)
    anchor = anchor.replace(microsecond=0)
    if m := _REL_AGO.search(text):
        n_text = (m["n"] or m["vn"]).lower()
        word = (m["unit"] or m["vunit"]).lower()
        unit = _REL_PAIRS.get(f"{word} {' '.join(m['ago'].lower().split())}") if m["ago"] else None
        unit = unit or _REL_UNITS.get(word)
        n = 1 if n_text in _REL_ONE else int(n_text)
        if unit is None or n * unit > 366 * 86400:
            return None
        if unit < 86400:
            return ParsedDate(anchor - timedelta(seconds=n * unit), True, True, "relative")
        day = anchor.astimezone(default).date() - timedelta(seconds=n * unit)
        built = _build(day.year, day.month, day.day, default=default)
        return ParsedDate(built, False, False, "relative") if built else None
    m = _REL_DAY.search(text)
    if not m:
        return None
    if m["now"]:
        return ParsedDate(anchor, True, True, "relative")
    day = anchor.astimezone(default).date() - timedelta(days=1 if m["yesterday"] else 0)
    hh = mm = 0
    has_time = False
    zone: tzinfo | None = None
    if t := _TIME.search(text, m.end()):
        hh, mm = int(t["H"]), int(t["M"])
        if t["ampm"]:
            if hh > 12:
                return None
            hh = (hh % 12) + (12 if t["ampm"].lower() == "p" else 0)
        if hh > 23 or mm > 59:
            return None
        has_time = True
        zone = _zone_after(text[t.end():])
    built = _build(day.year, day.month, day.day, hh, mm, zone=zone, default=default)
    return ParsedDate(built, has_time, zone is not None, "relative") if built else None


def _epoch(secs: float) -> ParsedDate | None:
    if secs > 1e11:  # milliseconds
        secs /= 1000
    try:
        dt = datetime.fromtimestamp(secs, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return ParsedDate(dt, True, True, "epoch") if MIN_YEAR <= dt.year <= MAX_YEAR else None


def parse_date(value: Any, **kwargs: Any) -> datetime | None:
    """``parse(value, ...)``'s datetime (timezone-aware), or None."""
    got = parse(value, **kwargs)
    return got.dt if got else None


def plausible(
    dt: datetime | None, now: datetime, *, earliest: datetime = EARLIEST, skew: timedelta = FUTURE_SKEW
) -> bool:
    """The sanity rules of a publication date: not before ``earliest``, not after ``now`` + ``skew``."""
    return dt is not None and earliest <= dt <= now + skew


def to_utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)")


def url_date(url: str | None, tz: tzinfo = UTC) -> datetime | None:
    """The day a URL path spells (``/2024/12/05/slug``, ``/20241205-slug``), at midnight in ``tz``."""
    m = _URL_DATE.search(url or "")
    if not m:
        return None
    return _build(int(m.group(1)), int(m.group(2)), int(m.group(3)), default=tz)

