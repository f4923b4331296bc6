# investment_system — `make run` serves the app, `make test` runs every check.
# Both install whatever is missing first (see ../shared/TOOLCHAIN.md for why each tool
# comes from crates.io or npm: cargo-leptos cannot download anything here).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.11
# wasm-bindgen-cli must match the wasm-bindgen crate exactly; Cargo.toml pins it.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)

export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CARGO_TARGET_DIR ?= $(CURDIR)/target
SERVER_BIN := $(CARGO_TARGET_DIR)/release/investment-system
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help run test build tools browser services fmt-check clippy unit e2e watch bench wrk reliability image image-test local-base-image

help:
	@echo "make run    build (release), migrate data/investment.db and serve http://127.0.0.1:3000"
	@echo "make test   fmt, clippy (ssr and hydrate), unit + integration tests, Playwright in Chromium"
	@echo "make watch  development server with live reload (cargo leptos watch)"
	@echo "make bench  indicator speed against TA-Lib, /api/v1/run latency, SONAR (see docs/PERFORMANCE.md)"
	@echo "make reliability  load, PostgreSQL/Redis faults, SIGKILL, fuzzing (see docs/RELIABILITY.md)"
	@echo "make image  the container image of what make build made (CONTAINER=docker|podman, IMAGE=...)"
	@echo "make image-test  the image in production mode on PostgreSQL (TLS) and Redis, smoke-checked"

## ---------------------------------------------------------------- the two commands

run: tools build
	mkdir -p data
	# SONAR's index of this project's own tree, so /sonar has something to show.
	$(SERVER_BIN) sonar index .
	$(SERVER_BIN) serve

test: tools browser services fmt-check clippy unit build e2e
	@echo "make test: all checks passed"

## ---------------------------------------------------------------- steps

build: tools vendor
	cargo leptos build --release --split

watch: tools vendor
	cargo leptos watch --split

fmt-check:
	cargo fmt --check

clippy:
	cargo clippy --all-targets --features ssr -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

# Compiled first, then bounded: a hung test fails the run in minutes, not at CI's limit.
unit:
	cargo test --features ssr --no-run
	timeout --kill-after=30s 15m cargo test --features ssr

e2e: end2end/node_modules/.package-lock.json
	cd end2end && SERVER_BIN="$(SERVER_BIN)" npx playwright test

# TA-Lib (the Python package bundles the C library) is the reference, timed in the same run.
BENCH_VENV := $(CARGO_TARGET_DIR)/bench-venv
BENCH_DATA := $(CARGO_TARGET_DIR)/bench-bars.json
# vectorbt (numba) apart: its pins must not move TA-Lib's numpy.
VECTORBT_VENV := $(CARGO_TARGET_DIR)/vectorbt-venv

bench: tools browser $(BENCH_VENV)/bin/python $(VECTORBT_VENV)/bin/python wrk
	BENCH_DATA=$(BENCH_DATA) cargo bench --features ssr --bench indicators > $(CARGO_TARGET_DIR)/bench-ours.json
	$(BENCH_VENV)/bin/python benches/talib_reference.py $(BENCH_DATA) > $(CARGO_TARGET_DIR)/bench-talib.json
	$(BENCH_VENV)/bin/python benches/compare.py $(CARGO_TARGET_DIR)/bench-ours.json $(CARGO_TARGET_DIR)/bench-talib.json
	cargo bench --features ssr --bench monte_carlo
	cargo bench --features ssr --bench api_latency
	cargo bench --features ssr --bench dashboard_render
	cargo bench --features ssr --bench sonar
	cargo bench --features ssr --bench request_overhead
	OPTIMIZE_BENCH_DATA=$(CARGO_TARGET_DIR)/optimize-bars.json cargo bench --features ssr --bench optimize > $(CARGO_TARGET_DIR)/optimize-ours.json
	$(VECTORBT_VENV)/bin/python benches/vectorbt_reference.py $(CARGO_TARGET_DIR)/optimize-bars.json > $(CARGO_TARGET_DIR)/optimize-vectorbt.json
	python3 benches/compare_optimize.py $(CARGO_TARGET_DIR)/optimize-ours.json $(CARGO_TARGET_DIR)/optimize-vectorbt.json
	PORTFOLIO_BENCH_DATA=$(CARGO_TARGET_DIR)/portfolio-closes.json cargo bench --features ssr --bench portfolio > $(CARGO_TARGET_DIR)/portfolio-ours.json
	$(VECTORBT_VENV)/bin/python benches/vectorbt_portfolio.py $(CARGO_TARGET_DIR)/portfolio-closes.json > $(CARGO_TARGET_DIR)/portfolio-vectorbt.json
	python3 benches/compare_portfolio.py $(CARGO_TARGET_DIR)/portfolio-ours.json $(CARGO_TARGET_DIR)/portfolio-vectorbt.json
	cargo bench --features ssr --bench screener
	$(MAKE) build
	cd end2end && SERVER_BIN="$(SERVER_BIN)" node bench/frontend.mjs

# wrk drives the request-overhead bench (issue 18) from a second process on loopback.
wrk:
	command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }

$(BENCH_VENV)/bin/python:
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet TA-Lib numpy

$(VECTORBT_VENV)/bin/python:
	python3 -m venv $(VECTORBT_VENV)
	$(VECTORBT_VENV)/bin/pip install --quiet "vectorbt==1.*"

# Load (200 clients, 60 s), faults against our own PostgreSQL and Redis on spare ports,
# SIGKILL during imports, and schemathesis over the OpenAPI document. About 5 minutes;
# loopback only; never touches the machine's shared PostgreSQL or Redis.
RELIABILITY_VENV := $(CARGO_TARGET_DIR)/reliability-venv

reliability: tools services build $(RELIABILITY_VENV)/bin/schemathesis
	SERVER_BIN="$(SERVER_BIN)" SCHEMATHESIS="$(RELIABILITY_VENV)/bin/schemathesis" \
		timeout --kill-after=30s 30m cargo test --release --features ssr --test reliability -- \
		--ignored --test-threads=1 --nocapture

$(RELIABILITY_VENV)/bin/schemathesis:
	python3 -m venv $(RELIABILITY_VENV)
	$(RELIABILITY_VENV)/bin/pip install --quiet "schemathesis>=4,<5"

# The container image: the release binary (stripped) and the site, staged into a build
# context of their own, so CARGO_TARGET_DIR may live anywhere.
CONTAINER ?= docker
IMAGE ?= investment-system:latest
BASE_IMAGE ?= debian:bookworm-slim
IMAGE_BUILD_FLAGS ?=
IMAGE_CONTEXT := $(CARGO_TARGET_DIR)/image-context
# podman writes OCI images by default, which drop HEALTHCHECK; the docker format keeps it.
IMAGE_FORMAT := $(if $(filter podman,$(notdir $(CONTAINER))),--format docker,)

image: build
	rm -rf $(IMAGE_CONTEXT) && mkdir -p $(IMAGE_CONTEXT)
	cp Dockerfile Leptos.toml $(IMAGE_CONTEXT)/
	cp -r target/site $(IMAGE_CONTEXT)/site
	cp $(SERVER_BIN) $(IMAGE_CONTEXT)/investment-system
	strip $(IMAGE_CONTEXT)/investment-system
	$(CONTAINER) build $(IMAGE_FORMAT) $(IMAGE_BUILD_FLAGS) --build-arg BASE_IMAGE=$(BASE_IMAGE) -t $(IMAGE) $(IMAGE_CONTEXT)

# Not part of `make test` (it needs a container engine): builds the image, runs it in
# production mode against this machine's PostgreSQL with sslmode=require and Redis,
# runs `investment-system smoke` inside it, removes it (docs/DEPLOYMENT.md has times).
IMAGE_RUN_FLAGS ?= --network host

image-test: image services
	CONTAINER="$(CONTAINER)" IMAGE="$(IMAGE)" IMAGE_RUN_FLAGS="$(IMAGE_RUN_FLAGS)" .ci/image-test

# Where no registry is reachable (as on the machines of ../shared/TOOLCHAIN.md): a
# Debian bookworm base made with debootstrap, imported as LOCAL_BASE_IMAGE. Needs root.
LOCAL_BASE_IMAGE ?= localhost/debian:bookworm-slim
LOCAL_BASE_ROOTFS := $(CARGO_TARGET_DIR)/base-rootfs

local-base-image:
	command -v debootstrap >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y debootstrap; }
	$(SUDO) rm -rf $(LOCAL_BASE_ROOTFS)
	$(SUDO) debootstrap --variant=minbase bookworm $(LOCAL_BASE_ROOTFS)
	# What a slim image leaves out: documentation, manuals, locales, apt lists and the
	# downloaded packages debootstrap keeps.
	$(SUDO) rm -rf $(LOCAL_BASE_ROOTFS)/usr/share/{doc,man,info,locale} $(LOCAL_BASE_ROOTFS)/var/lib/apt/lists/* \
		$(LOCAL_BASE_ROOTFS)/var/cache/apt/*.bin $(LOCAL_BASE_ROOTFS)/var/cache/apt/archives/*.deb
	$(SUDO) tar -C $(LOCAL_BASE_ROOTFS) -c . | $(CONTAINER) import - $(LOCAL_BASE_IMAGE)
	$(SUDO) rm -rf $(LOCAL_BASE_ROOTFS)

## ---------------------------------------------------------------- installs (each skipped when done)

tools: wasm-target cargo-leptos wasm-bindgen-cli node_modules/.package-lock.json

.PHONY: wasm-target cargo-leptos wasm-bindgen-cli
wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown

cargo-leptos:
	@cargo leptos --version 2>/dev/null | grep -q " $(CARGO_LEPTOS_VERSION)$$" \
		|| cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --ignore-rust-version

# No --locked: one of its locked dependencies is missing from the registry.
wasm-bindgen-cli:
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$" \
		|| cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

# Tailwind CSS and wasm-opt (npm's binaryen; Debian's breaks release bundles).
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# ECharts and Swagger UI (for /docs) from their npm packages, served by us (never from
# a CDN, so both work offline); not committed.
.PHONY: vendor
vendor: public/vendor/echarts.min.js public/vendor/swagger-ui/swagger-ui-bundle.js
public/vendor/echarts.min.js: node_modules/.package-lock.json
	mkdir -p public/vendor
	cp node_modules/echarts/dist/echarts.min.js $@
public/vendor/swagger-ui/swagger-ui-bundle.js: node_modules/.package-lock.json
	mkdir -p public/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui.css public/vendor/swagger-ui/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js $@

# Playwright without its browser download: the tests use Debian's Chromium.
end2end/node_modules/.package-lock.json: end2end/package-lock.json
	cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch $@

# CHROMIUM_PATH (read by end2end/playwright.config.ts) names another Chromium, e.g. on CI runners.
browser: end2end/node_modules/.package-lock.json
	@[ -n "$${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null \
		|| { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; }

# PostgreSQL and Redis are started with the machine; start them again if they stopped.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 \
		|| $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 \
		|| $(SUDO) redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
			--dir /var/lib/redis --logfile /var/log/redis/ci.log
