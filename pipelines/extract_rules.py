"""Loads ``extract_rules.yaml`` once and compiles its patterns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

RULES_PATH = Path(__file__).with_name("extract_rules.yaml")


def _load(path: Path = RULES_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at top level")
    return data


def compile_any(patterns: list[str]) -> re.Pattern[str] | None:
    """One case-insensitive alternation of ``patterns`` (None when the list is empty)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None


def compile_each(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in patterns]


RULES: dict[str, Any] = _load()
