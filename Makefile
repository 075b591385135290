# civcap — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install install-dev migrate demo lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load the demo roster and logins, serve on http://$(HOST):$(PORT)
run: install
	CIVCAP_ENV=$${CIVCAP_ENV:-development} $(BIN)/civcap db upgrade
	CIVCAP_ENV=$${CIVCAP_ENV:-development} $(BIN)/civcap seed-demo
	CIVCAP_ENV=$${CIVCAP_ENV:-development} $(BIN)/civcap run --host $(HOST) --port $(PORT)

## make test: install with the dev extra and run the whole suite
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check app matching tests config.py
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance .pytest_cache
