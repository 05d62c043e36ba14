# Every set-up step lives here so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Dagster 1.8.4 is the blog's version; it gets its own virtualenv so the
# latest Dagster in $(VENV) and the old one never meet.
VENV18 ?= .venv-dagster-1.8
BIN18 := $(VENV18)/bin
PIP_FLAGS := -q --disable-pip-version-check

.PHONY: demo test test-dagster-1.8 bench lint dagster-demo clean

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

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

test-dagster-1.8: $(VENV18)/.installed
	$(BIN18)/python -m pytest -q tests/test_dagster.py tests/test_pipes.py

# Materializes the example asset with the dagster CLI against a temporary DAGSTER_HOME.
dagster-demo: $(VENV)/.installed-test
	$(BIN)/python dagster_example/demo.py

bench: $(VENV)/.installed
	$(BIN)/python tests/bench.py

lint: $(VENV)/.installed-test
	$(BIN)/python -m pip install $(PIP_FLAGS) ruff
	$(BIN)/python -m ruff check --target-version py39 ferris_says tests

clean:
	rm -rf $(VENV) $(VENV18) build *.egg-info .pytest_cache .hypothesis fake_temp/messages.json
