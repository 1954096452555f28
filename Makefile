# Two commands on a fresh machine: `make run` (set up, ingest if needed, start the chat)
# and `make test` (set up with dev extras, lint, type-check, test).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= $(or $(ASSISTANT_PORT),8501)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: run test setup setup-dev ingest lint eval bench chromium postgresql axe llm clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall only when the project's dependencies change.
$(VENV)/.stamp-install: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.stamp-install $@

setup: $(VENV)/.stamp-install
setup-dev: $(VENV)/.stamp-dev

# Incremental: unchanged documents are skipped, so this is quick when nothing changed.
ingest: setup
	$(BIN)/assistant ingest

run: ingest
	@echo "Open http://127.0.0.1:$(PORT) (Ctrl-C stops the server)"
	$(BIN)/streamlit run app.py --server.headless true --server.address 127.0.0.1 \
	  --server.port $(PORT) --browser.gatherUsageStats false

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# axe-core (npm registry, version locked in tests/interfaces/package-lock.json), injected by the
# browser tests into each page for the WCAG 2.1 AA check; node_modules is git-ignored.
AXE := tests/interfaces/node_modules/axe-core/axe.min.js
$(AXE): tests/interfaces/package.json tests/interfaces/package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm >/dev/null)
	cd tests/interfaces && npm ci --no-audit --no-fund --loglevel=error
	touch $@
axe: $(AXE)

# The store tests also run against a real PostgreSQL server, started by the tests themselves from
# Debian's binaries (initdb in a temporary folder, 127.0.0.1 only); nothing is configured here.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

# The optional local LLM (llama-cpp-python, compiled): portable CPU flags by default, so a
# CPU that reports an instruction it faults on (AMX) is never used; LLM_CMAKE_ARGS to override.
LLM_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF
llm: setup
	CMAKE_ARGS="$(LLM_CMAKE_ARGS)" $(BIN)/pip install -q --no-cache-dir -e '.[llm]'

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/mypy assistant ingest evals app.py views bench tests

test: setup-dev chromium postgresql axe lint
	$(BIN)/pytest -q --durations=15

eval: ingest
	$(BIN)/assistant eval --compare

# Figures at 1x, 10x and 100x the corpus (synthetic documents around the real five), embedded
# and with a Chroma server: bench/results/scale.md and scale.png. About 20–30 minutes on 2 cores.
$(VENV)/.stamp-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[bench]'
	touch $@

bench: ingest $(VENV)/.stamp-bench
	$(BIN)/python bench/bench_ask.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/scale.py --sizes 1 10 100 --reuse-cache --profile

clean:
	rm -rf var evals/runs .pytest_cache .mypy_cache .ruff_cache
