VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test check bench fmt clean interop-labelstudio

$(STAMP): pyproject.toml
	test -d $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml
	test -d $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,dev]'
	touch $(STAMP) $@

## Start the app on the bundled seeds (default database in the user's data directory).
run: $(STAMP)
	$(VENV)/bin/hashiya $(ARGS)

## Run the whole test suite.
test: $(TEST_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## Hashiya's Label Studio export in a real Label Studio and headless Chromium (opt-in, not
## in `make test`): Label Studio gets a virtualenv of its own (LABELSTUDIO_VENV).
LABELSTUDIO_VENV ?= .labelstudio-venv
LABELSTUDIO_VERSION ?= 1.23.2
$(LABELSTUDIO_VENV)/.installed-$(LABELSTUDIO_VERSION):
	test -d $(LABELSTUDIO_VENV) || python3 -m venv $(LABELSTUDIO_VENV)
	$(LABELSTUDIO_VENV)/bin/pip install -q 'label-studio==$(LABELSTUDIO_VERSION)'
	touch $@

interop-labelstudio: $(TEST_STAMP) $(LABELSTUDIO_VENV)/.installed-$(LABELSTUDIO_VERSION)
	HASHIYA_LABELSTUDIO_VENV=$(abspath $(LABELSTUDIO_VENV)) $(PY) -m pytest tests/interop/test_labelstudio_live.py $(PYTEST_ARGS)

## Lint, format check and type check.
check: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: $(TEST_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Print the benchmark table (figures and ratios against in-run baselines).
bench: $(TEST_STAMP)
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(LABELSTUDIO_VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
