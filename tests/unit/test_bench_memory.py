"""The benchmark's memory sampler (bench/e2e.py): each kind of process of a crawl's tree, RSS and PSS."""

from __future__ import annotations

import asyncio
import os

from bench.e2e import Sampler, role
from crawler import workers


def test_the_sampler_names_the_fork_server_and_its_workers_and_counts_shared_pages_once():
    pool = workers.StagePool(2)
    try:
        async def main():
            return await asyncio.gather(*[pool.run(os.getpid) for _ in range(4)])

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


def _ppid(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])
