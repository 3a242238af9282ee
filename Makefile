# The README's commands. `make run` and `make test` need only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-browser test-all test-postgres test-redis test-varnish lint check-deploy clean bench-images messages check-messages bench-importer bench bench-faults bench-tasks bench-surge bench-editions bench-alerts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

## run: the site and admin on SQLite with demo content at http://127.0.0.1:8000/, and the
## background worker beside it (`manage.py worker`); Ctrl+C stops both
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py worker --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## test: every test that needs only Python (SQLite)
test: $(VENV)/.installed-dev
	$(BIN)/pytest -m "not postgres and not redis and not browser and not varnish"

## test-postgres: the whole suite (and the postgres-marked tests) on PostgreSQL
test-postgres: $(VENV)/.installed-dev
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not redis and not browser and not varnish"

## test-redis: the redis-marked tests against a real Redis and PostgreSQL (two app servers)
test-redis: $(VENV)/.installed-dev
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -m redis

## test-varnish: a real varnishd in front of gunicorn, purged by tag (PostgreSQL and Redis too)
test-varnish: $(VENV)/.installed-dev
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -m varnish

## test-browser: Playwright + Debian's Chromium, axe-core and the Nu HTML Checker, on SQLite and PostgreSQL
## (needs `apt-get install chromium default-jre-headless` and `npm ci`, which .ci/run does)
test-browser: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/pytest -m browser
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m browser

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## test-all: SQLite, PostgreSQL, Redis and the browser (start the services first: see README)
test-all: test test-postgres test-redis test-varnish test-browser

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-deploy: $(VENV)/.installed
	key=$$(mktemp -d)/signing-key.pem; \
	$(BIN)/python -c "import sys; from cryptography.hazmat.primitives import serialization as s; from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as K; open(sys.argv[1], 'wb').write(K.generate().private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))" $$key; \
	PRESSOFFICE_SIGNING_KEY_FILE=$$key \
	DJANGO_SETTINGS_MODULE=pressoffice.settings.prod \
	DJANGO_SECRET_KEY=ci-only-$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	DJANGO_ALLOWED_HOSTS=press.example.invalid \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles

## bench-images: rendition time per megapixel and memory per upload (bench/RESULTS.md)
bench-images: $(VENV)/.installed
	$(BIN)/python bench/images.py

## messages: collect new interface strings into the .po files (needs GNU gettext), then compile them
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages -l fa -l ar -l fr --no-location --ignore=.venv --ignore=tests --ignore=bench
	$(BIN)/python manage.py compile_translations

## check-messages: fail when a string in the code has no translation (needs GNU gettext)
check-messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages -l fa -l ar -l fr --no-location --ignore=.venv --ignore=tests --ignore=bench
	$(BIN)/pytest -q tests/test_i18n.py

## bench-editions: what signing and logging add to a publication, and the log's addresses, with an empty and a large log
bench-editions: $(VENV)/.installed-dev
	$(BIN)/python bench/editions.py

## bench-alerts: 100 000 subscriptions over 2 000 lists: matching a publication, emails/s through a real worker into a local SMTP sink, a daily digest run
bench-alerts: $(VENV)/.installed-dev
	$(BIN)/python bench/alerts.py

## bench-importer: readouts parsed and imported per second on SQLite and PostgreSQL
bench-importer: $(VENV)/.installed-dev
	$(BIN)/python bench/importer.py

## bench: load benchmark (N statements, DB=sqlite|postgres; BENCH_DATA=file.sqlite3 reuses a generated data set); prints a Markdown table for bench/RESULTS.md
N ?= 1000
DB ?= sqlite
bench: $(VENV)/.installed-dev
	N=$(N) DB=$(DB) $(BIN)/python bench/load.py

## bench-faults: readers during editing, a PostgreSQL restart and a Redis stop (bench/RESULTS.md)
bench-faults: $(VENV)/.installed-dev
	$(BIN)/python bench/faults.py $(SCENARIO)

## bench-surge: readers while a publisher publishes every 5 s (N statements; VARNISH=1 behind varnishd; BENCH_DATA as for bench)
bench-surge: $(VENV)/.installed-dev
	N=$(or $(N),10000) VARNISH=$(VARNISH) $(BIN)/python bench/surge.py

## bench-tasks: a publish request while the WebSub hub hangs, before and after; 10 000 tasks through each backend
bench-tasks: $(VENV)/.installed-dev
	$(BIN)/python bench/tasks.py
