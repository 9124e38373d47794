# Set-up is part of every target, so `make demo` and `make test` work on a fresh
# Debian machine with Python 3.11: they create .venv, install the pinned packages and,
# when no Chromium is present, Debian's chromium package.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser demo test clean

setup: $(STAMP) browser

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "adcensus needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

browser:
	@sh scripts/install-browser.sh

demo: setup
	$(BIN)/adcensus demo

# the suite runs on every core (at most 4: each browser test starts its own Chromium);
# tests share nothing but 127.0.0.1, each on ports and files of its own
test: setup
	$(BIN)/pytest -n auto --maxprocesses 4

clean:
	rm -rf $(VENV) adcensus-data .pytest_cache
