"""as_dict (news_ingest/store/indexing/batching.py): what dataclasses.asdict gives, without its
deepcopy of every value; the document's containers are its own."""

from __future__ import annotations

import dataclasses
from collections import namedtuple

from news_ingest.store.indexing.batching import as_dict
from pipelines.article import Article


@dataclasses.dataclass
class Part:
    label: str
    pages: tuple[int, ...] = ()


@dataclasses.dataclass
class Nested:
    name: str
    parts: list[Part]
    by_key: dict[str, Part]
    pair: tuple[str, Part]
    point: tuple[int, int]


def test_an_article_becomes_the_dict_asdict_gives_with_containers_of_its_own():
    art = Article(url="https://www.kabar.example/berita/2024/12/03/banjir.html", title="Banjir di Jakarta",
                  authors=["Siti Rahma", "Budi"], known_ids=["a" * 32], fingerprint_bands=["b1", "b2"],
                  links=["https://www.kabar.example/berita/2024/12/02/hujan.html"],
                  history=[{"version": "1", "hash": "x", "at": None}], provenance={"title": "og:title"},
                  removed_segments=[{"kind": "share", "text": "Bagikan"}])
    doc = as_dict(art)
    assert doc == dataclasses.asdict(art)
    doc["authors"].append("Editor")
    doc["history"][0]["version"] = "2"
    doc["provenance"]["body"] = "x"
    assert art.authors == ["Siti Rahma", "Budi"] and art.history[0]["version"] == "1"
    assert "body" not in art.provenance


def test_nested_dataclasses_tuples_and_other_values_as_asdict_makes_them():
    Point = namedtuple("Point", "x y")
    value = Nested("n", [Part("a", (1, 2))], {"k": Part("b")}, ("p", Part("c")), Point(1, 2))
    assert as_dict(value) == dataclasses.asdict(value)
    assert as_dict(value)["point"] == Point(1, 2)
