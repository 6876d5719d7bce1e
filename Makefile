# Two entry points work on a fresh machine with only Python 3.11+ and Node/npm:
#   make run    set up .venv, install, start the service on http://127.0.0.1:8080 (embedded SQLite)
#   make test   set up the same environment and run every check and test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY_OK  := $(VENV)/.installed
NODE_OK := node_modules/.installed

.PHONY: run test check generate lint fmt clean demo bench cluster

$(PY_OK): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

$(NODE_OK): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(PY_OK)
	$(BIN)/cooud serve

# The scaled deployment on this machine (impl/bus/cluster.py): engine + standby + two API workers on ports
# COOUD_PORT and COOUD_PORT+1, over the NATS at COOUD_BUS (default nats://127.0.0.1:4222); Ctrl-C stops them all.
cluster: $(PY_OK)
	$(BIN)/cooud cluster

# Demo liquidity (tools/demo_maker.py): installs the generated client and the SDK into the venv (editable, so
# they follow generated/ and clients/python; skipped when already there), starts the service on COOUD_PORT if
# nothing answers, and runs a market maker + taker until Ctrl-C. Options: make demo DEMO_ARGS='--seed 1'.
demo: $(PY_OK)
	@$(BIN)/python -c "import cooud_exchange_client, cooud_sdk" 2>/dev/null || \
	  $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e generated/client -e clients/python
	$(BIN)/python -m tools.demo_maker $(DEMO_ARGS)

generate: $(PY_OK)
	$(BIN)/python -m tools.codegen

# Static checks of the contract and the generated code, then the test suite.
check: $(PY_OK) $(NODE_OK)
	$(BIN)/python -m tools.validate_specs
	$(BIN)/python -m tools.check_examples
	$(BIN)/python -m tools.lint
	$(BIN)/python -m tools.codegen --check
	$(BIN)/python -m tools.breaking
	$(BIN)/ruff check impl tools tests clients

test: check
	$(BIN)/python -m pytest -q

# Engine and HTTP benchmarks; writes bench/results/<UTC timestamp>.json and latest.json (docs/BENCHMARKS.md).
bench: $(PY_OK)
	$(BIN)/python -m tools.bench

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .hypothesis
