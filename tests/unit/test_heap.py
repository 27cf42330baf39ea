"""The crawl process's heap gives freed page bodies back (crawler/heap.py)."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap

import pytest

from crawler.heap import bound_heap

# After one large block (a 4 MB page) was freed, are page-sized blocks (300 KB bodies) still mapped on
# their own (unmapped, so given back, when freed) or taken from the heap?  glibc counts its mmapped
# blocks in mallinfo2().hblks.
SCRIPT = textwrap.dedent("""
    import ctypes, sys
    from crawler.heap import bound_heap
    if sys.argv[1] == "bound":
        assert bound_heap({})

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                     "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    big = bytearray(4_000_000)
    del big
    before = libc.mallinfo2().hblks
    bodies = [bytearray(300_000) for _ in range(20)]
    print(libc.mallinfo2().hblks - before)
""")


def _mapped_bodies(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, check=True)
    return int(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "mallinfo2"),
                    reason="glibc >= 2.33 (mallinfo2)")
def test_page_bodies_stay_mapped_on_their_own_after_a_large_page():
    assert _mapped_bodies("bound") == 20  # each one unmapped when freed
    assert _mapped_bodies("default") == 0  # glibc's raised threshold: all 20 from the heap


def test_the_environment_wins():
    assert bound_heap({"MALLOC_MMAP_THRESHOLD_": "65536"}) is False
