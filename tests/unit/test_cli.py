"""The `news-ingest` CLI's own behaviour, no cluster needed: one-line option errors naming the fix,
refused queries, quiet end on a closed pipe, the terminal renderer of highlights."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from news_ingest import cli
from news_ingest.printing import HL_POST, HL_PRE, render_snippet, terminal_text
from news_ingest.search import attribution_filter

ROOT = Path(__file__).resolve().parents[2]


def _err_line(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, no usage block
    return err


@pytest.mark.parametrize(("argv", "expect"), [
    (["search", "banjir", "--size", "many"], "--size: invalid int value: 'many'"),
    (["search", "banjir", "--wire", "maybe"], "--wire: invalid choice: 'maybe'"),
    (["stats", "--nope"], "unrecognized arguments: --nope"),
    (["crawl"], "one of the arguments --all --source is required"),
])
def test_option_errors_are_one_line_naming_the_fix(capsys, argv, expect):
    err = _err_line(capsys, argv)
    assert expect in err and "Fix:" in err


@pytest.mark.parametrize(("argv", "expect"), [
    (["search", "banjir", "--since", "yesterdayy"],
     "--since 'yesterdayy' is not a date. Fix: --since 2024-12-01"),
    (["search", "banjir", "--until", "2024-13-01"], "--until '2024-13-01' is not a date"),
    (["stats", "--since", "last week"], "--since 'last week' is not a date"),
    (["stats", "--tz", "Asia/Jakartaa"], "--tz 'Asia/Jakartaa' is not a time zone. Fix: --tz Asia/Jakarta"),
    (["search", "x" * 100_000], "the query is 100,000 characters; at most 1,000 are searched. Fix:"),
    (["search", "banjir", "--size", "0"], "--size 0: give 1 to 500 hits"),
])
def test_bad_values_are_refused_before_asking_the_cluster(capsys, monkeypatch, argv, expect):
    monkeypatch.setenv("ES_URL", "http://127.0.0.1:9")  # nothing listens: the check comes first
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and expect in err, err


def test_a_closed_pipe_ends_quietly():
    """`news-ingest ... | head`: the reader is gone before the output is written."""
    proc = subprocess.Popen([sys.executable, "-m", "news_ingest.cli", "explain", "http://127.0.0.1/berita/a"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 141 and err == "", err


def test_highlights_rendered_for_a_terminal_and_a_pipe():
    frag = f"Korea Utara {HL_PRE}perjanjian{HL_POST} \x1b[31mpertahanan\x1b]0;pwned\x07 \u202eevil"
    # escape sequences go whole, not just their ESC
    assert render_snippet(frag, tty=False) == "Korea Utara [perjanjian] pertahanan evil"
    tty = render_snippet(frag, tty=True)
    assert tty.startswith("Korea Utara \033[1mperjanjian\033[0m ") and tty.count("\x1b") == 2
    assert "<em>" not in tty and HL_PRE not in tty and "\x07" not in tty and "\u202e" not in tty
    assert terminal_text("a\r\nb\x00c\x9bd") == "a bc"  # \x9b is CSI: it takes the "d" as its final byte


def test_attribution_matches_any_case_or_alias():
    flt, unknown = attribution_filter(["afp", "Agence France-Presse", "reuters", "Kantor Berita Nusantara"])
    should = flt["bool"]["should"]
    assert should[0] == {"terms": {"source_attribution": ["AFP", "Reuters"]}}
    assert unknown == ["Kantor Berita Nusantara"]
    assert should[1]["term"]["source_attribution"] == {"value": "Kantor Berita Nusantara",
                                                       "case_insensitive": True}


def test_explain_fetch_that_failed_exits_non_zero(tmp_path):
    """`explain --fetch` when nothing answers: a clear error and exit 1, not "robots.txt not
    checked (use --fetch)" with an article verdict and exit 0."""
    from news_ingest.sources import FIXTURE_SOURCES_PATH

    env = {"PATH": "/usr/bin:/bin", "NEWS_SOURCES": str(FIXTURE_SOURCES_PATH),
           "SAMPLE_SITE_URL": "http://127.0.0.1:9", "NEWS_HOME": str(tmp_path)}  # port 9: nothing listens
    proc = subprocess.run([sys.executable, "-m", "news_ingest.cli", "explain", "--fetch",
                           "http://127.0.0.1:9/berita/banjir-jakarta-surut.html"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.startswith("error: fetch failed") and proc.stderr.count("\n") == 1
    assert "use --fetch" not in proc.stdout and "verdict     unknown: the fetch failed" in proc.stdout


def test_crawl_summary_counts_dead_letters_and_spooled_documents():
    from crawler.extensions import summarize

    out = summarize({"news/indexed": 5, "news/index/dead_letter": 2, "news/index/spooled": 3,
                     "news/kompas/pages_fetched": 4}, ["kompas"], 1.0)
    assert (out["indexed"], out["dead_letter"], out["spooled"], out["replayed"]) == (5, 2, 3, 0)
