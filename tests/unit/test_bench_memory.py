"""The benchmark's memory sampler (bench/e2e.py): each kind of process of a crawl's tree, RSS and PSS."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench.e2e import Sampler, role
from crawler import workers


def test_the_sampler_names_the_fork_server_and_its_workers_and_counts_shared_pages_once(monkeypatch):
    # the second worker starts 3 s late (what a loaded machine does at random): the first one up
    # must not take all four calls
    starts, start = iter([0.0, 3.0]), workers._Worker.start

    def late_start(self):
        time.sleep(next(starts, 0.0))
        start(self)

    monkeypatch.setattr(workers._Worker, "start", late_start)
    pool = workers.StagePool(2)
    try:
        with tempfile.TemporaryDirectory() as met:
            async def main():
                return await asyncio.gather(*[pool.run(_pid_once_two_ran, met) for _ in range(4)])

            pids = set(asyncio.run(main()))
        sampler = Sampler({"tree": os.getpid()})
        now = sampler.sample()
        kinds = sampler.processes("tree")
        cpu = sampler.unreaped_cpu_s("tree")
        roles = {role(pid, os.getpid(), _ppid(pid)) for pid in pids}
    finally:
        pool.close()
    assert len(pids) == 2
    assert kinds["crawl"]["count"] == 1 and kinds["fork server"]["count"] == 1
    assert kinds["stage worker"]["count"] >= 2  # pools closed by earlier tests may still be exiting
    assert roles == {"stage worker"}
    # the workers share the fork server's models: PSS, each shared page counted once, is well under
    # the RSS summed over the processes, which counts them in each
    assert now["tree_pss"] < now["tree"] - 100
    assert kinds["stage worker"]["pss_mb"] < kinds["stage worker"]["rss_mb"] / 2
    # the crawl's wait4 does not count them (it reaps none of them): their CPU is sampled
    assert cpu > 0.5  # the fork server's preload alone takes seconds of CPU


def _pid_once_two_ran(met: str, wait: float = 20.0) -> int:
    """In a worker: this process's pid, once two processes have run this (each signs ``met``).  The
    first call holds its worker until a second worker signs, so 4 calls over a 2-worker pool reach both
    workers however the start-up and the calls interleave (with os.getpid alone, the first worker to
    start could take all 4 before the second was up); a pool with one worker answers one pid only
    (after ``wait``, inside the stage timeout of 30 s)."""
    Path(met, str(os.getpid())).touch()
    deadline = time.monotonic() + wait
    while len(os.listdir(met)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    return os.getpid()


def _ppid(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])
