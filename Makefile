# news-ingest — the common tasks.  `make demo` and `make test` set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ES_URL ?= http://127.0.0.1:9200
export ES_URL
OPENSEARCH_URL ?= http://127.0.0.1:9201
export OPENSEARCH_URL
KIBANA_URL ?= http://localhost:5601

.PHONY: os-fetch os-up os-down os-status rollover kibana-import cluster-up cluster-down cluster-status
.PHONY: system-deps replay bench-index bench-deps bench bench-memory
.PHONY: help venv es-fetch es-up es-down es-status es-setup demo test test-unit coverage lint clean-cache \
	bench-quality bench-quality-extraction bench-quality-metadata bench-quality-text

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed ## create the virtualenv with all dependencies

system-deps: ## Debian packages the tests need (redis-server, maven, cron); installed when run as root
	@missing=""; command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	[ -x /usr/sbin/cron ] || missing="$$missing cron"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing:$$missing. Fix: sudo apt-get install -y$$missing" >&2; exit 1; fi; fi

es-fetch: venv ## download and unpack Elasticsearch (cached in .cache/)
	$(PY) -m news_ingest.devnode fetch

es-up: venv ## start a local Elasticsearch at ES_URL's port and leave it running
	$(PY) -m news_ingest.devnode up

es-down: venv ## stop the local Elasticsearch
	$(PY) -m news_ingest.devnode down

es-status: venv ## is the local Elasticsearch running?
	$(PY) -m news_ingest.devnode status

os-fetch: venv ## download and unpack OpenSearch (cached in .cache/)
	$(PY) -m news_ingest.devnode fetch --engine opensearch

os-up: venv ## start a local OpenSearch at OPENSEARCH_URL's port and leave it running
	$(PY) -m news_ingest.devnode up --engine opensearch

os-down: venv ## stop the local OpenSearch
	$(PY) -m news_ingest.devnode down --engine opensearch

os-status: venv ## is the local OpenSearch running?
	$(PY) -m news_ingest.devnode status --engine opensearch

CLUSTER_ENGINE ?= elasticsearch

cluster-up: venv ## start a 3-node cluster on loopback (CLUSTER_ENGINE=opensearch for OpenSearch; ports 9210-9212 / 9220-9222) and print its ES_URL
	$(PY) -m news_ingest.devnode cluster-up --engine $(CLUSTER_ENGINE)

cluster-down: venv ## stop every node of that cluster
	$(PY) -m news_ingest.devnode cluster-down --engine $(CLUSTER_ENGINE)

cluster-status: venv ## health and nodes of that cluster
	$(PY) -m news_ingest.devnode cluster-status --engine $(CLUSTER_ENGINE)

rollover: venv ## start a new write index when the current one is full (run from cron)
	$(VENV)/bin/news-ingest rollover

kibana-import: ## load the saved objects into Kibana 8.8+ (fails unless all imported): make kibana-import KIBANA_URL=... [KIBANA_AUTH=user:pw]
	@$(PYTHON) -m news_ingest.kibana --url "$(KIBANA_URL)" $(if $(KIBANA_AUTH),--auth "$(KIBANA_AUTH)")

es-setup: venv ## install the index template and alias (idempotent)
	$(VENV)/bin/news-ingest setup

demo: venv ## set up, start Elasticsearch, crawl the bundled sample site, index, search
	$(PY) -m news_ingest.demo

test: system-deps venv es-fetch os-fetch ## set up and run the whole suite against real Elasticsearch, OpenSearch, Redis
	$(PY) -m pytest -q

test-unit: venv ## only the tests that need no services
	$(PY) -m pytest -q tests/unit

coverage: venv ## unit-test coverage (tests/unit, no services): crawler/, pipelines/, news_ingest/, overall
	@$(PY) -m pytest -q tests/unit --cov --cov-report=; status=$$?; \
	for part in crawler pipelines news_ingest; do \
	  printf '%-13s' "$$part/"; $(VENV)/bin/coverage report --include="$$part/*" | grep TOTAL; done; \
	printf '%-13s' overall; $(VENV)/bin/coverage report | grep TOTAL; exit $$status

SHARED_BENCH ?=  # empty: bench/shared_data.py finds it (../shared, or beside a worktree's main checkout)

replay: venv ## index what was spooled while the cluster was unreachable (oldest first, exactly once)
	$(VENV)/bin/news-ingest replay

bench-deps: venv
	$(PY) -m pip install -q -e '.[bench]'

bench: bench-deps es-fetch ## end-to-end: crawl (every stage, private node) vs trafilatura.extract vs news-please; 2,000 pages, medians of 3
	$(PY) -m bench.e2e --pages 2000 --runs 3 --newsplease-pages 338 --json bench/results/e2e-$$(date +%F).json

bench-memory: venv es-fetch ## RSS of a 20,000-page crawl with every stage and WARC into a private node
	$(PY) -m bench.memory --pages 20000 --json bench/results/memory-$$(date +%F).json

bench-index: venv es-fetch ## index stage vs helpers.bulk vs one request per document, real node
	$(PY) -m bench.index --json bench/results/index-$$(date +%F).json

bench-quality: bench-quality-extraction bench-quality-metadata bench-quality-text ## extraction, metadata, attribution, language quality + speed

bench-quality-extraction: venv ## extract_text vs plain trafilatura on the AEB and news sets
	$(PY) bench/quality_extraction.py $(if $(SHARED_BENCH),--shared $(SHARED_BENCH))

bench-quality-metadata: venv ## title, authors, date: ours vs trafilatura's metadata vs htmldate (tune/blind/full)
	$(PY) bench/quality_metadata.py $(if $(SHARED_BENCH),--shared $(SHARED_BENCH))

bench-quality-text: venv ## attribution/boilerplate/dateline scores, language accuracy, ms per stage
	$(PY) bench/quality_text.py $(if $(SHARED_BENCH),--shared $(SHARED_BENCH))

lint: venv ## ruff and mypy (both must be clean; CI runs this before the tests)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean-cache: ## forget downloads (Elasticsearch, Maven) — they are fetched again on demand
	rm -rf .cache
