"""The outage spool and dead-letter files: durable, oldest first, nothing lost on interruption."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from news_ingest.store.spool import DeadLetters, Spool


def docs(start: int, n: int) -> list[dict]:
    return [{"url": f"https://example.com/{i}", "body": f"teks {i} é"} for i in range(start, start + n)]


def test_append_is_on_disk_before_close_and_replays_oldest_first(tmp_path):
    sp = Spool(tmp_path, segment_bytes=300)  # small: forces several segments
    for k in range(5):
        sp.append(docs(k * 3, 3), reason="unavailable")
    assert sp.segments(), "sealed segments are replayable while the writer lives"
    sp.close()
    got: list[str] = []
    res = Spool(tmp_path).replay(lambda batch: got.extend(d["url"] for d in batch), batch_docs=2)
    assert got == [f"https://example.com/{i}" for i in range(15)]
    assert res.records == 15 and res.pending_segments == 0 and not res.corrupt
    assert not list(tmp_path.glob("*.jsonl*"))  # all deleted
    assert Spool(tmp_path).replay(lambda b: pytest.fail("nothing left")).records == 0


def test_interrupted_replay_keeps_the_unsent_and_finishes_later(tmp_path):
    sp = Spool(tmp_path, segment_bytes=200)
    for k in range(6):
        sp.append(docs(k * 2, 2), reason="unavailable")
    sp.close()
    n_segs = len(sp.segments())
    assert n_segs >= 3
    seen: list[str] = []
    calls = 0

    def flaky(batch):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise ConnectionError("node went away")
        seen.extend(d["url"] for d in batch)

    first = Spool(tmp_path).replay(flaky, batch_docs=1)
    assert first.error and first.pending_segments >= 1
    second = Spool(tmp_path).replay(lambda b: seen.extend(d["url"] for d in b))
    assert second.pending_segments == 0
    # everything arrived; only the one interrupted segment was sent twice (the receiver is idempotent)
    assert set(seen) == {f"https://example.com/{i}" for i in range(12)}
    assert len(seen) - 12 <= 1


def test_open_segment_of_a_dead_writer_is_adopted_and_torn_line_quarantined(tmp_path):
    code = ("import sys; from news_ingest.store.spool import Spool; "
            f"s = Spool({str(tmp_path)!r}); s.append([{{'url': 'a'}}, {{'url': 'b'}}], 'x'); "
            "f = s._current.fh; f.write(b'{\"v\": 1, \"doc\": {\"url\": \"c\"'); f.flush(); "
            "import os; os._exit(0)")  # crash mid-write: no close, torn last line
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.getcwd())
    sp = Spool(tmp_path)
    assert [p.name.endswith(".open") for p in sp.segments()] == [True]
    got: list[str] = []
    res = sp.replay(lambda b: got.extend(d["url"] for d in b))
    assert got == ["a", "b"] and res.corrupt == 1
    (qfile,) = (tmp_path / "corrupt").iterdir()
    assert qfile.read_text().startswith("# line 3\n") and "\"url\": \"c\"" in qfile.read_text()


def test_own_open_segment_is_not_replayed_under_the_writer(tmp_path):
    sp = Spool(tmp_path)
    sp.append(docs(0, 2), reason="unavailable")
    assert sp.segments() == []
    sp.close()
    assert len(sp.segments()) == 1


def test_concurrent_replay_is_refused(tmp_path):
    import fcntl

    sp = Spool(tmp_path)
    sp.append(docs(0, 1), "x")
    sp.close()
    with open(tmp_path / ".replay.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        res = Spool(tmp_path).replay(lambda b: pytest.fail("must not send"))
        assert res.busy and res.pending_segments == 1


def test_dead_letters_keep_reason_and_document(tmp_path):
    dl = DeadLetters(tmp_path)
    dl.write([("abc", 400, "mapper_parsing_exception: failed to parse [published_at]", {"url": "u"})])
    dl.close()
    (rec,) = DeadLetters(tmp_path).read_all()
    assert rec["id"] == "abc" and rec["status"] == 400 and "published_at" in rec["reason"]
    assert rec["doc"] == {"url": "u"}
    line = next(tmp_path.glob("dead-letter-*.jsonl")).read_text()
    assert json.loads(line)["at"]


def test_records_carry_their_target_and_kind(tmp_path):
    sp = Spool(tmp_path)
    sp.append([{"url": "a"}], "x")  # written before targets were recorded: target unknown
    sp.append([{"url": "b"}, {"url": "c"}], "x", target="news-x")
    sp.append([{"run_id": "r1"}], "x", target="news-x", kind="run")
    sp.append([{"url": "d"}], "x", target="news-y")
    sp.close()
    got = []
    res = Spool(tmp_path).replay(lambda docs, kind, target: got.append((kind, target, docs)), by_target=True)
    assert res.records == 5
    assert got == [("article", None, [{"url": "a"}]), ("article", "news-x", [{"url": "b"}, {"url": "c"}]),
                   ("run", "news-x", [{"run_id": "r1"}]), ("article", "news-y", [{"url": "d"}])]
