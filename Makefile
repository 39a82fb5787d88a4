# The two commands of the README:
#   make demo   build and start Buitenzicht with the demo municipality on http://127.0.0.1:8080
#   make test   run every test (unit, integration on SQLite and PostgreSQL, browser)
.PHONY: demo test assets build

assets:
	scripts/setup.sh

build: assets
	cargo build -p buitenzicht

demo: build
	cargo run -q -p buitenzicht -- demo --data-dir data/demo

test:
	scripts/test.sh
