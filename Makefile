# bidboard — every target sets up what it needs on a fresh machine (Python >= 3.11 and make).
# uv is installed with pip when missing; .venv/ is created from the locked versions in uv.lock.

PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
STAMP := $(VENV)/.synced
export UV_PYTHON ?= $(shell command -v $(PYTHON))
export UV_LINK_MODE ?= copy

.PHONY: demo test lint types pytest bench emulator clean help

help:
	@echo "make demo   - run the main job on embedded defaults (local Notion emulator, offline)"
	@echo "make test   - ruff, mypy (strict) and pytest"
	@echo "make emulator - serve the Notion emulator on 127.0.0.1:8765 with data in .bidboard/"

$(STAMP): pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/bidboard demo

test: lint types pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

emulator: $(STAMP)
	$(VENV)/bin/bidboard emulator --db .bidboard/emulator.sqlite3

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

bench: $(STAMP)
	$(VENV)/bin/python -m bench.notion_gateway
