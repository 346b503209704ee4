# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up from here.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: rehearsal demo test test-quick screenshots content-schema clean bench bench-quick chaos chaos-report dist dist-smoke dist-repro

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { packaging/install-os-deps.sh venv && $(PYTHON) -m venv $(VENV); }
	@$(PY) -m pip install -q --upgrade pip

$(STAMP): $(VENV)/bin/python pyproject.toml packaging/install-os-deps.sh
	@$(PY) -m pip install -q -e .
	@packaging/install-os-deps.sh runtime
	@touch $@

$(TSTAMP): $(STAMP) pyproject.toml
	@$(PY) -m pip install -q -e '.[test]'
	@packaging/install-os-deps.sh test
	@touch $@

demo: $(STAMP)
	@$(if $(DISPLAY)$(WAYLAND_DISPLAY),packaging/install-os-deps.sh display,true)
	@$(VENV)/bin/cbt-demo $(if $(DISPLAY)$(WAYLAND_DISPLAY),,--headless) --students 30

test: $(TSTAMP)
	@QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

test-quick: $(TSTAMP)
	@QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m 'not slow' $(PYTEST_ARGS)

screenshots: $(TSTAMP)
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/proctor-console screenshots --out docs/screenshots
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/exam-client --screenshots docs/screenshots
	@# the kiosk at the smallest screen the readiness check takes and at full HD (Kazakh)
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/exam-client --screenshots docs/screenshots/1024x768 --size 1024x768 --lang kk
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/exam-client --screenshots docs/screenshots/1920x1080 --size 1920x1080 --lang kk
	@QT_QPA_PLATFORM=offscreen CBT_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q -p no:cacheprovider \
		tests/central_scorer/test_public_page.py tests/central_scorer/test_portal.py -k "chromium and sqlite or clerk"

# The exam content's JSON Schema for bank authors, generated from the model (a test keeps it current).
content-schema: $(STAMP)
	@mkdir -p docs/schemas
	@$(PY) -c 'import json; from common.domain.exam import json_schema; \
		print(json.dumps(json_schema(), ensure_ascii=False, indent=2))' > docs/schemas/exam-content.schema.json

# The fault and attack suite with full counts (issues 11, 16): the tests (power cuts need FUSE),
# then the mutation check (tests/chaos/mutants.py), then docs/RELIABILITY.md from the records.
# Fails when a test failed, an answer was lost, a mutant survived or a record is missing.
# `make chaos-report` renders the report again from var/chaos.jsonl.
chaos: $(TSTAMP)
	@mkdir -p var && rm -f var/chaos.jsonl
	@start=$$(date +%s); QT_QPA_PLATFORM=offscreen CHAOS_FULL=1 CHAOS_REPORT=var/chaos.jsonl \
		$(PY) -m pytest -q tests/chaos $(PYTEST_ARGS); rc=$$?; \
		$(PY) tests/chaos/mutants.py --report var/chaos.jsonl; mrc=$$?; \
		$(PY) tests/chaos/write_report.py var/chaos.jsonl docs/RELIABILITY.md $$(( $$(date +%s) - start )); \
		wrc=$$?; [ $$rc -eq 0 ] && [ $$mrc -eq 0 ] && [ $$wrc -eq 0 ]

chaos-report:
	@$(PY) tests/chaos/write_report.py var/chaos.jsonl docs/RELIABILITY.md

# Benchmarks (bench/; not tests, never run by `make test`): the full run rewrites docs/BENCHMARKS.md.
BSTAMP := $(VENV)/.installed-bench

$(BSTAMP): $(TSTAMP) pyproject.toml
	@$(PY) -m pip install -q -e '.[bench]'
	@touch $@

bench: $(BSTAMP)
	@$(PY) bench/run.py

bench-quick: $(BSTAMP)
	@$(PY) bench/run.py --quick

# Frozen builds for lab PCs (packaging/; never run by `make test`): PyInstaller onedir bundles in
# dist/, then the smoke test of the frozen binaries (with the kiosk's window in a headless cage).
# `make dist-repro` builds again elsewhere and compares file by file (docs/deployment.md).
DSTAMP := $(VENV)/.installed-dist

$(DSTAMP): $(STAMP) pyproject.toml packaging/install-os-deps.sh
	@$(PY) -m pip install -q -e '.[dist]'
	@packaging/install-os-deps.sh dist
	@touch $@

dist: $(DSTAMP)
	@$(PY) packaging/build.py
	@$(PY) packaging/smoke.py

dist-smoke: $(DSTAMP)
	@$(PY) packaging/smoke.py

dist-repro: $(DSTAMP)
	@$(PY) packaging/build.py --reproducibility

# The LAN rehearsal (issue 17; never run by `make test`): docs/exam-day.md's day with the room and
# 30 kiosks in network namespaces on a bridge, the kiosks' links impaired (tc netem). Needs root.
rehearsal: $(TSTAMP)
	@QT_QPA_PLATFORM=offscreen CBT_REHEARSAL=1 $(PY) -m pytest -q -p no:cacheprovider -rs -s tests/test_lan_rehearsal.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info var
