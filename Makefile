# ferris-says' development targets (`make help` lists them). A fresh clone needs python3 and make;
# `make deps` adds the Debian packages that some tests compare with or run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP_FLAGS := -q --disable-pip-version-check
.DEFAULT_GOAL := help

.PHONY: help deps demo demo-next-steps test test-slow check lint docs docs-check docs-serve man \
	test-docs-slow test-dagster-matrix test-dagster-1.8 dg-check dagster-demo dagster e2e \
	bench dist image test-container test-pythons test-stores clean

help:  ## this list
	@awk -F ':.*## ' '/^[a-z0-9.-]+:.*## / { printf "  make %-20s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# ---- Debian packages ------------------------------------------------------------------------
# The one place that runs apt-get: only for packages that are missing (neither installed nor a
# command of that name on PATH, as npm is with NodeSource's nodejs), so no root is needed once
# they are there; as root or through sudo, waiting for another apt rather than failing
# (checkouts share machines), asking nothing.
SUDO := $(if $(filter 0,$(shell id -u)),,$(shell command -v sudo))
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -y -q
# $(call apt_install,PACKAGES), a recipe line of its own.
apt_install = missing=$$(for package in $(1); do dpkg-query -W -f='$${db:Status-Abbrev}' \
	$$package 2>/dev/null | grep -q '^ii' || command -v $$package >/dev/null || \
	echo $$package; done); \
	if [ -z "$$missing" ]; then :; \
	elif ! command -v apt-get >/dev/null; then \
		echo "no apt-get here: install what Debian calls" $$missing >&2; exit 1; \
	else $(APT_GET) update && $(APT_GET) install $$missing; fi
# What the tests compare with or run (tests/support/system_tools.py; without them they skip,
# naming `make deps`): Perl cowsay, LineBreak.txt, the locale sources, man, the shells.
TEST_PACKAGES := cowsay unicode-data locales man-db zsh fish bash make
BROWSER_PACKAGES := chromium
# podman and what its pods need; mmdebstrap makes Debian bases where no registry answers.
CONTAINER_PACKAGES = $(if $(filter podman,$(ENGINE)),podman runc catatonit) mmdebstrap
NODE_PACKAGES := npm

deps:  ## the Debian packages of every target (root or sudo)
	@$(call apt_install,$(TEST_PACKAGES) $(BROWSER_PACKAGES) $(CONTAINER_PACKAGES) $(NODE_PACKAGES))

# ---- virtualenvs ----------------------------------------------------------------------------
# $(VENV) has the newest Dagster and every extra a target below asks for (installed again when
# pyproject.toml changes). Dagster's integrations (web UI, Docker, Kubernetes, the blob stores)
# pin the Dagster release they belong to, so they live in their own virtualenv, $(VENVINT); the
# Dagster matrix makes one per Dagster line under .venv-matrix/.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Editable as a path in a .pth file (setuptools' compat mode): its default, an import hook,
# costs every Python start in the virtualenv about 20 ms of CPU, and the tests start thousands.
EDITABLE := --config-settings editable_mode=compat -e
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) $(EDITABLE) .
	touch $@

# $(VENV)/.extra-test, -docs, -lint, -dist: ferris-says with that extra.
$(VENV)/.extra-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) $(EDITABLE) '.[$*]'
	touch $@

# uv makes the other virtualenvs from its wheel cache, in seconds where pip takes minutes.
$(VENV)/.uv: | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) uv packaging
	touch $@

VENVINT ?= .venv-integrations
BININT := $(VENVINT)/bin
$(VENVINT)/.installed: pyproject.toml $(VENV)/.uv
	$(BIN)/uv venv -q --allow-existing --python $(PYTHON) $(VENVINT)
	$(BIN)/uv pip install -q --python $(BININT)/python -e '.[docker,k8s,s3,gcs,azure]' \
		dagster-webserver dagster-aws 'dagster-gcp[dataproc]' dagster-azure playwright \
		'moto[server]' gcp-storage-emulator pytest hypothesis
	touch $@

# ---- the command and its tests --------------------------------------------------------------
demo: $(VENV)/.installed  ## install into .venv, run against fake_temp/, show what Dagster got
	rm -f fake_temp/messages.json
	$(BIN)/ferris-says "what you want"
	$(BIN)/python -m ferris_says.show_messages fake_temp/messages.json
	@$(MAKE) -s --no-print-directory demo-next-steps

# The command lives in $(VENV), which no shell has on its PATH yet: say where, in full.
demo-next-steps:
	@echo
	@echo 'ferris-says is installed in $(VENV)/. To run it from any shell:'
	@echo '  source $(abspath $(BIN))/activate'
	@echo '  ferris-says "what you want"'
	@echo 'or, without activating: $(abspath $(BIN))/ferris-says "what you want"'

# `make test` is the loop a contributor waits on: it leaves out the tests marked slow (real
# Dagster runs of every attribute, dg, oracles asked thousands of times, every locale, big
# streams, waits on a clock; docs/pages/development.md lists them), hypothesis tries a tenth of
# its examples (tests/support/hypothesis_profiles.py), and the command runs forked from a
# server that imported it once (tests/support/fork_server.py). `make check` runs both targets
# with EXAMPLES=all FORKED=0: CI runs every test, every example, every command afresh.
EXAMPLES ?= quick
FORKED ?= 1
# Python's bytecode caches are written (git ignores them) even where PYTHONDONTWRITEBYTECODE is
# set: without pytest's, every run compiles every test module again, 4 CPU seconds.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -rs

test: $(VENV)/.extra-test  ## the tests but the slow ones, a tenth of hypothesis' examples
	FERRIS_SAYS_TESTS_FORKED=$(FORKED) $(PYTEST) -m "not slow" --hypothesis-profile=$(EXAMPLES)

test-slow: $(VENV)/.extra-test  ## the tests make test leaves out, every example
	$(PYTEST) -m slow --hypothesis-profile=all

test-docs-slow: $(VENV)/.extra-test $(VENV)/.extra-docs  ## the docs' install and dg examples
	FERRIS_SAYS_DOCS_SLOW=1 $(BIN)/python -m pytest -q -rs tests/test_docs_examples.py

lint: $(VENV)/.extra-lint  ## ruff, mypy --strict, the changelog's fragments
	$(BIN)/python -m ruff check ferris_says tests tools typings dagster_example containers
	$(BIN)/python -m mypy
	@$(BIN)/towncrier build --draft --version next >/dev/null 2>&1 || \
		$(BIN)/towncrier build --draft --version next

# What CI runs (.ci/run, after `make deps`), one target after another, each one timed.
CHECKS := lint test test-slow docs docs-check test-docs-slow dist dg-check test-dagster-matrix \
	test-stores e2e test-container test-pythons
check:  ## every target CI runs, in order, hypothesis trying every example
	@for target in $(CHECKS); do start=$$(date +%s); \
		$(MAKE) --no-print-directory $$target EXAMPLES=all FORKED=0 || exit 1; \
		echo "check: make $$target passed in $$(($$(date +%s) - start)) s"; done

# FSAYS=... GOLDEN=... (../shared/oracle/build.sh) add the Rust crate's figures to every row.
bench: $(VENV)/.installed  ## speed and memory of whole processes
	# Compiled first, as pip does on a normal install: cold start should not time compiling.
	$(BIN)/python -m compileall -q ferris_says
	PYTHONPATH=tests $(BIN)/python tools/bench.py $(if $(FSAYS),--fsays $(FSAYS)) $(if $(GOLDEN),--golden $(GOLDEN)) $(BENCH_ARGS)

# ---- documentation and the package ----------------------------------------------------------
# The shim that lets the site's search run from a file (docs/hooks.py says why), from npm;
# without npm (make deps installs it) the site's search needs a server: make docs-serve.
SEARCH_SHIM := build/npm/node_modules/iframe-worker/shim/index.js
$(SEARCH_SHIM):
	@if command -v npm >/dev/null; then \
		npm install --prefix build/npm --no-audit --no-fund --silent iframe-worker@1.0.4; \
	else echo "docs: no npm (make deps): searching the site will need make docs-serve" >&2; fi

docs: $(VENV)/.extra-docs $(SEARCH_SHIM)  ## the site into build/docs/site/ (strict)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --config-file docs/mkdocs.yml
	@echo "site: build/docs/site/index.html; make docs-serve previews it on a loopback port"

docs-check: docs  ## every page of the built site in headless Chromium, search included
	@$(call apt_install,$(BROWSER_PACKAGES))
	$(BIN)/python tools/docs_browser.py build/docs/site

docs-serve: $(VENV)/.extra-docs  ## a live preview of the site on a free loopback port
	@port=$$($(BIN)/python -c 'import socket; s = socket.socket(); \
		s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') && \
	echo "docs preview: http://127.0.0.1:$$port/" && \
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --config-file docs/mkdocs.yml -a 127.0.0.1:$$port

# The pages are committed, so that building the package needs only setuptools;
# tests/test_project.py fails when one differs from what the command's help would write.
man: $(VENV)/.installed  ## write man/man1/*.1, the manual pages the wheel carries
	$(BIN)/python tools/man_pages.py man/man1

dist: $(VENV)/.extra-dist  ## the sdist and the wheel into dist/, checked as an index would
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*
	$(BIN)/check-wheel-contents dist/*.whl

# ---- Dagster --------------------------------------------------------------------------------
# Every Dagster minor ferris-says admits, at its newest patch found at run time, and the floors
# (tools/dagster_matrix.py); the table lands in build/dagster-matrix/table.md. Three lines at a
# time on 2 cores: the component lines wait on `dg` most of their time.
MATRIX_JOBS ?= 3
test-dagster-matrix: $(VENV)/.uv $(VENV)/.installed  ## the Dagster tests on every Dagster minor from 1.8
	nice $(BIN)/python tools/dagster_matrix.py --uv $(BIN)/uv --python $(PYTHON) \
		--jobs $(MATRIX_JOBS) $(MATRIX_ARGS)

test-dagster-1.8:  ## the matrix's line for the blog's Dagster 1.8.4 alone
	$(MAKE) --no-print-directory test-dagster-matrix MATRIX_ARGS=--only=core-1.8.4

# The example is a Dagster components project (dagster_example/pyproject.toml, [tool.dg]); its
# code location is the module ferris_example.definitions, imported from dagster_example/.
EXAMPLE_TARGET := -m ferris_example.definitions -d dagster_example
# A throw-away DAGSTER_HOME with telemetry off, for the recipe line that follows it.
DAGSTER_HOME_TMP = home=$$(mktemp -d -t ferris-dagster-home-XXXXXX) && \
	trap 'rm -rf "$$home"' EXIT INT TERM && \
	printf 'telemetry:\n  enabled: false\n' > "$$home/dagster.yaml" && export DAGSTER_HOME="$$home"

dagster-demo: $(VENV)/.extra-test  ## materialize the example's assets with the dagster CLI
	$(BIN)/python dagster_example/demo.py

dg-check: $(VENV)/.extra-test  ## dg check defs, list defs, list components on the example
	@$(DAGSTER_HOME_TMP) && cd dagster_example && export PATH="$(CURDIR)/$(BIN):$$PATH" && \
	echo '$$ dg check defs' && dg check defs && \
	echo '$$ dg list defs' && dg list defs && \
	echo '$$ dg list components' && dg list components | grep -A2 ferris_says

DAGSTER_PORT ?= 3000
dagster: $(VENVINT)/.installed  ## Dagster's web UI with the example; Ctrl-C stops it
	@$(DAGSTER_HOME_TMP) && \
	echo "Dagster UI: http://127.0.0.1:$(DAGSTER_PORT)/assets/ferris  (DAGSTER_HOME=$$home)" && \
	$(BININT)/dagster dev -h 127.0.0.1 -p $(DAGSTER_PORT) $(EXAMPLE_TARGET)

# playwright's Python driver only: it drives Debian's chromium (never `playwright install`).
e2e: $(VENVINT)/.installed  ## the example's asset pages in headless Chromium; build/e2e/
	@$(call apt_install,$(BROWSER_PACKAGES))
	$(BININT)/python tools/e2e_ui.py

# ---- blob stores ----------------------------------------------------------------------------
# --pipes-store against real servers on loopback: moto's S3 server and gcp-storage-emulator
# (in $(VENVINT)) and Azurite (from npm, into build/azurite). The tests start and stop them,
# and a drip server of their own (tests/support/store_servers.py) that answers and then misbehaves: its
# cases wait out the 20 s deadline six at a time, about four of the run's seven minutes on a
# shared 2-core machine.
AZURITE_DIR := build/azurite
AZURITE_VERSION ?= 3.35.0
$(AZURITE_DIR)/.installed:
	@$(call apt_install,$(NODE_PACKAGES))
	npm install --prefix $(AZURITE_DIR) --no-audit --no-fund --silent azurite@$(AZURITE_VERSION)
	touch $@

test-stores: $(VENVINT)/.installed $(AZURITE_DIR)/.installed  ## --pipes-store on S3, GCS, Azure
	FERRIS_SAYS_STORE_TESTS=1 AZURITE_BLOB=$(abspath $(AZURITE_DIR))/node_modules/.bin/azurite-blob \
		$(BININT)/python -m pytest -q -rs tests/test_stores.py

# ---- containers (containers/*.sh say how each step goes) -------------------------------------
# podman, or docker where a Docker engine answers and podman is not installed.
ENGINE ?= $(shell if command -v podman >/dev/null 2>&1; then echo podman; \
	elif docker info >/dev/null 2>&1; then echo docker; else echo podman; fi)
# podman's settings (runc, cgroupfs, explicit ulimits) live in the project; its storage does not.
export CONTAINERS_CONF := $(CURDIR)/containers/containers.conf
IMAGE ?= ferris-says:latest
# The base when the engine has it or can pull it, else a Debian one made with mmdebstrap.
BASE_IMAGE ?= python:3.12-slim
LOCAL_BASE_SUITE ?= bookworm
# Python 3.9, 3.11, 3.13, 3.14; `forky/python3.15` would add 3.15, which dagster-pipes refuses.
PYTHON_SUITES ?= bullseye bookworm trixie forky
# EXTRAS=s3,gcs,azure: the image with the blob stores' SDKs (--pipes-store); none by default.
EXTRAS ?=

image: $(VENV)/.uv  ## the container image (IMAGE=ferris-says:latest)
	@$(call apt_install,$(CONTAINER_PACKAGES))
	PYTHON=$(BIN)/python EXTRAS=$(EXTRAS) sh containers/image.sh $(ENGINE) $(IMAGE) \
		$(BASE_IMAGE) $(LOCAL_BASE_SUITE)

test-container: image $(VENVINT)/.installed  ## the image run by Dagster's Docker and k8s clients
	FERRIS_SAYS_IMAGE=$(IMAGE) sh containers/with-podman-service.sh \
		$(BININT)/python -m pytest -q -rs tests/test_container.py

test-pythons: $(VENV)/.uv  ## the tests on Python 3.9, 3.11, 3.13, 3.14, in containers
	@$(call apt_install,$(CONTAINER_PACKAGES))
	PYTHON=$(BIN)/python TAG_SUFFIX=$(TAG_SUFFIX) sh containers/pythons.sh $(ENGINE) $(PYTHON_SUITES)

clean:  ## remove the virtualenvs and everything the targets wrote
	rm -rf .venv .venv-* build dist *.egg-info .pytest_cache .hypothesis .mypy_cache \
		.ruff_cache fake_temp/messages.json
