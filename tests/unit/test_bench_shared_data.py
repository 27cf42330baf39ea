"""Where the benchmarks find the shared data (bench/shared_data.py): one rule for every script,
and it holds in a git worktree, where ``../shared`` beside the checkout does not exist."""

from __future__ import annotations

from pathlib import Path

from bench.shared_data import shared_bench, shared_dir


def _layout(tmp: Path) -> tuple[Path, Path]:
    """<tmp>/work/main (a checkout with .git/worktrees/wt1), <tmp>/work/shared/bench, and the
    worktree <tmp>/work/wt/wt1 whose .git file points at the main checkout."""
    main = tmp / "work" / "main"
    (main / ".git" / "worktrees" / "wt1").mkdir(parents=True)
    (tmp / "work" / "shared" / "bench").mkdir(parents=True)
    wt = tmp / "work" / "wt" / "wt1"
    wt.mkdir(parents=True)
    (wt / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'wt1'}\n")
    return main, wt


def test_a_checkout_finds_shared_beside_it(tmp_path):
    main, _ = _layout(tmp_path)
    assert shared_dir(main, {}) == tmp_path / "work" / "shared"
    assert shared_bench(main, {}) == tmp_path / "work" / "shared" / "bench"


def test_a_worktree_finds_shared_beside_its_main_checkout(tmp_path):
    _, wt = _layout(tmp_path)
    assert not (wt.parent / "shared").exists()
    assert shared_dir(wt, {}) == tmp_path / "work" / "shared"


def test_a_relative_gitdir_is_resolved_from_the_worktree(tmp_path):
    main, wt = _layout(tmp_path)
    (wt / ".git").write_text("gitdir: ../../main/.git/worktrees/wt1\n")
    assert shared_dir(wt, {}) == tmp_path / "work" / "shared"


def test_the_environment_wins_and_a_missing_folder_names_where_it_looked(tmp_path):
    main, wt = _layout(tmp_path)
    assert shared_dir(wt, {"NEWS_SHARED_DIR": "/data/x"}) == Path("/data/x")
    assert shared_bench(wt, {"NEWS_INGEST_BENCH": "/data/b", "NEWS_SHARED_DIR": "/data/x"}) == Path("/data/b")
    lonely = tmp_path / "elsewhere" / "repo"
    lonely.mkdir(parents=True)
    assert shared_dir(lonely, {}) == tmp_path / "elsewhere" / "shared"
