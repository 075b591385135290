# civcap — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

# Every install takes its exact versions from constraints.txt, pip, setuptools and wheel and the
# build of civcap itself included, so an upstream release changes nothing until it is taken on
# purpose with `make constraints`.
CONSTRAINTS := constraints.txt
PIP_INSTALL := $(BIN)/python -m pip install --quiet --constraint $(CONSTRAINTS)

.PHONY: run test install install-dev migrate demo lint clean constraints messages language

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) --upgrade pip setuptools wheel
	$(PIP_INSTALL) --build-constraint $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) --upgrade pip setuptools wheel
	$(PIP_INSTALL) --build-constraint $(CONSTRAINTS) -e '.[dev]'
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

## make messages: extract every string people read into app/translations/messages.pot and add
## the new ones to each language's catalogue (then translate them: `make test` fails until done)
TRANSLATIONS := app/translations
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k lazy_ngettext:1,2 \
	  --no-wrap --sort-by-file --project civcap --copyright-holder "civcap contributors" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --no-wrap -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

## make language LANGUAGE=pt: start the catalogue of a new language (see README: adding a language)
language: install-dev
	@test -n "$(LANGUAGE)" || { echo 'usage: make language LANGUAGE=<code, e.g. pt>'; exit 2; }
	$(BIN)/pybabel init --no-wrap -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $(LANGUAGE)

## make constraints: re-resolve pyproject.toml at the newest releases, in a throwaway venv, into
## constraints.txt; review `git diff constraints.txt` and run `make test` before committing it
constraints:
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade pip setuptools wheel; \
	"$$tmp/venv/bin/python" -m pip install --quiet -e '.[dev]'; \
	{ \
	  echo '# Exact versions of everything `make run`, `make test` and .ci/run install: the dependencies'; \
	  echo '# and the dev extra of pyproject.toml, and pip, setuptools and wheel (which also build civcap).'; \
	  echo '# pyproject.toml keeps open bounds; this file decides what is installed, so an upstream release'; \
	  echo '# reaches the venv and CI only when someone takes it on purpose.'; \
	  echo '# Refresh: `make constraints` (resolves pyproject.toml afresh in a throwaway venv and rewrites'; \
	  echo '# this file), review the diff, run `make test`, commit. Do not edit by hand.'; \
	  "$$tmp/venv/bin/python" -c 'import platform, sys; print("# Resolved with Python %d.%d on %s %s." % (*sys.version_info[:2], platform.system(), platform.machine()))'; \
	  "$$tmp/venv/bin/python" -m pip freeze --all --exclude-editable; \
	} > "$$tmp/constraints.txt"; \
	cat "$$tmp/constraints.txt" > $(CONSTRAINTS)
	@echo 'make constraints: constraints.txt rewritten; review `git diff constraints.txt`, then `make test`.'

clean:
	rm -rf $(VENV) instance .pytest_cache
