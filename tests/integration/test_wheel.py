"""`pip install .` works outside the checkout: the wheel carries config/ (sources, index templates,
Kibana objects) as package data.  Built offline from a copy of the source tree, installed with
`--no-deps --no-index` into a fresh venv that borrows the project venv's dependencies, and run
from another directory: `news-ingest explain` and `setup` against a real node."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from news_ingest.store.client import connect

ROOT = Path(__file__).resolve().parents[2]
SOURCE_PARTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "config", "crawler", "pipelines",
                "news_ingest")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The venv's bin/ with the wheel installed (built once for the module)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # a copy: the build writes build/ and *.egg-info next to the sources
    src.mkdir()
    for part in SOURCE_PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy)(
            ROOT / part, src / part, **({"ignore": shutil.ignore_patterns("__pycache__", "*.egg-info")}
                                       if (ROOT / part).is_dir() else {}))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--no-index", "-w", str(tmp / "dist"), str(src)], check=True, capture_output=True)
    wheel = next((tmp / "dist").glob("news_ingest-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # the dependencies come from the project venv (a plain path: its .pth files, among them the
    # editable install of this checkout, are not run)
    (site / "project-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)
    return venv / "bin"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWS_", "ES_", "SEARCH_", "INDEX_"))}
    return {**env, **extra}


def test_the_wheel_ships_its_configuration(installed, tmp_path):
    code = "import news_ingest.settings as s; print(s.CONFIG_DIR, s.CHECKOUT)"
    where = subprocess.run([installed / "python", "-c", code], cwd=tmp_path, env=_env(), capture_output=True,
                           text=True, check=True)
    config, checkout = where.stdout.split()
    assert checkout == "None" and "site-packages" in config and not config.startswith(str(ROOT))
    for rel in ("sources.yaml", "elasticsearch/article-template.json", "elasticsearch/runs-template.json",
                "elasticsearch/languages.json", "kibana/saved-objects.ndjson", "crontab.example"):
        assert (Path(config) / rel).is_file(), rel


def test_installed_explain_and_setup_work_from_another_directory(installed, tmp_path, single_engine_settings):
    es = single_engine_settings
    env = _env(ES_URL=es.urls[0], ES_INDEX=es.index, SEARCH_ENGINE=es.engine,
               NEWS_HOME=str(tmp_path / "home"))
    run = {"cwd": tmp_path, "env": env, "capture_output": True, "text": True, "timeout": 120}
    cli = str(installed / "news-ingest")
    explain = subprocess.run([cli, "explain", "http://127.0.0.1/berita/x", "--json"], **run)
    assert explain.returncode == 0, explain.stderr
    assert json.loads(explain.stdout)["verdict"].startswith("not crawled: off-site for every source")
    # the shipped sources.yaml is the one read (not the fixture file, not a checkout's)
    unknown = subprocess.run([cli, "crawl", "--source", "nosuch"], **run)
    assert unknown.returncode == 2 and "use one of ['antaranews', 'apnews', 'bbc'," in unknown.stderr
    setup = subprocess.run([cli, "setup"], **run)
    assert setup.returncode == 0 and f"created {es.index}-000001" in setup.stdout, setup.stderr
    store = connect(es)
    try:
        template = store.backend.request("GET", f"/_index_template/{es.index}")["index_templates"][0]
        assert template["index_template"]["template"]["mappings"]["dynamic"] == "strict"
        assert store.backend.request("GET", f"/_index_template/{es.index}-runs")
    finally:
        store.drop()
    # overridable: another sources file
    (tmp_path / "mine.yaml").write_text(
        "sources:\n  - name: mine\n    domains: [example.org]\n"
        "    feeds: ['https://example.org/rss']\n    article_allow: ['/a/']\n")
    mine = subprocess.run([cli, "crawl", "--source", "nosuch"],
                          **{**run, "env": {**env, "NEWS_SOURCES": str(tmp_path / "mine.yaml")}})
    assert "use one of ['mine']" in mine.stderr
