# rekey — the two commands: `make run` (start the service on SQLite) and `make test` (every test).
# Both install missing Debian packages (apt) and build first. `make check` runs the source checks
# (formatting, include layering) that CI runs before the tests.

SHELL := /bin/bash
BUILD_DIR ?= build
SANITIZE_DIR ?= build-asan
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 20
FUZZERS := fuzz_http_request fuzz_token_request fuzz_token_codec fuzz_sigv4 fuzz_sqs_json fuzz_sqs_query \
  fuzz_admin_api fuzz_duration fuzz_config fuzz_jwt fuzz_proxy
JOBS ?= $(shell nproc)
REKEY := $(BUILD_DIR)/src/app/rekey
PREFIX ?= /usr/local

DEBIAN_PACKAGES := g++ cmake ninja-build ccache pkg-config make \
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
  libssl-dev libsqlite3-dev sqlite3 libpq-dev postgresql libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev \
  libgoogle-perftools-dev libgtest-dev libgmock-dev curl wrk nginx-light openssl ca-certificates \
  clang-format clang libclang-rt-14-dev awscli chromium prometheus-cpp-dev libyaml-cpp-dev python3-prometheus-client systemd \
  python3-boto3 iproute2 util-linux

.PHONY: deps build run test unit-test e2e-test check fuzz-build fuzz fuzz-smoke bench install clean

deps:
	@scripts/install-deps.sh $(DEBIAN_PACKAGES)

# Release build (with debug info) for `make run` and `make bench`.
build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREKEY_TESTS=OFF >/dev/null
	@ninja -C $(BUILD_DIR) -j $(JOBS) rekey

run: build
	$(REKEY) serve --dev --listen 127.0.0.1 --port 8080 --data-dir ./rekey-data

# Every test runs against the ASan+UBSan build: the unit tests (ctest) and the end-to-end
# tests (node:test driving the real binary with real clients), with a throwaway PostgreSQL
# server for the storage contract suite (scripts/with-postgres.sh).
# The release build is built too (it links tcmalloc, which the sanitizer build cannot), and its
# binary must load and run (`--help`).
test: deps build
	@$(REKEY) --help >/dev/null
	@cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DREKEY_SANITIZE=ON -DREKEY_TESTS=ON >/dev/null
	@ninja -C $(SANITIZE_DIR) -j $(JOBS)
	scripts/with-postgres.sh $(MAKE) --no-print-directory unit-test e2e-test
	@$(MAKE) --no-print-directory fuzz-smoke

# Every unit test (ctest), or with TEST=<binary> (FILTER=<gtest filter> optional) just that one,
# each built first: `make unit-test TEST=auth_tests FILTER='TokenService.*'`. Needs the sanitizer
# tree configured (`make test` once, or the cmake line in README.md).
unit-test:
ifdef TEST
	ninja -C $(SANITIZE_DIR) -j $(JOBS) $(TEST)
	$(SANITIZE_DIR)/tests/$(TEST) $(if $(FILTER),--gtest_filter='$(FILTER)')
else
	ninja -C $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS)
endif

# Every end-to-end file, or with E2E=<name> just tests/e2e/<name>.test.mjs, against the sanitizer
# build's binary (built first then): `make e2e-test E2E=token_endpoint`.
e2e-test:
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
ifdef E2E
	ninja -C $(SANITIZE_DIR) -j $(JOBS) rekey
	cd tests/e2e && REKEY_BIN=$(CURDIR)/$(SANITIZE_DIR)/src/app/rekey REKEY_RELEASE_BIN=$(CURDIR)/$(REKEY) npm test -- $(E2E).test.mjs
else
	cd tests/e2e && REKEY_BIN=$(CURDIR)/$(SANITIZE_DIR)/src/app/rekey REKEY_RELEASE_BIN=$(CURDIR)/$(REKEY) npm test
endif

# Source checks, all always run: clang-format (nothing rewritten), the include layering of
# docs/architecture.md, and a test that these two catch what they are for.
check: deps
	@status=0; scripts/check-format.sh || status=1; scripts/check-includes.sh || status=1; \
	  scripts/check-scripts-test.sh || status=1; exit $$status

# libFuzzer harnesses (tests/fuzz/, docs/fuzzing.md), built with clang in their own build dir:
# the libraries with -fsanitize=fuzzer-no-link,address,undefined, the harnesses with -fsanitize=fuzzer.
# asserts stay on (-O1 -g, no NDEBUG): Beast's and Boost.JSON's BOOST_ASSERTs are checks too.
fuzz-build: deps
	@cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" -DREKEY_FUZZ=ON -DREKEY_TESTS=OFF >/dev/null
	@ninja -C $(FUZZ_DIR) -j $(JOBS) fuzzers

# Each harness for FUZZ_SECONDS, one after another; prints executions, exec/s, cov and ft.
fuzz: fuzz-build
	scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZERS)

# Part of `make test`: each harness briefly from its seeds; fails on any crash (or a harness
# that no longer builds).
fuzz-smoke: fuzz-build
	scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS) $(FUZZERS)

# Part 2's reference (SQLite's ceiling for a rotation's writes) and part 5's HTTPS load generator
# are built beside the binary.
bench: build
	@ninja -C $(BUILD_DIR) -j $(JOBS) sqlite_ceiling https_load
	scripts/bench.sh $(REKEY)

# Installs what `make build` made, building nothing (so `sudo make install` runs no compiler as
# root and writes nothing into the build tree): the binary (the console's files are inside it),
# an example configuration, and the systemd unit with /usr/local in it replaced by PREFIX.
# `make build && sudo make install [PREFIX=/usr] [DESTDIR=staging-dir]`; docs/deployment.md.
install:
	@test -x $(REKEY) || { echo "make install: $(REKEY) is missing; run make build first" >&2; exit 1; }
	install -D -m 0755 $(REKEY) "$(DESTDIR)$(PREFIX)/bin/rekey"
	install -D -m 0644 contrib/rekey.toml.example "$(DESTDIR)$(PREFIX)/share/doc/rekey/rekey.toml.example"
	set -o pipefail; sed 's|/usr/local/|$(PREFIX)/|g' contrib/rekey.service \
	  | install -D -m 0644 /dev/stdin "$(DESTDIR)$(PREFIX)/lib/systemd/system/rekey.service"

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(FUZZ_DIR)
