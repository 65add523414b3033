# Two commands for a fresh Debian machine: `make demo` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEBS   := fonts-noto-cjk fonts-lxgw-wenkai libharfbuzz-subset0 poppler-utils
# LibreOffice only for tests: open our DOCX as Word would, and make legacy .xls files.
# Chromium and its driver only for tests: the browser test of `reportgen serve` (Selenium, no browser download);
# nginx only for tests: the same pages behind a reverse proxy under a path prefix (tests/test_nginx.py).
# python3-uno only for tests: LibreOffice refreshes the Word pack's table of contents (tests/lo_refresh.py).
TEST_DEBS := libreoffice-writer-nogui libreoffice-calc-nogui python3-uno chromium chromium-driver nginx

.PHONY: demo test fuzz bench screenshots system system-test bytecode clean

demo: system $(STAMP) bytecode
	$(VENV)/bin/reportgen build . --period 2025H1

test: system system-test $(STAMP) bytecode
	$(VENV)/bin/pytest

# The long run of the hostile tests: 2,000 fuzzed workbooks, new ones each time (make test: 30, always the same),
# and the kill tests at other random moments.
fuzz: system system-test $(STAMP) bytecode
	REPORTGEN_FUZZ=1 REPORTGEN_FUZZ_EXAMPLES=$${REPORTGEN_FUZZ_EXAMPLES:-2000} REPORTGEN_KILL_SEED=$$$$ \
		$(VENV)/bin/pytest tests/test_fuzz.py tests/test_kill.py

bench: system $(STAMP) bytecode
	$(PY) bench/run.py

# The README's pictures of the web pages (docs/img/web-*.png), taken by the browser test.
screenshots: system system-test $(STAMP) bytecode
	REPORTGEN_SCREENSHOTS=docs/img $(VENV)/bin/pytest tests/test_web_browser.py tests/test_web_cycle_browser.py

system:
	@scripts/ensure-debs.sh $(DEBS)

system-test:
	@scripts/ensure-debs.sh $(TEST_DEBS)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip uninstall -y -q opencc-python-reimplemented 2>/dev/null || true  # same module name as opencc
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Our modules compiled once here: where PYTHONDONTWRITEBYTECODE is set (many containers), Python would otherwise
# compile every module in every process, the build's workers included (0.6 s of a 4.8 s sample build).
bytecode: $(STAMP)
	@$(PY) -m compileall -q src

clean:
	rm -rf outputs $(VENV)
