"""crawler/warc.py without a crawl: the archiver driven with Response objects and a test crawler
(records, rotation by size, the .open suffix until complete, what is not archived, a full disk)."""

from __future__ import annotations

import gzip
import io

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from crawler import warc
from crawler.warc import WarcArchiver

PAGE = (b"<html><head><title>Banjir surut di Jakarta Utara</title></head><body><article><h1>Banjir "
        b"surut</h1><p>Genangan di Penjaringan surut pada Selasa pagi, kata petugas BPBD DKI.</p>"
        b"</article></body></html>")


def _archiver(tmp_path, **settings):
    crawler = get_crawler(settings_dict={"WARC_DIR": str(tmp_path / "warc"), "ROBOTSTXT_OBEY": True,
                                         **settings})
    return crawler, WarcArchiver.from_crawler(crawler)


def _response(url="https://www.kabarjakarta.example/berita/2024/12/03/banjir-surut.html", body=PAGE,
              **meta):
    req = Request(url, headers={"User-Agent": "news-ingest-test"}, meta=meta)
    resp = HtmlResponse(url, status=200, body=body, request=req,
                        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip",
                                 "Content-Length": "17"})
    return resp, req


def _records(path):
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers,
                 r.content_stream().read()) for r in ArchiveIterator(fh)]


def test_each_response_is_a_request_and_a_response_record(tmp_path):
    crawler, ext = _archiver(tmp_path)
    resp, req = _response()
    ext.response_received(resp, req)
    ext.flush()  # records are written on the archiver's own thread, not the reactor
    assert list((tmp_path / "warc").glob("*.warc.gz.open"))  # still being written
    ext.close()
    [path] = (tmp_path / "warc").glob("*.warc.gz")
    assert not list((tmp_path / "warc").glob("*.open"))
    recs = _records(path)
    assert [r[0] for r in recs] == ["warcinfo", "response", "request"]
    _, uri, http, payload = recs[1]
    assert uri == resp.url and payload == PAGE
    assert http.get_statuscode() == "200" and http.protocol == "HTTP/1.1"
    # the stored body is the decoded one: no Content-Encoding, a Content-Length that matches
    assert http.get_header("Content-Encoding") is None
    assert http.get_header("Content-Length") == str(len(PAGE))
    req_line = recs[2][2]
    assert (req_line.protocol, req_line.statusline) == ("GET", "/berita/2024/12/03/banjir-surut.html HTTP/1.1")
    assert req_line.get_header("User-Agent") == "news-ingest-test"
    assert crawler.stats.get_value("warc/records") == 1 and crawler.stats.get_value("warc/files") == 1
    assert b"robots: obey" in gzip.decompress(path.read_bytes())


def test_files_rotate_past_the_size_limit(tmp_path):
    crawler, ext = _archiver(tmp_path, WARC_MAX_BYTES=1000, WARC_PREFIX="kabar")
    for i in range(3):
        resp, req = _response(f"https://www.kabarjakarta.example/berita/{i}.html", body=PAGE * 3)
        ext.response_received(resp, req)
    ext.close()
    files = sorted((tmp_path / "warc").glob("kabar-*.warc.gz"))
    assert len(files) == 3 and crawler.stats.get_value("warc/files") == 3
    assert [n.name.rsplit("-", 1)[1] for n in files] == ["00001.warc.gz", "00002.warc.gz", "00003.warc.gz"]
    assert sum(r[0] == "response" for f in files for r in _records(f)) == 3


def test_internal_and_data_requests_are_not_archived(tmp_path):
    crawler, ext = _archiver(tmp_path)
    resp, req = _response(news_internal=True)
    ext.response_received(resp, req)
    data = Request("data:,x")
    ext.response_received(HtmlResponse("data:,x", body=b"x", request=data), data)
    ext.close()
    assert not list((tmp_path / "warc").iterdir()) and crawler.stats.get_value("warc/records") is None


def test_a_failed_write_is_counted_and_the_crawl_goes_on(tmp_path, monkeypatch, caplog):
    crawler, ext = _archiver(tmp_path)

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ext, "write", full)
    resp, req = _response()
    ext.response_received(resp, req)
    ext.flush()
    assert crawler.stats.get_value("warc/errors") == 1
    assert "WARC write failed" in caplog.text and "No space left" in caplog.text


def test_apply_settings_turns_archiving_on(monkeypatch, tmp_path):
    monkeypatch.setenv("WARC_DIR", str(tmp_path))
    monkeypatch.setenv("WARC_MAX_BYTES", "40000")
    ns = {"EXTENSIONS": {"crawler.extensions.CrawlSummary": 500}}
    warc.apply_settings(ns)
    cfg = warc.warc_config(Settings(ns))  # read where used, the environment first
    assert (cfg.directory, cfg.max_bytes, cfg.prefix) == (str(tmp_path), 40000, "news-ingest")
    assert ns["EXTENSIONS"] == {"crawler.extensions.CrawlSummary": 500, "crawler.warc.WarcArchiver": 600}


def test_ingest_reads_what_the_archiver_wrote(tmp_path):
    """The writer's records are what `news-ingest ingest-warc` reads (same URL, same body)."""
    _, ext = _archiver(tmp_path)
    resp, req = _response()
    ext.response_received(resp, req)
    ext.close()
    [path] = (tmp_path / "warc").glob("*.warc.gz")
    stream = io.BytesIO(path.read_bytes())
    responses = [r for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert len(responses) == 1
    assert responses[0].http_headers.get_header("Content-Type") == "text/html; charset=utf-8"


@pytest.fixture(autouse=True)
def _no_warc_env(monkeypatch):
    monkeypatch.delenv("WARC_DIR", raising=False)
