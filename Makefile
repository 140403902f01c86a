# The two commands: `make demo` and `make test`. Both install what is missing first: `make demo` only what
# building and running need, `make test` (and fuzz, bench, package) the test tools too (scripts/install-deps --test).
.PHONY: all deps deps-test configure build demo test test-asan fuzz bench package clean kb-bundle

JOBS ?= $(shell nproc)

all: build

deps:
	@scripts/install-deps

deps-test:
	@scripts/install-deps --test

build/build.ninja: | deps
	cmake --preset default >/dev/null

# Configured again every time: after `make demo` the test packages may have arrived since.
configure:
	cmake --preset default >/dev/null

build: deps build/build.ninja
	cmake --build build -j $(JOBS)

demo: deps build/build.ninja
	cmake --build build -j $(JOBS) --target anshin
	build/anshin demo

test: deps-test configure
	scripts/install-browser-tools
	cmake --build build -j $(JOBS)
	ctest --test-dir build --output-on-failure -j $(JOBS)

test-asan: deps-test
	cmake --preset asan >/dev/null
	cmake --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -j $(JOBS)

fuzz: deps-test
	scripts/fuzz-all

bench: deps-test build
	bench/sweep
	bench/identify

# A signed knowledge-base bundle of data/ for `anshin kb update FILE` (docs/kb-format.md "Bundles").
# KEY is the Ed25519 private key (PEM) whose public half is in keys/kb/ or /etc/anshin/kb-keys/.
KB_BUNDLE ?= anshin-kb.bundle
kb-bundle: build
	@test -n "$(KEY)" || { echo "usage: make kb-bundle KEY=private-key.pem [KB_BUNDLE=anshin-kb.bundle]" >&2; exit 1; }
	build/anshin kb bundle --key "$(KEY)" --data data -o "$(KB_BUNDLE)"

# The Debian package build/anshin_<version>_amd64.deb (CPack; cmake/AnshinPackage.cmake), checked by lintian.
package: deps-test configure
	cmake --build build -j $(JOBS)
	cd build && cpack -G DEB
	lintian --fail-on error build/anshin_*_amd64.deb

clean:
	rm -rf build build-asan build-fuzz
