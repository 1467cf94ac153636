# Two commands for people (README "Quick start"): `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# make cluster: Streamlit processes behind HAProxy (default: one per core)
REPLICAS ?= $(shell nproc)

.PHONY: run test setup test-setup chromium postgresql haproxy cluster unit bench bench-cluster clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

# Local copies of Leaflet/jQuery (from XStatic packages) and the embedded gazetteer: file targets
# with their real inputs, so a restart with nothing changed rebuilds neither (the gazetteer takes
# ~10 s to build). The copier leaves an up-to-date VERSIONS.txt untouched, hence the touch.
GAZETTEER := build/gazetteer.sqlite
STATIC_STAMP := dashboard/static/VERSIONS.txt

$(STATIC_STAMP): dashboard/services/static_assets.py $(VENV)/.installed
	$(PY) -m dashboard.services.static_assets
	touch $@

$(GAZETTEER): scripts/build_gazetteer.py dashboard/core/geoparse/gazetteer.py $(VENV)/.installed
	$(PY) scripts/build_gazetteer.py

setup: $(STATIC_STAMP) $(GAZETTEER)

# A headless Chromium for the browser tests: Debian's package (Playwright's own
# browser download does not work on these machines).
chromium:
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Install Chromium (Debian: sudo apt-get install chromium) to run the browser tests" >&2; exit 1; fi

# PostgreSQL for the store tests (they start their own throwaway server with initdb): Debian's
# package, whose binaries live in /usr/lib/postgresql/<version>/bin (not on PATH).
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then echo "postgresql: $$(ls -d /usr/lib/postgresql/*/bin | tail -1)"; \
	elif [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	else echo "Install PostgreSQL (Debian: sudo apt-get install postgresql) to run the store tests" >&2; exit 1; fi

# The load balancer of `make cluster` (and of its browser test): Debian's package.
haproxy:
	@if command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; then echo "haproxy: $$(command -v haproxy || echo /usr/sbin/haproxy)"; \
	elif [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; \
	else echo "Install HAProxy (Debian: sudo apt-get install haproxy) to run make cluster" >&2; exit 1; fi

test-setup: setup $(VENV)/.installed-test chromium postgresql haproxy

run: setup
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT)

# REPLICAS Streamlit processes on loopback ports behind HAProxy on PORT (docs/DEPLOY.md);
# in the foreground: Ctrl-C stops everything.
# RUN_DIR (optional) keeps haproxy.cfg, its stats socket and state.json there.
cluster: setup haproxy
	exec $(PY) -m dashboard.cluster --replicas $(REPLICAS) --port $(PORT) $(if $(RUN_DIR),--run-dir $(RUN_DIR))

test: test-setup
	$(PY) -m pytest

unit: test-setup
	$(PY) -m pytest tests/unit

bench: test-setup
	$(PY) bench/geoparse.py

# Load through the balancer: 2 replicas, 1/25/100 readers at once, a replica killed (docs/BENCHMARKS.md).
bench-cluster: test-setup
	$(PY) bench/cluster.py

clean:
	rm -rf $(VENV) build .dashboard-data dashboard/static/leaflet dashboard/static/jquery dashboard/static/basemap dashboard/static/VERSIONS.txt .pytest_cache
