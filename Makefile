# landbridge: `make run` simulates the bundled default scenario, `make serve` opens the
# what-if page at http://127.0.0.1:8050/, `make test` runs the tests.
# All three create the virtual environment (.venv) from uv.lock when it is missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: run serve test venv lock bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==0.13.8

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	touch $@

venv: $(VENV)/.synced

run: venv
	$(VENV)/bin/landbridge simulate

serve: venv
	$(VENV)/bin/landbridge serve

test: venv
	$(VENV)/bin/python -m pytest

bench: venv
	$(VENV)/bin/python benchmarks/run_all.py

lock: $(UV)
	$(UV) lock

clean:
	rm -rf $(TOOLS) $(VENV)
