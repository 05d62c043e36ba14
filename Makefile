# Every set-up step lives here so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Dagster 1.8.4 is the blog's version; it gets its own virtualenv so the
# latest Dagster in $(VENV) and the old one never meet.
VENV18 ?= .venv-dagster-1.8
BIN18 := $(VENV18)/bin
PIP_FLAGS := -q --disable-pip-version-check

.PHONY: demo demo-next-steps test docs docs-check docs-serve test-docs-slow test-dagster-1.8 bench lint dagster-demo dagster dg-check e2e clean \
	image test-container test-pythons container-tools test-stores test-dagster-matrix

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install $(PIP_FLAGS) -e '.[test]'
	touch $@

$(VENV18)/.installed: pyproject.toml
	test -x $(BIN18)/python || $(PYTHON) -m venv $(VENV18)
	# dagster 1.8.4 imports six without declaring it on these machines.
	$(BIN18)/python -m pip install $(PIP_FLAGS) 'dagster==1.8.4' six pytest hypothesis -e .
	touch $@

demo: $(VENV)/.installed
	rm -f fake_temp/messages.json
	$(BIN)/ferris-says "what you want"
	$(BIN)/python -m ferris_says.show_messages fake_temp/messages.json
	@$(MAKE) -s --no-print-directory demo-next-steps

# How to run the command next: it lives in $(VENV), which no shell has on its PATH yet.
demo-next-steps:
	@echo
	@echo 'ferris-says is installed in $(VENV)/. To run it from any shell:'
	@echo '  source $(abspath $(VENV))/bin/activate'
	@echo '  ferris-says "what you want"'
	@echo 'or, without activating: $(abspath $(BIN))/ferris-says "what you want"'

# Debian's LineBreak.txt, which a test checks the generated line-break table against.
LINEBREAK_TXT := /usr/share/unicode/LineBreak.txt
$(LINEBREAK_TXT):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unicode-data

# Debian's Perl cowsay 3.03: the oracle the .cow tests compare ferris-says with.
COWSAY := /usr/games/cowsay
APT_LOCKED := apt-get -o DPkg::Lock::Timeout=900
$(COWSAY):
	$(APT_LOCKED) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_LOCKED) install -y -qq cowsay


# The shells whose completion the docs' examples run (bash is Debian's own), and man, which
# reads the generated manual page in the tests.
DOCS_TOOLS := /usr/bin/zsh /usr/bin/fish /usr/bin/man
$(DOCS_TOOLS):
	apt-get -o DPkg::Lock::Timeout=900 update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get -o DPkg::Lock::Timeout=900 install -y -qq zsh fish man-db

# The locale sources of Debian's locales (localedef itself is in libc-bin), from which
# tests/test_hardening_locale.py builds an ISO-8859-1 locale into a temporary directory.
LOCALE_SOURCE := /usr/share/i18n/locales/en_US
$(LOCALE_SOURCE):
	apt-get -o DPkg::Lock::Timeout=900 update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq locales

test: $(VENV)/.installed-test $(LINEBREAK_TXT) $(COWSAY) $(DOCS_TOOLS) $(LOCALE_SOURCE)
	$(BIN)/python -m pytest -q

# ---- documentation ---------------------------------------------------------------------------
$(VENV)/.installed-docs: $(VENV)/.installed
	$(BIN)/python -m pip install $(PIP_FLAGS) -e '.[docs]'
	touch $@

# The site (strict: a dead link or a page missing from nav fails) and the manual page, both
# from the sources in the checkout, into build/docs/.
docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --config-file docs/mkdocs.yml
	mkdir -p build/docs/man
	for name in $$($(BIN)/python -m ferris_says.manpage --list); do \
		$(BIN)/python -m ferris_says.manpage --command $$name > build/docs/man/$$name.1 || exit 1; \
	done
	@echo "site: build/docs/site/index.html; man pages: man -l build/docs/man/ferris-says.1 (and ferris-thinks.1, ferris-cowsay.1, ferris-cowthink.1)"

# Every page of the built site in headless Chromium (Debian's), served on a free loopback port.
docs-check: docs
	command -v chromium >/dev/null || (apt-get -o DPkg::Lock::Timeout=900 update && \
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y chromium)
	$(BIN)/python tests/docs_browser.py build/docs/site

# A live preview of the site on a free loopback port; Ctrl-C stops it.
docs-serve: $(VENV)/.installed-docs
	@port=$$($(BIN)/python -c 'import socket; s = socket.socket(); \
		s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') && \
	echo "docs preview: http://127.0.0.1:$$port/" && \
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --config-file docs/mkdocs.yml -a 127.0.0.1:$$port

# The examples marked slow: installs with pip, pipx and uv, make demo in a copy of the clone,
# the dg project made from nothing.
test-docs-slow: $(VENV)/.installed-test $(VENV)/.installed-docs $(DOCS_TOOLS)
	FERRIS_SAYS_DOCS_SLOW=1 $(BIN)/python -m pytest -q tests/test_docs_examples.py

test-dagster-1.8: $(VENV18)/.installed
	$(BIN18)/python -m pytest -q tests/test_dagster.py tests/test_pipes.py tests/test_hardening.py \
		tests/test_hardening_sources.py tests/test_hardening_signals.py

# Every Dagster minor ferris-says admits, each at its newest patch (found at run time), and the
# component tests on every minor the `dagster` extra admits: tools/dagster_matrix.py says how.
# uv makes the virtualenvs (.venv-matrix/) from its wheel cache; the table lands in
# build/dagster-matrix/table.md.
# Three lines at a time on 2 cores: the component lines wait on `dg` most of their time.
MATRIX_JOBS ?= 3
$(VENV)/.installed-uv: $(VENV)/.installed-packaging
	$(BIN)/python -m pip install $(PIP_FLAGS) uv
	touch $@

test-dagster-matrix: $(VENV)/.installed-uv
	nice $(BIN)/python tools/dagster_matrix.py --uv $(BIN)/uv --python $(PYTHON) --jobs $(MATRIX_JOBS)

# The example is a Dagster components project (dagster_example/pyproject.toml, [tool.dg]); its
# code location is the module ferris_example.definitions, imported from dagster_example/.
EXAMPLE_TARGET := -m ferris_example.definitions -d dagster_example

# Materializes the example's assets with the dagster CLI against a temporary DAGSTER_HOME.
dagster-demo: $(VENV)/.installed-test
	$(BIN)/python dagster_example/demo.py

# `dg` (dagster-dg-cli, a test dependency) validates and lists the example project.
dg-check: $(VENV)/.installed-test
	@home=$$(mktemp -d -t ferris-dg-home-XXXXXX) && trap 'rm -rf "$$home"' EXIT INT TERM && \
	printf 'telemetry:\n  enabled: false\n' > "$$home/dagster.yaml" && \
	cd dagster_example && export DAGSTER_HOME="$$home" PATH="$(CURDIR)/$(BIN):$$PATH" && \
	echo '$$ dg check defs' && dg check defs && \
	echo '$$ dg list defs' && dg list defs && \
	echo '$$ dg list components' && dg list components | grep -A2 ferris_says

# Dagster's web UI gets its own virtualenv: dagster-webserver pins its dagster release, which
# may trail the newest dagster that the test suite runs against in $(VENV).
VENVUI ?= .venv-ui
BINUI := $(VENVUI)/bin
# playwright's Python driver only: it drives Debian's chromium (never `playwright install`).
$(VENVUI)/.installed: pyproject.toml
	test -x $(BINUI)/python || $(PYTHON) -m venv $(VENVUI)
	$(BINUI)/python -m pip install $(PIP_FLAGS) -e . dagster-webserver playwright
	touch $@

# `dagster dev` with the example definitions and a throw-away DAGSTER_HOME; Ctrl-C stops it.
DAGSTER_PORT ?= 3000
dagster: $(VENVUI)/.installed
	@home=$$(mktemp -d -t ferris-dagster-home-XXXXXX) && trap 'rm -rf "$$home"' EXIT INT TERM && \
	printf 'telemetry:\n  enabled: false\n' > "$$home/dagster.yaml" && \
	echo "Dagster UI: http://127.0.0.1:$(DAGSTER_PORT)/assets/ferris  (DAGSTER_HOME=$$home)" && \
	DAGSTER_HOME="$$home" $(BINUI)/dagster dev -h 127.0.0.1 -p $(DAGSTER_PORT) $(EXAMPLE_TARGET)

# Materializes the example against dagster-webserver and checks the asset pages in headless Chromium;
# screenshots and logs in build/e2e/.
e2e: $(VENVUI)/.installed
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	$(BINUI)/python tests/e2e_ui.py

# FSAYS=... GOLDEN=... (../shared/oracle/build.sh) add the Rust crate's figures to every row.
bench: $(VENV)/.installed
	# Compile first, as pip does on a normal install: cold start should not time compiling.
	$(BIN)/python -m compileall -q ferris_says
	$(BIN)/python tests/bench.py $(if $(FSAYS),--fsays $(FSAYS)) $(if $(GOLDEN),--golden $(GOLDEN)) $(BENCH_ARGS)

$(VENV)/.installed-lint: $(VENV)/.installed-test
	$(BIN)/python -m pip install $(PIP_FLAGS) -e '.[lint]'
	touch $@

# ruff; mypy --strict over ferris_says/, tests/ and tools/ ([tool.mypy] in pyproject.toml); and a
# draft of the next changelog section, which fails on a fragment towncrier cannot read.
lint: $(VENV)/.installed-lint
	$(BIN)/python -m ruff check ferris_says tests tools typings dagster_example containers
	$(BIN)/python -m mypy
	@$(BIN)/towncrier build --draft --version next >/dev/null 2>&1 || \
		$(BIN)/towncrier build --draft --version next

# ---- containers ------------------------------------------------------------------------------
# `make image` builds $(IMAGE) from the Dockerfile with podman, or with docker where a Docker
# engine answers and podman is not installed. The base is $(BASE_IMAGE) when the engine has it
# or can pull it, else a Debian $(LOCAL_BASE_SUITE) base built here with mmdebstrap. The wheels
# always come from the host (containers/wheelhouse.py).
IMAGE ?= ferris-says:latest
BASE_IMAGE ?= python:3.12-slim
LOCAL_BASE_SUITE ?= bookworm
# Debian releases for `make test-pythons`: bullseye has Python 3.9, bookworm 3.11, trixie 3.13,
# forky (testing) 3.14. forky ships python3.15 too (`forky/python3.15` tests it), but every
# dagster-pipes release so far declares Requires-Python <3.15: pip will not install ferris-says.
PYTHON_SUITES ?= bullseye bookworm trixie forky
ifeq ($(origin ENGINE),undefined)
ENGINE := $(shell if command -v podman >/dev/null 2>&1; then echo podman; \
	elif docker info >/dev/null 2>&1; then echo docker; else echo podman; fi)
endif
# podman's settings live in the project (runc, cgroupfs, explicit ulimits: see the file); its
# storage stays podman's own (/var/lib/containers), outside the checkout.
export CONTAINERS_CONF := $(CURDIR)/containers/containers.conf
APT_INSTALL := apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends
# catatonit: the pause process of the pods `podman kube play` makes (the Kubernetes test).
PODMAN_PACKAGES := podman runc catatonit

# Debian's podman, runc and mmdebstrap, installed when missing (like chromium for e2e).
container-tools:
	@if [ "$(ENGINE)" = podman ]; then \
		dpkg -s $(PODMAN_PACKAGES) mmdebstrap >/dev/null 2>&1 || \
		($(APT_INSTALL) $(PODMAN_PACKAGES) mmdebstrap); \
	else \
		dpkg -s mmdebstrap >/dev/null 2>&1 || ($(APT_INSTALL) mmdebstrap); \
	fi

# containers/wheelhouse.py reads the wheels' metadata with packaging.
$(VENV)/.installed-packaging: $(VENV)/.installed
	$(BIN)/python -m pip install $(PIP_FLAGS) packaging
	touch $@

# EXTRAS=s3,gcs,azure: the image with the blob stores' SDKs (--pipes-store); none by default.
EXTRAS ?=
image: container-tools $(VENV)/.installed-packaging
	PYTHON=$(BIN)/python EXTRAS=$(EXTRAS) sh containers/image.sh $(ENGINE) $(IMAGE) $(BASE_IMAGE) $(LOCAL_BASE_SUITE)

# dagster-docker and dagster-k8s pin their own dagster release: they get their own virtualenv,
# like the web UI.
VENVDOCKER ?= .venv-docker
BINDOCKER := $(VENVDOCKER)/bin
# (hypothesis: the man page is read in the image under generated users, widths and locales;
# the stamp's name changed with it, so an older .venv-docker gets it too.)
$(VENVDOCKER)/.installed-hypothesis: pyproject.toml
	test -x $(BINDOCKER)/python || $(PYTHON) -m venv $(VENVDOCKER)
	$(BINDOCKER)/python -m pip install $(PIP_FLAGS) -e '.[docker,k8s]' pytest hypothesis
	touch $@

# The image under podman's Docker-compatible API on a private socket, driven by Dagster's
# PipesDockerClient (and the Kubernetes example's pod under `podman kube play`). The script
# stops the service and removes the tests' containers however the tests end.
test-container: image $(VENVDOCKER)/.installed-hypothesis
	FERRIS_SAYS_IMAGE=$(IMAGE) sh containers/with-podman-service.sh \
		$(BINDOCKER)/python -m pytest -q tests/test_container.py

# The test suite on Debian bullseye (Python 3.9), bookworm (3.11), trixie (3.13) and forky
# (3.14), each in a container, against the installed wheel.
test-pythons: container-tools $(VENV)/.installed-packaging $(LINEBREAK_TXT)
	PYTHON=$(BIN)/python TAG_SUFFIX=$(TAG_SUFFIX) sh containers/pythons.sh $(ENGINE) $(PYTHON_SUITES)

# ---- blob stores -----------------------------------------------------------------------------
# --pipes-store against real servers on loopback: dagster-aws, dagster-gcp (with dataproc, which
# its pipes module imports) and dagster-azure pin their dagster release, so they get their own
# virtualenv; moto's S3 server and gcp-storage-emulator come from PyPI, Azurite from npm into
# build/azurite (node is needed, npm installed when missing). The tests start and stop them,
# and a drip server of their own (tests/store_servers.py) that answers and then misbehaves:
# its cases wait out the 20 s deadline six at a time, about four of the run's seven minutes on
# a shared 2-core machine.
VENVSTORES ?= .venv-stores
BINSTORES := $(VENVSTORES)/bin
AZURITE_DIR := build/azurite
AZURITE_VERSION ?= 3.35.0
# uv resolves and installs these ~200 packages in about 30 s where pip took 11 minutes.
$(VENVSTORES)/.installed: pyproject.toml
	test -x $(BINSTORES)/python || $(PYTHON) -m venv $(VENVSTORES)
	$(BINSTORES)/python -m pip install $(PIP_FLAGS) uv
	$(BINSTORES)/uv pip install -q --python $(BINSTORES)/python -e '.[s3,gcs,azure]' dagster-aws \
		'dagster-gcp[dataproc]' dagster-azure 'moto[server]' gcp-storage-emulator pytest hypothesis
	touch $@

$(AZURITE_DIR)/.installed:
	command -v npm >/dev/null || (apt-get -o DPkg::Lock::Timeout=900 update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q npm)
	npm install --prefix $(AZURITE_DIR) --no-audit --no-fund --silent azurite@$(AZURITE_VERSION)
	touch $@

test-stores: $(VENVSTORES)/.installed $(AZURITE_DIR)/.installed
	FERRIS_SAYS_STORE_TESTS=1 AZURITE_BLOB=$(abspath $(AZURITE_DIR))/node_modules/.bin/azurite-blob \
		$(BINSTORES)/python -m pytest -q tests/test_stores.py

clean:
	rm -rf $(VENV) $(VENV18) $(VENVUI) $(VENVDOCKER) $(VENVSTORES) .venv-matrix build *.egg-info .pytest_cache .hypothesis .mypy_cache \
		fake_temp/messages.json
