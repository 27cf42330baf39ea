"""Build hook: a wheel carries the configuration defaults as package data.

``config/`` (sources.yaml, the index templates, the Kibana objects, the crontab and env examples)
is copied into ``news_ingest/config/`` of the built package, where ``news_ingest.settings.CONFIG_DIR``
finds it when no checkout is around; everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONFIG = Path(__file__).resolve().parent / "config"


class BuildPyWithConfig(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's config/ directly
        target = Path(self.build_lib) / "news_ingest" / "config"
        shutil.copytree(CONFIG, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithConfig})
