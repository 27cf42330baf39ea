"""Loads ``extract_rules.yaml`` once and compiles its patterns and per-site rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from pipelines.hosts import url_host
from pipelines.patterns import read_yaml

RULES_PATH = Path(__file__).with_name("extract_rules.yaml")


def compile_any(patterns: list[str]) -> re.Pattern[str] | None:
    """One case-insensitive alternation of ``patterns`` (None when the list is empty)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None


def compile_rule(patterns: list[str], where: str) -> re.Pattern[str]:
    """``compile_any`` for a rule that cannot be empty; an empty list is a config error naming it."""
    rx = compile_any(patterns)
    if rx is None:
        raise ValueError(f"extraction rules: {where} is empty. Fix: give it at least one pattern")
    return rx


def compile_each(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in patterns]


RULES: dict[str, Any] = read_yaml(RULES_PATH)


# ------------------------------------------------------------------------------------------ per-site rules


@dataclass(frozen=True)
class SiteRule:
    """Where one site keeps its article text: ``body`` XPath(s) of the container(s), ``drop`` XPaths of what
    inside them is not the article (evaluated relative to each container)."""

    host: str
    body: tuple[etree.XPath, ...]
    drop: tuple[etree.XPath, ...] = ()


def _xpaths(host: str, key: str, value: Any) -> tuple[etree.XPath, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    out = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"extract_rules.yaml: sites.{host}.{key}: expected XPath strings, got {item!r}")
        try:
            out.append(etree.XPath(item))
        except etree.XPathSyntaxError as e:
            raise ValueError(f"extract_rules.yaml: sites.{host}.{key}: bad XPath {item!r}: {e}") from e
    return tuple(out)


def site_rules(data: dict[str, Any] | None) -> dict[str, SiteRule]:
    """Compile the ``sites`` section: host -> SiteRule. A malformed rule is an error at load time."""
    out: dict[str, SiteRule] = {}
    for host, spec in (data or {}).items():
        key = str(host).strip().lower().removeprefix("www.")
        if not isinstance(spec, dict) or "body" not in spec:
            raise ValueError(f"extract_rules.yaml: sites.{host}: expected a mapping with a 'body' XPath")
        unknown = set(spec) - {"body", "drop"}
        if unknown:
            raise ValueError(f"extract_rules.yaml: sites.{host}: unknown keys {sorted(unknown)}")
        out[key] = SiteRule(key, _xpaths(key, "body", spec["body"]), _xpaths(key, "drop", spec.get("drop")))
    return out


def site_rule_for(rules: dict[str, SiteRule], url: str | None) -> SiteRule | None:
    """The rule of the URL's host or of a parent domain (``m.example.com`` uses ``example.com``'s)."""
    host = url_host(url or "").removeprefix("www.")
    while host:
        if host in rules:
            return rules[host]
        _, _, host = host.partition(".")
        if "." not in host:
            return None
    return None


SITE_RULES: dict[str, SiteRule] = site_rules(RULES.get("sites"))
