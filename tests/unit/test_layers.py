"""The three packages import in one direction: crawler -> news_ingest -> pipelines.

``pipelines/`` (pure stages, the article model) imports nothing of ours but ``pipelines``;
``news_ingest/`` (the I/O services, the CLI) imports ``pipelines`` and ``news_ingest``;
``crawler/`` (the Scrapy side) may import anything, and nothing of ours imports it.  Every
import counts: top-level, inside functions and under ``TYPE_CHECKING`` alike, read with ``ast``
(nothing is imported, so a forbidden import fails here even where no test runs its code).
Within our modules there is no import cycle either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pipelines", "news_ingest", "crawler")
# what each layer may import of ours
ALLOWED = {"pipelines": {"pipelines"}, "news_ingest": {"pipelines", "news_ingest"},
           "crawler": {"pipelines", "news_ingest", "crawler"}}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def our_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imported(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module name) for every import statement in ``source``, wherever it sits.
    ``from a import b`` yields ``a.b`` as well as ``a`` (b may be a module)."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                pkg = module.split(".") if is_package else module.split(".")[:-1]
                pkg = pkg[:len(pkg) - (node.level - 1)]
                base = ".".join(pkg + ([base] if base else []))
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return out


def violations(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module name) of each import ``module`` may not make."""
    layer = module.split(".")[0]
    return sorted({(line, name) for line, name in imported(module, source, is_package)
                   if name.split(".")[0] in PACKAGES and name.split(".")[0] not in ALLOWED[layer]})


def test_the_checker_sees_every_kind_of_import() -> None:
    src = ("import crawler.items\n"
           "from news_ingest.store import client\n"
           "def f():\n    from crawler.spiders import news\n"
           "if TYPE_CHECKING:\n    from news_ingest import sources\n"
           "from . import sibling\n"
           "from pipelines import dedupe\n")
    assert violations("pipelines.example", src) == [
        (1, "crawler.items"), (2, "news_ingest.store"), (2, "news_ingest.store.client"),
        (4, "crawler.spiders"), (4, "crawler.spiders.news"), (6, "news_ingest"), (6, "news_ingest.sources")]
    assert violations("news_ingest.example", src) == [
        (1, "crawler.items"), (4, "crawler.spiders"), (4, "crawler.spiders.news")]
    assert violations("crawler.example", src) == []
    package, module = "news_ingest.store.backends", "news_ingest.store.backends.base"
    assert imported(package, "from .. import x", is_package=True)[0][1] == "news_ingest.store"
    assert imported(module, "from . import y")[0][1] == "news_ingest.store.backends"


@pytest.mark.parametrize("layer", PACKAGES)
def test_imports_go_one_way(layer: str) -> None:
    modules = {m: p for m, p in our_modules().items() if m.split(".")[0] == layer}
    assert len(modules) >= 5, f"found only {sorted(modules)} under {layer}/"
    may = " and ".join(sorted(ALLOWED[layer]))
    bad = [f"{m}:{line} imports {name} ({layer}/ may import only {may})" for m, p in modules.items()
           for line, name in violations(m, p.read_text(), p.name == "__init__.py")]
    assert not bad, "imports against the layering:\n" + "\n".join(bad)


def test_nothing_of_ours_imports_a_cycle() -> None:
    modules = our_modules()
    graph: dict[str, set[str]] = {}
    for m, p in modules.items():
        names = {n for _, n in imported(m, p.read_text(), p.name == "__init__.py")}
        graph[m] = {n for n in names if n in modules and n != m}
    assert graph["crawler.pipelines"] & {"pipelines.article", "pipelines.extract"}  # the reader works
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)
