# Everything runs from the project's own virtualenv, created on first use from requirements.lock.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo build test ui kpis generate bench clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $(STAMP)

## demo: set up, generate sample data if data/landing is empty, build, check, print KPIs
demo: $(STAMP)
	$(BIN)/revops build $(if $(LANDING),--landing $(LANDING)) $(if $(AS_OF),--as-of $(AS_OF))

build: demo

## test: set up and run the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

ui: $(STAMP)
	$(BIN)/revops ui

kpis: $(STAMP)
	$(BIN)/revops kpis

generate: $(STAMP)
	$(BIN)/revops generate --accounts $(or $(ACCOUNTS),2000) --out $(or $(OUT),data/landing)

## bench: time and peak memory of generate + build at several sizes (see docs/benchmarks.md)
bench: $(STAMP)
	$(BIN)/python -m devtools.bench $(BENCH_ARGS)

clean:
	rm -rf target logs data/warehouse.duckdb data/.warehouse* .pytest_cache
