"""Shards and replicas of the article indices: by cluster size, overridable, bad values named."""

from __future__ import annotations

import pytest

from news_ingest.store.client import IndexLayout, shard_settings


def test_one_node_auto_expands_a_cluster_keeps_one_replica():
    assert shard_settings(1) == {"number_of_shards": 1, "auto_expand_replicas": "0-1"}
    for nodes in (2, 3, 12):
        assert shard_settings(nodes) == {"number_of_shards": 1, "number_of_replicas": 1,
                                         "auto_expand_replicas": False}


def test_the_setting_overrides_the_choice():
    layout = IndexLayout.from_env({"INDEX_SHARDS": "3", "INDEX_REPLICAS": "2"})
    assert shard_settings(1, layout) == {"number_of_shards": 3, "number_of_replicas": 2,
                                         "auto_expand_replicas": False}
    assert shard_settings(5, IndexLayout.from_env({"INDEX_REPLICAS": "0-all"})) == {
        "number_of_shards": 1, "auto_expand_replicas": "0-all"}
    assert shard_settings(5, IndexLayout.from_env({"INDEX_REPLICAS": "0"}))["number_of_replicas"] == 0
    assert IndexLayout.from_env({"INDEX_REPLICAS": "auto"}) == IndexLayout.from_env({}) == IndexLayout()


@pytest.mark.parametrize("env, name", [({"INDEX_SHARDS": "0"}, "INDEX_SHARDS"),
                                       ({"INDEX_SHARDS": "two"}, "INDEX_SHARDS"),
                                       ({"INDEX_REPLICAS": "-1"}, "INDEX_REPLICAS"),
                                       ({"INDEX_REPLICAS": "one"}, "INDEX_REPLICAS"),
                                       ({"INDEX_REPLICAS": "0-"}, "INDEX_REPLICAS")])
def test_bad_values_name_the_fix(env, name):
    with pytest.raises(ValueError, match=f"{name}=.*Fix: e.g. {name}="):
        IndexLayout.from_env(env)
