# Everything runs from the project's own virtualenv, created on first use from requirements.lock.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo build test ui kpis generate bench bench-floors clean setup browser app spark-setup spark-parity

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

## browser: Debian's headless Chromium, which the browser tests drive (installed with apt when missing)
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing Debian's chromium for the browser tests"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## test: set up and run the whole test suite, a test file at a time on each of TEST_WORKERS
## processes (pytest-xdist; TEST_WORKERS=0 runs it in one process)
TEST_WORKERS ?= 2
test: $(STAMP) browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

ui: $(STAMP)
	$(BIN)/revops ui

## app: the report pages and the steward review grid on http://127.0.0.1:8050
app: $(STAMP)
	$(BIN)/revops app

kpis: $(STAMP)
	$(BIN)/revops kpis

generate: $(STAMP)
	$(BIN)/revops generate --accounts $(or $(ACCOUNTS),2000) --out $(or $(OUT),data/landing)

## bench: time and peak memory of generate + build at several sizes (see docs/benchmarks.md)
bench: $(STAMP)
	$(BIN)/python -m devtools.bench $(BENCH_ARGS)

## bench-floors: each build figure of issue 12 against its floor, ratios first (docs/benchmarks.md)
bench-floors: $(STAMP)
	$(BIN)/python -m devtools.bench_floors $(BENCH_ARGS)

## spark-setup: the second engine (pyspark in local mode, dbt-spark; Java 17): docs/spark.md
SPARK_STAMP := $(VENV)/.spark-installed
spark-setup: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP)
	@command -v java >/dev/null || { echo "Spark needs Java 17 (java not found)"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test,spark]'
	@touch $(SPARK_STAMP)

## spark-parity: the models on Spark from WAREHOUSE's raw tables, every table compared (docs/spark.md)
spark-parity: $(SPARK_STAMP)
	$(BIN)/python -m devtools.spark_parity $(or $(WAREHOUSE),data/warehouse.duckdb) --as-of $(AS_OF) $(SPARK_ARGS)

clean:
	rm -rf target logs data/warehouse.duckdb data/.warehouse* .pytest_cache test-output
