# The two commands of the quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint schema clean redis-server

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/omnigate demo

test: $(STAMP) redis-server
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest

# The Redis tests (OMNIGATE_CACHE_URL) start Debian's redis-server; where apt cannot
# install it, they skip and say so.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
		command -v apt-get >/dev/null 2>&1 && \
		(export DEBIAN_FRONTEND=noninteractive && apt-get update -q && \
		 apt-get install -y -q redis-server) >/dev/null 2>&1; \
	} || echo "make test: redis-server is not installed; the Redis tests will be skipped" >&2

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

schema: $(STAMP)
	$(BIN)/omnigate export-schema > schema.graphql

clean:
	rm -rf $(VENV)
