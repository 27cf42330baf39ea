"""The one date parser (pipelines/dates.py) on what real pages, feeds and sitemaps write."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pipelines import dates
from pipelines.dates import parse, parse_date, plausible

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
WIB = timezone(timedelta(hours=7))


def iso(value, **kw):
    dt = parse_date(value, **kw)
    return dt.isoformat() if dt else None


@pytest.mark.parametrize(
    ("text", "country", "want"),
    [
        # Indonesian long forms: weekday, month name, WIB/WITA/WIT
        ("Kamis, 05 Desember 2024 10:15 WIB", "id", "2024-12-05T10:15:00+07:00"),
        ("Jumat, 14 Februari 2025 | 08:05 WITA", "id", "2025-02-14T08:05:00+08:00"),
        ("Senin, 3 Maret 2025 19:40 WIT", "id", "2025-03-03T19:40:00+09:00"),
        ("Rabu, 4 Desember 2024 - 21:05", "id", "2024-12-04T21:05:00+07:00"),  # no zone: the source's
        ("Selasa, 18 Feb 2025 07:00 WIB", None, "2025-02-18T07:00:00+07:00"),  # WIB without a country
        # Malay
        ("5 Dis 2024", "my", "2024-12-05T00:00:00+08:00"),
        ("Khamis, 12 Ogos 2024 @ 3:45pm", "my", "2024-08-12T15:45:00+08:00"),
        ("Isnin, 10 Mac 2025 11:20 PG", "my", "2025-03-10T11:20:00+08:00"),
        # day first where the country writes day first, month first in the US
        ("05/12/2024 10:15", "id", "2024-12-05T10:15:00+07:00"),
        ("05/12/2024 10:15", "my", "2024-12-05T10:15:00+08:00"),
        ("05.12.2024, 10:15 Uhr", "de", "2024-12-05T10:15:00+01:00"),
        ("05/12/2024 10:15", "us", "2024-05-12T10:15:00-04:00"),
        ("25/12/2024", "us", "2024-12-25T00:00:00-05:00"),  # a part above 12 settles it anywhere
        ("2024/12/05 10:15", "us", "2024-12-05T10:15:00-05:00"),  # year in front: always y-m-d
        # a dateline giving the published and the updated day: the second day is no time of day
        ("05.04.2025 - Güncelleme : 06.04.2025", "tr", "2025-04-05T00:00:00+03:00"),
        ("Veröffentlicht am 05.04.2025 | Aktualisiert am 06.04.2025", "de", "2025-04-05T00:00:00+02:00"),
        ("Diterbitkan 2025.04.05 - Diperbarui 2025.04.06", "id", "2025-04-05T00:00:00+07:00"),
        # ... while a dotted time after the day still is one
        ("05.04.2025 14.30 - Güncelleme : 06.04.2025", "tr", "2025-04-05T14:30:00+03:00"),
        ("Senin, 3 Maret 2025 19.40 WIB", "id", "2025-03-03T19:40:00+07:00"),
        # other languages' month names
        ("12. März 2024, 10:15 Uhr", "de", "2024-03-12T10:15:00+01:00"),
        ("le 5 décembre 2024 à 10h15", "fr", "2024-12-05T10:15:00+01:00"),
        ("May 7, 2025 9:42 a.m. EDT", "us", "2025-05-07T09:42:00-04:00"),
        ("Published 7th May 2025, 14:02 BST", "gb", "2025-05-07T14:02:00+01:00"),
        ("2024年12月5日 10:15", "cn", "2024-12-05T10:15:00+08:00"),
        ("2024년 12월 5일 오후", "kr", "2024-12-05T00:00:00+09:00"),
        # a time written with CJK marks, and the half-day marks before a time
        ("2024年3月5日 14時30分", "jp", "2024-03-05T14:30:00+09:00"),
        ("2024年3月5日 午後2時30分", "jp", "2024-03-05T14:30:00+09:00"),
        ("2024年3月5日 午前10時", "jp", "2024-03-05T10:00:00+09:00"),
        ("2024年03月05日 下午2:30", "cn", "2024-03-05T14:30:00+08:00"),
        ("2024년 3월 5일 14시 30분", "kr", "2024-03-05T14:30:00+09:00"),
        ("2024.03.05 오후 2:30", "kr", "2024-03-05T14:30:00+09:00"),
        ("입력 2024.03.05 오전 11:05", "kr", "2024-03-05T11:05:00+09:00"),
        # feeds (RFC 2822)
        ("Thu, 20 Feb 2025 02:15:00 GMT", None, "2025-02-20T02:15:00+00:00"),
        ("Sat, 31 May 2025 04:00:00 -0400", None, "2025-05-31T04:00:00-04:00"),
        # ISO as sites really emit it
        ("2024-12-05T10:15:00+07:00", None, "2024-12-05T10:15:00+07:00"),
        ("2015-06-16T14-05-11Z", None, "2015-06-16T14:05:11+00:00"),
        ("2024-12-05T10:15:00+07:00Z", None, "2024-12-05T10:15:00+07:00"),
        ("2024-12-05T10:15:00.000+0700", None, "2024-12-05T10:15:00+07:00"),
        ("2024-12-05 10:15:00", "id", "2024-12-05T10:15:00+07:00"),
        ("2024-12-05", "id", "2024-12-05T00:00:00+07:00"),
        ("20241205T101500Z", None, "2024-12-05T10:15:00+00:00"),
        # epoch seconds / milliseconds in meta tags
        ("1733368500", None, "2024-12-05T03:15:00+00:00"),
        ("1733368500000", None, "2024-12-05T03:15:00+00:00"),
    ],
)
def test_real_world_forms(text, country, want):
    assert iso(text, country=country) == want


@pytest.mark.parametrize(
    "text",
    [
        "2024",  # a bare year never becomes today's month and day
        "2024-12",
        "Desember 2024",
        "0001-01-01T00:00:00+05:00",  # placeholders: None, never OverflowError
        "9999-12-31T23:59:59-05:00",
        "0000-00-00 00:00:00",
        "2024-02-30",
        "31/02/2024",
        "3 hours ago",
        "kemarin sore",
        "",
        "   ",
        "not a date at all",
        "2024-12-05T25:61:00Z",
    ],
)
def test_no_guess_no_crash(text):
    assert parse(text) is None


def test_odd_values_never_raise():
    for value in (None, True, 10**30, -(10**30), float("nan"), float("inf"), [], {}, "x" * 10_000, b"2024"):
        assert parse(value) is None
    assert parse(datetime(1, 1, 1)) is None
    assert parse(date(2024, 12, 5), country="id").dt == datetime(2024, 12, 5, tzinfo=dates.zone_for("id"))


def test_what_the_text_gave():
    full = parse("Kamis, 05 Desember 2024 10:15 WIB", country="id")
    assert (full.has_time, full.has_zone) == (True, True)
    day = parse("5 Dis 2024", country="my")
    assert (day.has_time, day.has_zone) == (False, False)
    naive = parse("2024-12-05 10:15:00", country="id")
    assert (naive.has_time, naive.has_zone, naive.dt.utcoffset()) == (True, False, timedelta(hours=7))


def test_explicit_zone_and_order_overrides():
    assert iso("2024-12-05 10:15", tz=WIB) == "2024-12-05T10:15:00+07:00"
    assert iso("05/12/2024", country="us", day_first=True).startswith("2024-12-05")
    assert iso("05/12/2024", country="id", day_first=False).startswith("2024-05-12")


def test_other_languages_through_dateparser():
    assert iso("12 września 2024, 10:15", country="pl", languages=["pl"]) == "2024-09-12T10:15:00+02:00"
    assert iso("20 февраля 2025", country="ru", languages=["ru"]) == "2025-02-20T00:00:00+03:00"


def test_sanity_rules():
    assert plausible(datetime(2025, 2, 28, tzinfo=UTC), NOW)
    assert plausible(NOW + timedelta(hours=20), NOW)  # "tomorrow" in the page's own zone
    assert not plausible(NOW + timedelta(days=2), NOW)
    assert not plausible(datetime(1989, 12, 31, tzinfo=UTC), NOW)
    assert plausible(datetime(1975, 6, 1, tzinfo=UTC), NOW, earliest=datetime(1900, 1, 1, tzinfo=UTC))
    assert not plausible(None, NOW)


def test_zone_and_url_date():
    assert dates.zone_for("ID").key == "Asia/Jakarta"
    assert dates.zone_for("no").key == "Europe/Oslo"  # YAML's bare `no` is not false here
    assert dates.zone_for("zz") is UTC and dates.zone_for(None) is UTC
    assert dates.url_date("https://x.example/nasional/2024/12/01/banjir", WIB).isoformat() == (
        "2024-12-01T00:00:00+07:00"
    )
    assert dates.url_date("https://x.example/read/20241201-banjir") is not None
    assert dates.url_date("https://x.example/2024/13/01/x") is None


def test_sitemap_with_junk_dates_keeps_every_entry():
    """A placeholder date in one entry used to raise OverflowError and lose the whole sitemap."""
    from pipelines import discovery

    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://kabarnusantara.example/ekonomi/2024/12/05/harga-beras/</loc>
       <lastmod>0001-01-01T00:00:00+05:00</lastmod></url>
  <url><loc>https://kabarnusantara.example/ekonomi/2024/12/05/operasi-pasar/</loc>
       <news:news><news:publication><news:name>Kabar Nusantara</news:name><news:language>id</news:language>
       </news:publication><news:publication_date>9999-12-31T23:59:59-05:00</news:publication_date>
       <news:title>Operasi pasar</news:title></news:news></url>
  <url><loc>https://kabarnusantara.example/ekonomi/2024/12/05/bulog/</loc>
       <lastmod>2024-12-05T10:15:00+07:00Z</lastmod></url>
  <url><loc>https://kabarnusantara.example/ekonomi/2024/12/05/pupuk/</loc><lastmod>2024</lastmod></url>
</urlset>"""
    kind, entries = discovery.parse_sitemap(body)
    assert kind == "urlset" and len(entries) == 4
    assert [e.published for e in entries] == [None, None, "2024-12-05T03:15:00+00:00", None]
    assert discovery.parse_date("2015-06-16T14-05-11Z") == datetime(2015, 6, 16, 14, 5, 11, tzinfo=UTC)


# ------------------------------------------------------------------------------------------ relative datelines

FETCHED = datetime(2025, 3, 1, 5, 30, 12, tzinfo=UTC)  # 12:30 WIB, 13:30 in Kuala Lumpur


@pytest.mark.parametrize(
    ("text", "country", "want", "has_time"),
    [
        ("2 jam lalu", "id", "2025-03-01T03:30:12+00:00", True),
        ("Diterbitkan 45 menit yang lalu", "id", "2025-03-01T04:45:12+00:00", True),
        ("3 hari yang lalu", "id", "2025-02-26T00:00:00+07:00", False),  # a day in the source's zone
        ("1 jam yang lepas", "my", "2025-03-01T04:30:12+00:00", True),  # Malay
        ("5 minit lepas", "my", "2025-03-01T05:25:12+00:00", True),
        ("sejam lalu", "id", "2025-03-01T04:30:12+00:00", True),
        ("5 minutes ago", "us", "2025-03-01T05:25:12+00:00", True),
        ("an hour ago", None, "2025-03-01T04:30:12+00:00", True),
        ("Updated: 3h ago", None, "2025-03-01T02:30:12+00:00", True),
        ("vor 2 Stunden", "de", "2025-03-01T03:30:12+00:00", True),
        ("vor einer Woche", "de", "2025-02-22T00:00:00+01:00", False),
        ("kemarin", "id", "2025-02-28T00:00:00+07:00", False),
        ("Kemarin, 14:30 WIB", "id", "2025-02-28T14:30:00+07:00", True),
        ("kemarin 09:05", "id", "2025-02-28T09:05:00+07:00", True),  # no zone written: the source's
        ("Yesterday at 9:05 pm", "us", "2025-02-28T21:05:00-05:00", True),
        ("gestern, 18:00 Uhr", "de", "2025-02-28T18:00:00+01:00", True),
        ("hari ini 10:15", "id", "2025-03-01T10:15:00+07:00", True),
        ("baru saja", "id", "2025-03-01T05:30:12+00:00", True),
        # the other languages of the news set
        ("hace 2 horas", "es", "2025-03-01T03:30:12+00:00", True),
        ("il y a 3 jours", "fr", "2025-02-26T00:00:00+01:00", False),
        ("há 5 minutos", "pt", "2025-03-01T05:25:12+00:00", True),
        ("2 ore fa", "it", "2025-03-01T03:30:12+00:00", True),
        ("1 uur geleden", "nl", "2025-03-01T04:30:12+00:00", True),
        ("3 saat önce", "tr", "2025-03-01T02:30:12+00:00", True),  # a Turkish hour
        ("30 saat lepas", "my", "2025-03-01T05:29:42+00:00", True),  # a Malay second
        ("2 giờ trước", "vn", "2025-03-01T03:30:12+00:00", True),
        ("2 часа назад", "ru", "2025-03-01T03:30:12+00:00", True),
        ("ayer, 18:30", "es", "2025-02-28T18:30:00+01:00", True),
    ],
)
def test_relative_dateline_against_the_fetch_time(text, country, want, has_time):
    got = parse(text, country=country, relative_to=FETCHED)
    assert got is not None and got.form == "relative"
    assert got.dt.isoformat() == want and got.has_time is has_time


def test_relative_dateline_needs_the_fetch_time_and_yields_to_an_absolute_date():
    assert parse("2 jam lalu", country="id") is None  # no moment to count back from: no guess
    assert parse("kemarin", country="id") is None
    got = parse("Kamis, 27 Februari 2025 10:15 WIB (2 hari lalu)", country="id", relative_to=FETCHED)
    assert got is not None and got.form == "named" and got.dt.isoformat() == "2025-02-27T10:15:00+07:00"


@pytest.mark.parametrize(
    "text",
    [
        "2 bulan lalu",  # a month names no day
        "3 years ago",
        "500 days ago",  # more than a year back: junk
        "jam 2 lalu lintas",  # the words without the form
        "2 jamlalu",
        "Baca juga: harga beras",
        "kemarinnya",
        "Lalu lintas macet 2 jam",
        "Mehr dazu hier",  # the German "here", not the French "yesterday"
        "Saat 14:30",  # Turkish "at (the clock)", no amount ago
    ],
)
def test_relative_forms_that_name_no_day(text):
    assert parse(text, country="id", relative_to=FETCHED) is None


def test_warm_up_builds_dateparsers_tables_with_a_date_only_dateparser_reads(monkeypatch):
    # dateparser's first parse compiles every time zone's regex (~140 ms): the crawl's warm-up does it,
    # not the first page whose date only dateparser reads
    assert parse(dates._DATEPARSER_SAMPLE).form == "dateparser"  # the own reader does not take the sample
    seen = []
    real = dates._read_dateparser
    monkeypatch.setattr(dates, "_read_dateparser", lambda *a: seen.append(a) or real(*a))
    dates.warm_up()
    assert [a[0] for a in seen] == [dates._DATEPARSER_SAMPLE]


def test_the_date_tables_are_read_by_the_one_yaml_reader(tmp_path):
    # dates.yaml, extract_rules.yaml, the tracking parameters and the pattern lists: one reader, one error
    from pipelines.patterns import PatternError, read_yaml

    assert read_yaml(dates.DATA_PATH) is not None and "month_first" in dates.DATA
    bad = tmp_path / "dates.yaml"
    bad.write_text("- month_first\n- country_timezones\n", encoding="utf-8")
    with pytest.raises(PatternError, match="dates.yaml: top level must be a mapping"):
        read_yaml(bad)
