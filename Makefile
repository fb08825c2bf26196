# Prospecting Workbench — every step a fresh machine needs lives here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Offscreen only where nobody looks: the tests set it themselves (tests/conftest.py), CI in
# .ci/run, and these targets here. `run` must show the real window.
unit bench package-smoke icons screenshots: export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test lint typecheck unit bench package package-smoke icons screenshots translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip wheel

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/workbench

lint: $(STAMP)
	$(BIN)/ruff check workbench tests packaging
	$(BIN)/ruff format --check workbench tests packaging
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m tests.perf.run

$(VENV)/.packaging: $(STAMP)
	$(BIN)/python -m pip install -q -e ".[package]"
	touch $@

# A one-folder app in dist/workbench that starts without Python installed.
package: $(VENV)/.packaging
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller packaging/workbench.spec
	$(MAKE) package-smoke

package-smoke:
	rm -rf build/smoke && mkdir -p build/smoke
	WORKBENCH_HOME=build/smoke dist/workbench/workbench demo --db build/smoke/demo.db --size small
	WORKBENCH_HOME=build/smoke dist/workbench/workbench --db build/smoke/demo.db --smoke

# The English plural forms ("1 lead", "2 leads") Qt reads: the .ts compiled to the .qm beside it.
translations: $(STAMP)
	$(BIN)/pyside6-lrelease resources/translations/plurals_en.ts -qm resources/translations/plurals_en.qm

icons: $(STAMP)
	$(BIN)/python packaging/render_icons.py

screenshots: $(STAMP)
	$(BIN)/python packaging/screenshots.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache
