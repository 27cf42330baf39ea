"""Where the shared benchmark data lives — the one rule every bench script follows.

The data (``bench/`` with the extraction, news and attribution sets and their scorers, and
``seed/``) is not part of the repository. It is found, in this order:

1. ``$NEWS_SHARED_DIR`` — the folder that holds ``bench/``;
2. ``shared/`` beside the checkout (``../shared``);
3. ``shared/`` beside the main checkout when this one is a git worktree (``git worktree add``
   puts worktrees elsewhere, and ``../shared`` beside them does not exist).

``$NEWS_INGEST_BENCH`` (the ``bench/`` folder itself, as older commands in the README set it)
still overrides the bench folder. A script given ``--shared`` uses that.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _main_checkout(repo: Path) -> Path | None:
    """The main checkout of a git worktree (from its ``.git`` file), else None."""
    git = repo / ".git"
    if not git.is_file():
        return None
    try:
        line = git.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not line.startswith("gitdir:"):
        return None
    gitdir = Path(line.split(":", 1)[1].strip())
    if not gitdir.is_absolute():
        gitdir = (repo / gitdir).resolve()
    # <main>/.git/worktrees/<name>
    if gitdir.parent.name == "worktrees" and gitdir.parent.parent.name == ".git":
        return gitdir.parent.parent.parent
    return None


def shared_dir(repo: Path = REPO, environ: dict[str, str] | None = None) -> Path:
    """The shared data folder (see the module docstring). The first candidate that holds
    ``bench/`` wins; when none does, the ``../shared`` path is returned so the caller's
    error message names where it looked."""
    env = os.environ if environ is None else environ
    if env.get("NEWS_SHARED_DIR"):
        return Path(env["NEWS_SHARED_DIR"])
    beside = repo.parent / "shared"
    candidates = [beside]
    main = _main_checkout(repo)
    if main is not None:
        candidates.append(main.parent / "shared")
    for cand in candidates:
        if (cand / "bench").is_dir():
            return cand
    return beside


def shared_bench(repo: Path = REPO, environ: dict[str, str] | None = None) -> Path:
    """The shared ``bench/`` folder: ``$NEWS_INGEST_BENCH`` if set, else ``shared_dir()/bench``."""
    env = os.environ if environ is None else environ
    if env.get("NEWS_INGEST_BENCH"):
        return Path(env["NEWS_INGEST_BENCH"])
    return shared_dir(repo, env) / "bench"
