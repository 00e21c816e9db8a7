# django-clerkio: `make demo` runs the example shop, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := cd example_project && ../$(BIN)/python manage.py
DEMO_PRODUCTS ?= 2000
FAKE_API_PORT ?= 8765
DEMO_PORT ?= 8000
SCREENSHOTS_DIR ?= demo-screenshots
# The shop's absolute URLs (feeds, images sent to Clerk) use the port the demo listens on.
export SHOP_BASE_URL ?= http://127.0.0.1:$(DEMO_PORT)
# Without real Clerk keys the demo is a sandbox: the bundled fake of Clerk's API, with the
# catalogue synced to it and its stand-in for Clerk.js on the pages.
DEMO_ENV := CLERK_PUBLIC_KEY=$${CLERK_PUBLIC_KEY:-demo-public-key} \
	CLERK_PRIVATE_KEY=$${CLERK_PRIVATE_KEY:-demo-private-key} \
	CLERK_API_URL=$${CLERK_API_URL:-http://127.0.0.1:$(FAKE_API_PORT)/v2/}

.PHONY: install demo demo-data _runserver _sandbox-sync demo-screenshots fake-api test test-postgres lint format tox bench-feeds bench-sync bench-storefront bench-token-flood bench-renderers clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@# mypy's Django and DRF stubs need Python 3.11 or later.
	if $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
		$(BIN)/pip install --quiet -e ".[typing]"; fi
	touch $@

demo-data: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --reset --products $(DEMO_PRODUCTS) --orders 500 --customers 300 --pages 30 --seed 1
	$(MANAGE) shell -c "from django.contrib.auth import get_user_model as g; U = g(); \
		U.objects.filter(username='admin').exists() or U.objects.create_superuser('admin', 'admin@example.com', 'admin')"

demo: demo-data
	@echo "Example shop: http://127.0.0.1:$(DEMO_PORT)/  (admin: http://127.0.0.1:$(DEMO_PORT)/admin/, admin/admin)"
	@if [ -z "$$CLERK_API_URL" ]; then \
		echo "Sandbox: fake Clerk API on http://127.0.0.1:$(FAKE_API_PORT)/v2/, what it received on http://127.0.0.1:$(FAKE_API_PORT)/_fake/stores"; \
		echo "(set CLERK_PUBLIC_KEY, CLERK_PRIVATE_KEY and CLERK_API_URL to use Clerk.io)"; \
		$(BIN)/python -m django_clerk.testing --port $(FAKE_API_PORT) \
			--store $${CLERK_PUBLIC_KEY:-demo-public-key}:$${CLERK_PRIVATE_KEY:-demo-private-key} & \
		trap "kill $$!" EXIT INT TERM; \
		$(DEMO_ENV) $(MAKE) --no-print-directory _sandbox-sync _runserver; \
	else $(MAKE) --no-print-directory _runserver; fi

# Wait for the fake, then send it the whole catalogue, the orders and the pages.
_sandbox-sync:
	cd example_project && ../$(BIN)/python -m sandbox.wait http://127.0.0.1:$(FAKE_API_PORT)/_fake/stores
	$(MANAGE) clerk_sync --no-progress

_runserver:
	$(MANAGE) runserver 127.0.0.1:$(DEMO_PORT)

# The sandbox demo on free ports with a small catalogue, photographed in headless Chromium.
demo-screenshots: install
	cd example_project && ../$(BIN)/python -m sandbox.screenshots --out ../$(SCREENSHOTS_DIR)

fake-api: install
	$(BIN)/python -m django_clerk.testing --port $(FAKE_API_PORT)

test: install lint
	$(BIN)/pytest -n 2

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/pytest -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@if [ -x $(BIN)/mypy ]; then $(BIN)/mypy django_clerk; \
	else echo "mypy skipped: its Django and DRF stubs need Python 3.11 or later"; fi

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench-feeds: install
	$(BIN)/python benchmarks/feeds.py $(BENCH_ARGS)

bench-sync: install
	$(BIN)/python benchmarks/sync.py $(BENCH_ARGS)

bench-storefront: install
	$(BIN)/python benchmarks/storefront_tags.py $(BENCH_ARGS)

bench-token-flood: install
	$(BIN)/python benchmarks/token_flood.py $(BENCH_ARGS)

bench-renderers: install
	$(BIN)/python benchmarks/feed_renderers.py $(BENCH_ARGS)

tox: install
	$(BIN)/pip install --quiet tox
	$(BIN)/tox

clean:
	rm -rf $(VENV) .tox .pytest_cache .ruff_cache example_project/db.sqlite3 *.egg-info
