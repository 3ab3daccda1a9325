# bidboard — every target sets up what it needs on a fresh machine (Python >= 3.11 and make).
# uv is installed with pip when missing; .venv/ is created from the locked versions in uv.lock.

PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
STAMP := $(VENV)/.synced
export UV_PYTHON ?= $(shell command -v $(PYTHON))
export UV_LINK_MODE ?= copy

.PHONY: demo screenshots test lint types pytest sysdeps bench soak emulator clean help

help:
	@echo "make demo   - run the main job on embedded defaults (local Notion emulator, offline)"
	@echo "make screenshots - the README's pictures in docs/ (a fresh demo, photographed by Chromium)"
	@echo "make test   - ruff, mypy (strict) and pytest"
	@echo "make soak   - the full fault, crash, race, poison and security run (1,000 alerts under faults)"
	@echo "make bench  - benchmarks (see BENCHMARKS.md), about 15 minutes"
	@echo "make emulator - serve the Notion emulator on 127.0.0.1:8765 with data in .bidboard/"

$(STAMP): pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/bidboard demo

screenshots: $(STAMP)
	$(VENV)/bin/python -m docs.screenshots

test: lint types pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP) sysdeps
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Real peers the tests start: Dovecot (IMAP), Chromium (the browser test), PostgreSQL (the
# scale-out test's Prefect database). Installed from Debian when missing and possible.
SYSDEPS := dovecot:dovecot-imapd chromium:chromium pg_ctlcluster:postgresql
sysdeps:
	@missing=""; for pair in $(SYSDEPS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing from Debian:$$missing (peers the tests run on loopback)"; \
	    apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "note:$$missing missing and cannot be installed here; the tests that need them skip"; \
	  fi; \
	fi

# The full reliability run: 1,000 alerts under injected faults, more mail in the crash test, 50
# rounds of two ingesters at once, 10 rounds of poison alerts, people moving cards mid-draft.
# `make test` runs the same tests at a bounded size.
soak: $(STAMP) sysdeps
	BIDBOARD_SOAK=1 $(VENV)/bin/pytest -s -p no:cacheprovider tests/system/test_reliability.py tests/system/test_security.py \
	  tests/system/test_concurrency.py tests/system/test_poison.py tests/notion/test_human_edits.py

emulator: $(STAMP)
	$(VENV)/bin/bidboard emulator --db .bidboard/emulator.sqlite3

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# Benchmarks (not part of `make test`): each prints name=value lines; BENCHMARKS.md keeps the
# latest table. About 15 minutes, most of it Notion's 3 requests a second at work.
bench: $(STAMP) sysdeps
	$(VENV)/bin/python -m bench.parse_alerts
	$(VENV)/bin/python -m bench.scoring
	$(VENV)/bin/python -m bench.drafting
	$(VENV)/bin/python -m bench.notion_gateway
	$(VENV)/bin/python -m bench.idle
	$(VENV)/bin/python -m bench.baseline
	$(VENV)/bin/python -m bench.throughput
	$(VENV)/bin/python -m bench.latency
	$(VENV)/bin/python -m bench.rollup
