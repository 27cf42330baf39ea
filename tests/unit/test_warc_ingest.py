"""WARC ingest over a hand-built archive with odd records: revisits, non-HTML, errors, truncation, a
broken tail; plus the per-file resume state.  The real stages run; the index is a recording fake."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from news_ingest.sources import parse_source
from news_ingest.warc import Filters, State, WarcIngester

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "site" / "berita" / "banjir-jakarta-surut.html"
SRC = parse_source({"name": "kompas", "domains": ["kompas.example"], "start_urls": ["https://kompas.example/"],
                    "article_allow": ["/read/"], "language": "id", "country": "ID"}, 0)


class FakeIndexer:
    def __init__(self) -> None:
        self.docs: list = []
        self.flushes = 0

    def add(self, article, autoflush: bool = True) -> bool:
        self.docs.append(article)
        return False

    def flush(self) -> None:
        self.flushes += 1


def response(w: WARCWriter, url: str, body: bytes, status: str = "200 OK",
             ctype: str = "text/html; charset=utf-8", extra: dict | None = None) -> None:
    http = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                            protocol="HTTP/1.1")
    w.write_record(w.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                        http_headers=http, warc_headers_dict=extra or {}))


def build(path: Path, broken_tail: bool = False) -> None:
    page = FIXTURE.read_bytes()
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        response(w, "https://kompas.example/read/2024/12/03/1/banjir", page)
        response(w, "https://other.example/read/x", page.replace(b"Banjir", b"Hujan"))
        response(w, "https://kompas.example/logo.png", b"\x89PNG....", ctype="image/png")
        response(w, "https://kompas.example/read/gone", b"<html>gone</html>", status="404 Not Found")
        response(w, "https://kompas.example/read/cut", page[:300], extra={"WARC-Truncated": "length"})
        url = "https://kompas.example/read/2024/12/03/1/banjir"
        revisit = w.create_revisit_record(url, digest="sha1:AAAA", refers_to_uri=url,
                                          refers_to_date="2024-12-03T00:00:00Z")
        w.write_record(revisit)
    if broken_tail:
        with open(path, "ab") as fh:
            fh.write(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n") + b"garbage, not a record\r\n\r\n")


def test_odd_records_are_counted_not_crashed(tmp_path):
    f = tmp_path / "odd.warc.gz"
    build(f, broken_tail=True)
    idx = FakeIndexer()
    ing = WarcIngester(idx, Filters(), sources={"kompas": SRC}, state=State(tmp_path / "state.json"))
    res = ing.ingest(f)
    urls = [a.url for a in idx.docs]
    assert urls == ["https://kompas.example/read/2024/12/03/1/banjir", "https://other.example/read/x"]
    first = idx.docs[0]
    assert first.source == "kompas" and first.country == "ID" and "Jakarta" in first.body
    assert idx.docs[1].source == "other.example"  # not a configured source: named by its host
    assert res.skipped["revisit"] == 1 and res.skipped["non_html"] == 1 and res.skipped["status_404"] == 1
    assert res.skipped["truncated"] == 1 and res.skipped["record_warcinfo"] == 1
    assert res.status == "corrupt" and res.skipped["corrupt"] == 1


def test_filters_domain_source_and_date(tmp_path):
    f = tmp_path / "a.warc.gz"
    build(f)
    for filters, expect in [
        (Filters(domains=("kompas.example",)), 1),
        (Filters(sources=("kompas",)), 1),
        (Filters(since=datetime(2025, 1, 1, tzinfo=UTC)), 0),  # the article is from 2024-12-03
        (Filters(since=datetime(2024, 12, 1, tzinfo=UTC), domains=("kompas.example",)), 1),
    ]:
        idx = FakeIndexer()
        res = WarcIngester(idx, filters, sources={"kompas": SRC}).ingest(f)
        assert len(idx.docs) == expect, (filters, res.skipped)


def test_resume_skips_finished_files_and_handled_records(tmp_path):
    f = tmp_path / "a.warc.gz"
    build(f)
    state = State(tmp_path / "state.json")
    idx = FakeIndexer()
    ing = WarcIngester(idx, Filters(), sources={"kompas": SRC}, state=state, checkpoint_every=2)
    assert ing.ingest(f).indexed == 2
    assert WarcIngester(FakeIndexer(), sources={"kompas": SRC}, state=State(state.path)).ingest(f).status \
        == "already_done"
    # an interrupted run: the state says 2 records were handled, so the first article is not redone
    entry = state.data[str(f.resolve())]
    entry.update(done=False, records=2)
    state.save()
    idx2 = FakeIndexer()
    res = WarcIngester(idx2, sources={"kompas": SRC}, state=State(state.path)).ingest(f)
    assert res.resumed_from == 2 and [a.url for a in idx2.docs] == ["https://other.example/read/x"]
    # --force redoes it all
    idx3 = FakeIndexer()
    WarcIngester(idx3, sources={"kompas": SRC}, state=State(state.path)).ingest(f, force=True)
    assert len(idx3.docs) == 2


FURNITURE_SITE = Path(__file__).resolve().parents[1] / "fixtures" / "furniture_site"
KABARKOTA = parse_source({"name": "kabarkota", "domains": ["kabarkota.example"],
                          "start_urls": ["https://kabarkota.example/"],
                          "article_allow": [r"/daerah/\d{4}/"], "language": "id", "country": "ID"}, 0)


def test_warc_ingest_learns_and_applies_the_sources_template_like_the_crawl(tmp_path, monkeypatch):
    """Archived pages of one source go through the same chain as a crawl (pipelines.process): the
    source's learned model is applied to each page and learns from it; the model is written when
    the file is done, so the next ingest (or crawl) of the source removes its furniture."""
    from news_ingest.templates import SourceTemplates, TemplateStore
    from pipelines.templates import TEMPLATE_KINDS, compile_template, line_key

    monkeypatch.setenv("NEWS_TEMPLATE_DIR", str(tmp_path / "templates"))
    f = tmp_path / "kabarkota.warc.gz"
    pages = sorted(FURNITURE_SITE.glob("daerah/**/index.html"))
    assert len(pages) == 8
    with open(f, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for page in pages:
            path = page.parent.relative_to(FURNITURE_SITE).as_posix()
            response(w, f"https://kabarkota.example/{path}/", page.read_bytes())
    first = FakeIndexer()
    WarcIngester(first, sources={"kabarkota": KABARKOTA}).ingest(f)
    model = TemplateStore(tmp_path / "templates").load("kabarkota")
    assert model.seq == 8
    assert line_key("#KabarKota #BeritaJateng #InfoSemarang") in compile_template(model).lines

    second = FakeIndexer()
    WarcIngester(second, sources={"kabarkota": KABARKOTA}, templates=SourceTemplates()).ingest(f)
    assert len(second.docs) == 8
    for art in second.docs:
        assert "#KabarKota #BeritaJateng" not in art.body and "Rekomendasi Redaksi:" not in art.body
        assert {"template_line", "template_prefix"} <= {s["kind"] for s in art.removed_segments}
        assert all(s["text"] for s in art.removed_segments if s["kind"] in TEMPLATE_KINDS)
    assert TemplateStore(tmp_path / "templates").load("kabarkota").seq == 8  # same pages: nothing new


def test_a_junk_since_or_until_is_refused_with_the_fix(tmp_path, capsys):
    """``--since``/``--until`` go through the one date parser: a junk value is refused before any file is
    read, with the option, the value and the fix; an Indonesian-style or zoned date is a date."""
    from news_ingest import cli

    for option in ("--since", "--until"):
        code = cli.main(["ingest-warc", option, "junk", str(tmp_path / "none.warc.gz")])
        err = capsys.readouterr().err
        assert code == 2 and f"{option} 'junk' is not a date. Fix: {option} YYYY-MM-DD" in err, err
    from news_ingest.warc import _date
    assert _date("2024-12-05T08:00:00+07:00") == datetime(2024, 12, 5, 1, tzinfo=UTC)
    assert _date("2024-12-05") == datetime(2024, 12, 5, tzinfo=UTC)


def test_a_relative_dateline_is_counted_back_from_the_records_date(tmp_path):
    # a replayed archive is read long after the crawl: "3 hari yang lalu" is three days before the WARC-Date,
    # not before today
    page = FIXTURE.read_text(encoding="utf-8")
    page = page.replace('<meta property="article:published_time" content="2024-12-03T14:00:00+07:00">', "")
    page = page.replace(',"datePublished":"2024-12-03T14:00:00+07:00"', "")
    page = page.replace("Rizky Syahrial &middot; 2024-12-03T14:00:00+07:00",
                        'Rizky Syahrial &middot; <span class="date">3 hari yang lalu</span>')
    page = page.replace("Selasa (3/12/2024) siang", "Selasa siang")
    assert "2024-12-03" not in page
    f = tmp_path / "old.warc.gz"
    with open(f, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        response(w, "https://kompas.example/read/banjir-surut", page.encode("utf-8"),
                 extra={"WARC-Date": "2023-06-01T10:00:00Z"})
    idx = FakeIndexer()
    WarcIngester(idx, Filters(), sources={"kompas": SRC}).ingest(f)
    (art,) = idx.docs
    assert art.published_at == "2023-05-29T00:00:00+07:00" and art.provenance["published_at"] == "relative"
