# Two commands for people (README "Quick start"): `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test setup test-setup chromium postgresql unit bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

# Local copies of Leaflet/jQuery (from XStatic packages) and the embedded gazetteer.
setup: $(VENV)/.installed
	$(PY) -m dashboard.services.static_assets
	$(PY) scripts/build_gazetteer.py

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

test-setup: setup $(VENV)/.installed-test chromium postgresql

run: setup
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT)

test: test-setup
	$(PY) -m pytest

unit: test-setup
	$(PY) -m pytest tests/unit

bench: test-setup
	$(PY) bench/geoparse.py

clean:
	rm -rf $(VENV) build .dashboard-data dashboard/static .pytest_cache
