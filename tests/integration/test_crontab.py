"""config/crontab.example under a real cron daemon (Debian's `cron`, installed by `make system-deps`).

The example's crawl lines run with a shortened schedule (`* * * * *`), its variables, its BASH_ENV
file (only `export`ed variables reach news-ingest) and its MAILTO.  The daemon runs in a private
mount namespace so it sees only this crontab (its own /etc/cron.d, no system or user crontabs, its
own pid file) and a recording `/usr/sbin/sendmail`: the mail cron sends is captured, not delivered.
The test asserts the run (the ledger entry, written with the env file's settings), the lock (held
while the cron-started crawl runs) and the mail command's invocation (recipient exactly MAILTO).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.sitegen import Site, serve, sources_yaml
from news_ingest.locks import Lock
from news_ingest.store.client import connect

ROOT = Path(__file__).resolve().parents[2]
CRONTAB = ROOT / "config" / "crontab.example"
ENV_EXAMPLE = ROOT / "config" / "env.example"
HOT = ("tribunnews", "kompas", "detik", "antaranews")  # the example's every-15-minutes set


@pytest.fixture
def es_settings(single_engine_settings):
    return single_engine_settings


def crontab_for_test(text: str, env_file: Path, news_ingest: Path) -> tuple[str, dict[str, str]]:
    """The example as an /etc/cron.d file: its variables (BASH_ENV and NI pointed here), every
    line every minute, run as root.  Also returns its variables."""
    out, variables = [], {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            out.append(line)
            continue
        name, eq, value = line.partition("=")
        if eq and name.isidentifier() and " " not in name:  # a variable line, taken as cron takes it
            value = {"BASH_ENV": str(env_file), "NI": str(news_ingest)}.get(name, value)
            variables[name] = value
            out.append(f"{name}={value}")
            continue
        fields = line.split(None, 5)
        if not fields[5].startswith("$NI ingest-warc"):  # (that line is commented out anyway)
            out.append("* * * * * root " + fields[5])
    return "\n".join(out) + "\n", variables


def test_example_variables_are_plain_and_env_file_exports():
    _, variables = crontab_for_test(CRONTAB.read_text(), Path("/x"), Path("/y"))
    assert variables["MAILTO"] == "ops@example.org"  # no comment glued to the address
    assert variables["SHELL"] == "/bin/bash"  # BASH_ENV is a bash feature
    for value in variables.values():
        assert "#" not in value and value == value.strip()
    assignments = [ln for ln in ENV_EXAMPLE.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert assignments and all(ln.startswith("export ") for ln in assignments)


def test_crontab_under_a_real_cron_daemon(tmp_path, es_settings):
    cron = shutil.which("cron") or "/usr/sbin/cron"
    assert Path(cron).is_file(), "Debian's cron is missing. Fix: make system-deps (apt-get install cron)"
    home, mails = tmp_path / "home", tmp_path / "mail"
    mails.mkdir()
    connect(es_settings).setup()
    sites = {name: Site(4, delay_ms=400) for name in HOT}  # slow pages: the run lasts a few seconds
    servers = {name: serve(site) for name, site in sites.items()}
    (tmp_path / "sources.yaml").write_text("sources:\n" + "".join(
        sources_yaml(base, name=name, concurrency=2).split("sources:\n", 1)[1]
        for name, (_, base) in servers.items()))
    env_file = tmp_path / "env"
    # the env file as config/env.example says: exported variables (cron itself passes none of these)
    env_file.write_text(f"""export ES_URL={es_settings.urls[0]}
export ES_INDEX={es_settings.index}
export SEARCH_ENGINE={es_settings.engine}
export NEWS_HOME={home}
export NEWS_SOURCES={tmp_path / 'sources.yaml'}
export STAGE_WORKERS=0
""")
    crontab, variables = crontab_for_test(CRONTAB.read_text(), env_file, Path(sys.executable).parent /
                                          "news-ingest")
    crond = tmp_path / "cron.d"
    crond.mkdir()
    (crond / "news-ingest").write_text(crontab)
    os.chmod(crond / "news-ingest", 0o644)
    empty = tmp_path / "empty"
    empty.mkdir()
    (tmp_path / "crontab").write_text("")
    sendmail = tmp_path / "sendmail"
    sendmail.write_text(f"""#!/bin/sh
f=$(mktemp {mails}/mail-XXXXXX)
printf '%s\\n' "$*" > "$f.args"
cat > "$f"
""")
    sendmail.chmod(0o755)
    if Path("/usr/sbin/sendmail").exists():
        mail_mount = f"mount --bind {sendmail} /usr/sbin/sendmail"
    else:  # no MTA installed: a private copy of /usr/sbin with the recorder in it
        sbin = tmp_path / "sbin"
        shutil.copytree("/usr/sbin", sbin, symlinks=True)
        shutil.copy(sendmail, sbin / "sendmail")
        mail_mount = f"mount --bind {sbin} /usr/sbin"
    script = " && ".join([
        "mount -t tmpfs tmpfs /run",  # its own /run/crond.pid: other cron daemons do not matter
        f"mount --bind {crond} /etc/cron.d",
        f"mount --bind {empty} /var/spool/cron/crontabs",
        f"mount --bind {tmp_path / 'crontab'} /etc/crontab",
        mail_mount,
        f"exec {cron} -f -L 15"])
    daemon = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lock_path = home / "lock" / "crawl-tribunnews.lock"
    saw_lock_held = False
    try:
        deadline = time.monotonic() + 150  # the next minute boundary, then the run
        while True:
            assert daemon.poll() is None, daemon.communicate()[0]
            assert time.monotonic() < deadline, f"no cron run: {sorted(p.name for p in home.rglob('*'))}"
            if lock_path.is_file() and not saw_lock_held:
                holder = json.loads(lock_path.read_text() or "{}")
                probe = Lock(lock_path)
                if probe.acquire():
                    probe.release()
                else:
                    saw_lock_held = bool(holder.get("child"))
            store = connect(es_settings)
            if store.client.indices.exists(index=f"{store.alias}-runs"):
                store.client.indices.refresh(index=f"{store.alias}-runs")
                runs = store.client.search(index=f"{store.alias}-runs")["hits"]["hits"]
                if runs and list(mails.glob("*.args")):
                    break
            time.sleep(0.2)
        time.sleep(1)  # let sendmail finish writing the body
    finally:
        daemon.terminate()
        daemon.wait(10)
        for server, _ in servers.values():
            server.shutdown()
            server.server_close()

    # the run: the hot set, crawled with the env file's cluster, index and state directory
    run = runs[0]["_source"]
    assert run["sources"] == list(HOT) and run["status"] == "ok", run
    assert run["counts"]["indexed"] == 16
    assert list((home / "log").glob("crawl-*-antaranews-detik-kompas-tribunnews.log"))
    # the lock: held (by the runner and its crawl child) while the cron-started crawl ran
    assert saw_lock_held
    # the mail: the `--all` line fails (every source here is a loopback fixture, never part of
    # `all`), and cron mailed its output through the mail command to exactly MAILTO
    # (a loaded machine may let a second minute start: each minute mails the same once)
    sent = {p: p.with_suffix(".args") for p in mails.iterdir() if p.suffix != ".args"}
    everything = "\n=====\n".join(p.read_text() for p in mails.iterdir())
    assert sent, everything
    for body, args in sent.items():
        assert args.read_text().split() == ["-FCronDaemon", "-i", "-B8BITMIME", "-oem", variables["MAILTO"]]
        text = body.read_text()
        # nothing else mailed: the successful crawl, rollover and the log clean-up stay quiet
        assert "To: ops@example.org" in text and "crawl --all" in text.split("\n\n", 1)[0], everything
        assert "only fixture sources" in text, everything
